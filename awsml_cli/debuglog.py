"""``--debug``: aws v1's log lines on stderr, with every secret redacted.

aws v1 logs the signed request in full: the session token twice and the
Authorization header with its signature.  awsml keeps the shape of that log
(so people who know it can read it) but passes every record through a filter
that masks credentials before anything is written.
"""

from __future__ import annotations

import logging
import re
import sys

LOG_FORMAT = "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"
MASK = "***"

# Patterns that carry secrets in botocore/urllib3 debug output.
_SECRET_PATTERNS = [
    # Signature=<hex> in Authorization headers and presigned URLs.
    re.compile(r"(Signature=)[0-9a-fA-F]+"),
    re.compile(r"(X-Amz-Signature=)[0-9a-fA-F]+"),
    # The session token as a canonical-request line or a header value.
    re.compile(r"(x-amz-security-token:)[^\s'\"\\]+", re.IGNORECASE),
    re.compile(r"('X-Amz-Security-Token': b?')[^']+", re.IGNORECASE),
    re.compile(r"(X-Amz-Security-Token=)[^&\s'\"]+", re.IGNORECASE),
    # Credential=<access key id>/<scope>: the key id identifies the account user.
    re.compile(r"(Credential=)[A-Z0-9]{4,}(?=/)"),
]


class RedactingFilter(logging.Filter):
    """Masks known secret shapes and the literal values of the live credentials."""

    def __init__(self, secrets_provider=None):
        super().__init__()
        self._secrets_provider = secrets_provider

    def _literal_secrets(self) -> list[str]:
        if self._secrets_provider is None:
            return []
        return [s for s in self._secrets_provider() if s and len(s) >= 4]

    def redact(self, text: str) -> str:
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        for secret in self._literal_secrets():
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def _credential_values(session):
    """The secret parts of whatever credentials the session resolved, if any yet."""

    def provider() -> list[str]:
        creds = getattr(session, "_credentials", None)
        if creds is None:
            return []
        try:
            frozen = creds.get_frozen_credentials()
        except Exception:
            return []
        return [frozen.secret_key, frozen.token]

    return provider


def enable_debug_logging(session, argv=None) -> None:
    from . import __version__
    from .version import version_string

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter(_credential_values(session)))
    for name in ("botocore", "awsml_cli", "urllib3"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    log = logging.getLogger("awsml_cli.cli")
    log.debug("CLI version: %s", version_string())
    log.debug("Arguments entered to CLI: %s", sys.argv[1:] if argv is None else argv)
