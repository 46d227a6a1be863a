"""The botocore session, set up as aws v1 sets up its own.

Everything about where settings come from (profiles, config and credentials
files, environment variables, the credential chain) is botocore's.  awsml adds
only what the AWS CLI layer adds on top of botocore:

* two session variables: ``output`` (``AWS_DEFAULT_OUTPUT`` / config ``output``)
  and ``ca_bundle`` (``AWS_CA_BUNDLE`` / config ``ca_bundle``);
* aws v1's default retry mode (``legacy``, or ``standard`` with
  ``AWS_NEW_RETRIES_2026=true``), whatever botocore's own default is, and aws
  v1's retry rules for every client (:mod:`awsml_cli.aws.v1_rules`);
* ``--profile`` / ``--region`` stored on the session when given (an empty value
  is ignored, as in aws v1);
* the CLI's response parsing: timestamps as they came over the wire unless the
  config file says ``cli_timestamp_format = iso8601``, blobs left encoded.
"""

from __future__ import annotations

from typing import Any

from awsml_cli.errors import AwsmlError
from awsml_cli.cli.globalargs import GlobalArgs

# Session variables the AWS CLI adds to botocore's (or changes): name -> (config key, env var, default, converter).
# The retry mode's default is added per session (see cli_session_variables).
CLI_SESSION_VARIABLES = {
    "ca_bundle": ("ca_bundle", "AWS_CA_BUNDLE", None, None),
    "output": ("output", "AWS_DEFAULT_OUTPUT", "json", None),
    # aws v1 always sets AWS_DATA_PATH when it starts (to add its own data
    # folder, which holds nothing botocore looks up here), so a profile's
    # data_path in the config file never applies: only the variable counts.
    "data_path": (None, "AWS_DATA_PATH", None, None),
}

USER_AGENT_NAME = "awsml"


def cli_session_variables(environ=None) -> dict:
    """CLI_SESSION_VARIABLES, and ``retry_mode`` with aws v1's default."""
    from awsml_cli.aws.v1_rules import default_retry_mode

    return {
        **CLI_SESSION_VARIABLES,
        "retry_mode": ("retry_mode", "AWS_RETRY_MODE", default_retry_mode(environ), None),
    }


def _identity(value: Any) -> Any:
    return value


def _iso8601(value: Any) -> str:
    from botocore.utils import parse_timestamp

    return parse_timestamp(value).isoformat()


def timestamp_parser_for(setting: str | None):
    """The parser for ``cli_timestamp_format``; a bad value is an error before any call."""
    if setting is None or setting in ("wire", "none"):
        return _identity
    if setting == "iso8601":
        return _iso8601
    raise AwsmlError(
        f"Unknown cli_timestamp_format value: {setting}, "
        'valid values are "none", "wire" or "iso8601"'
    )


def scoped_config_or_none(config) -> dict | None:
    """The profile's settings, or None when the profile does not exist (aws v1
    reports that later). ``config``: a session or configfiles.ConfigFiles."""
    try:
        return config.get_scoped_config()
    except Exception as exc:
        # botocore.exceptions is imported only to classify a failure.
        from botocore.exceptions import ProfileNotFound

        if isinstance(exc, ProfileNotFound):
            return None
        raise


def check_timestamp_format(config) -> None:
    """aws v1 refuses a bad ``cli_timestamp_format`` as its session starts, before
    the operation is parsed. ``config``: anything with get_scoped_config()."""
    scoped = scoped_config_or_none(config)
    if scoped is not None:
        timestamp_parser_for(scoped.get("cli_timestamp_format"))


def create_session(args: GlobalArgs, env=None):
    """A botocore session with the CLI's settings applied (aws v1's session start-up).

    ``env``: the run's Environment, which keeps --debug's redactor for the error reporter."""
    # First botocore import of the run: the fast session defers botocore's
    # doc generator and urllib3's HTTP/2 package, which must happen before
    # anything else imports them.  With --debug the stock data files are used,
    # so that the "Loading JSON file" lines name the same files as aws v1's.
    from awsml_cli import speedups

    session = speedups.make_session(cli_session_variables(), trim=not args.debug)
    if session is None:
        from awsml_cli.aws.v1_session import session_class

        session = session_class()(cli_session_variables())

    from awsml_cli import __version__

    session.user_agent_name = USER_AGENT_NAME
    session.user_agent_version = __version__
    # As aws v1 names its botocore (its history records show this user agent).
    import botocore

    session.user_agent_extra = f"botocore/{botocore.__version__}"
    # As aws v1: the timeouts go into the session's default client configuration,
    # so every client gets them, the STS client that assumes a role included.
    from botocore.config import Config

    session.set_default_client_config(Config(read_timeout=args.read_timeout, connect_timeout=args.connect_timeout))
    if args.profile:
        session.set_config_variable("profile", args.profile)
    if args.region:
        session.set_config_variable("region", args.region)
    if args.debug:
        import logging

        from awsml_cli.runtime.debuglog import enable_debug_logging

        redactor = enable_debug_logging(session)
        if env is not None:
            env.redactor = redactor
        for line in speedups.cache_report():
            logging.getLogger("awsml_cli.fastdata").debug(line)
    scoped = scoped_config_or_none(session)
    setting = None if scoped is None else scoped.get("cli_timestamp_format")
    factory = session.get_component("response_parser_factory")
    factory.set_parser_defaults(blob_parser=_identity, timestamp_parser=timestamp_parser_for(setting))
    return session


def follows_url_params(session) -> bool:
    """``cli_follow_urlparam = false`` turns off fetching http(s):// parameter values."""
    scoped = scoped_config_or_none(session)
    return scoped is None or scoped.get("cli_follow_urlparam", "true") == "true"
