"""Global options, checked in the order aws v1 checks them.

aws v1 validates its global options right after the first parse, before it
even looks at the operation: the ``--query`` expression is compiled, the
``--endpoint-url`` scheme checked, the timeouts converted with ``int()``.  A
bad value therefore wins over, say, a missing ``--training-job-name``, and no
request is ever made with a bad expression.  :func:`resolve` does exactly
those steps, in that order, with aws v1's messages.
"""

from __future__ import annotations

from typing import Any

from awsml_cli.errors import AwsmlError
from awsml_cli.speedups.records import Record

# botocore's default for both socket timeouts, in seconds.
DEFAULT_TIMEOUT = 60


class GlobalArgs(Record):
    debug: bool = False
    endpoint_url: str | None = None
    # False for --no-verify-ssl, a path for --ca-bundle, None for "ask botocore".
    verify: bool | str | None = None
    paginate: bool = True
    output: str | None = None
    query_text: str | None = None
    query: Any = None  # a compiled jmespath expression
    profile: str | None = None
    region: str | None = None
    color: str = "auto"
    sign_request: bool = True
    read_timeout: int | None = DEFAULT_TIMEOUT
    connect_timeout: int | None = DEFAULT_TIMEOUT


def compile_query(text: str) -> Any:
    import jmespath

    try:
        return jmespath.compile(text)
    except Exception as exc:  # jmespath raises several unrelated types
        raise AwsmlError(f"Bad value for --query {text}: {exc}") from exc


def _check_endpoint_url(url: str) -> str:
    from urllib.parse import urlparse

    # botocore's HTTP layer needs a scheme; aws v1 refuses early, before any I/O.
    if not urlparse(url).scheme:
        raise AwsmlError(
            f'Bad value for --endpoint-url "{url}": scheme is missing.  '
            "Must be of the form http://<hostname>/ or https://<hostname>/"
        )
    return url


def _timeout(value: str | None) -> int | None:
    seconds = DEFAULT_TIMEOUT if value is None else value
    try:
        seconds = int(seconds)
    except ValueError as exc:
        raise AwsmlError(str(exc)) from exc
    # 0 means "block forever", which botocore spells None.
    return None if seconds == 0 else seconds


def resolve(values: dict) -> GlobalArgs:
    """Validate the parsed global option values, in aws v1's order."""
    args = GlobalArgs(
        debug=bool(values.get("debug")),
        paginate=not values.get("no_paginate"),
        output=values.get("output"),
        # Kept as given: an empty --region is not stored on the session (aws v1
        # ignores it there) but still reaches create_client, as in aws v1.
        profile=values.get("profile"),
        region=values.get("region"),
        color=values.get("color") or "auto",
    )
    query_text = values.get("query")
    if query_text is not None:
        args.query_text = query_text
        args.query = compile_query(query_text)
    endpoint_url = values.get("endpoint_url")
    if endpoint_url is not None:
        args.endpoint_url = _check_endpoint_url(endpoint_url)
    args.sign_request = not values.get("no_sign_request")
    # --no-verify-ssl beats --ca-bundle; without either, botocore decides
    # (AWS_CA_BUNDLE, then the config file's ca_bundle, then its default).
    if values.get("no_verify_ssl"):
        args.verify = False
    else:
        args.verify = values.get("ca_bundle")
    args.read_timeout = _timeout(values.get("cli_read_timeout"))
    args.connect_timeout = _timeout(values.get("cli_connect_timeout"))
    return args
