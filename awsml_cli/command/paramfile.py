"""Option values that point at files or URLs (``file://``, ``fileb://``, ``http(s)://``).

aws v1 replaces any operation option value that starts with one of these
prefixes by the content it points at:

* ``file://PATH``  - text, decoded with the locale's preferred encoding;
  ``~`` and ``$VARS`` are expanded and relative paths start at the CWD;
* ``fileb://PATH`` - raw bytes;
* ``http://`` / ``https://`` - fetched with an unsigned GET, unless the config
  file says ``cli_follow_urlparam = false``.
"""

from __future__ import annotations

import locale
import os

from awsml_cli.errors import ParamError

LOCAL_PREFIXES = ("file://", "fileb://")
REMOTE_PREFIXES = ("http://", "https://")


class ResourceLoadingError(Exception):
    pass


def _read_file(prefix: str, value: str) -> str | bytes:
    path = os.path.expandvars(os.path.expanduser(value[len(prefix) :]))
    binary = prefix == "fileb://"
    try:
        if binary:
            with open(path, "rb") as handle:
                return handle.read()
        with open(path, "r", encoding=locale.getpreferredencoding()) as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise ResourceLoadingError(
            f"Unable to load paramfile ({path}), text contents could not be decoded.  "
            "If this is a binary file, please use the fileb:// prefix instead of the "
            "file:// prefix."
        ) from None
    except OSError as exc:
        raise ResourceLoadingError(f"Unable to load paramfile {value}: {exc}") from None


def _fetch_url(url: str) -> str:
    try:
        from botocore.awsrequest import AWSRequest
        from botocore.httpsession import URLLib3Session

        response = URLLib3Session().send(AWSRequest("GET", url).prepare())
        if response.status_code != 200:
            raise ResourceLoadingError(f"received non 200 status code of {response.status_code}")
        return response.text
    except Exception as exc:
        raise ResourceLoadingError(f"Unable to retrieve {url}: {exc}") from None


def load(value, follow_urls: bool = True):
    """The content ``value`` points at, or None when it is not a file or URL reference.

    Raises ResourceLoadingError with aws v1's message when the reference is broken.
    """
    if not isinstance(value, str):
        return None
    for prefix in LOCAL_PREFIXES:
        if value.startswith(prefix):
            return _read_file(prefix, value)
    if follow_urls:
        for prefix in REMOTE_PREFIXES:
            if value.startswith(prefix):
                return _fetch_url(value)
    return None


def load_option(cli_name: str, value, follow_urls: bool = True):
    """The option's value after paramfile loading; errors name the option as aws does."""
    try:
        loaded = load(value, follow_urls)
    except ResourceLoadingError as exc:
        raise ParamError(cli_name, str(exc)) from None
    return value if loaded is None else loaded
