"""``--debug``: aws v1's log lines on stderr, with every secret redacted.

aws v1 logs the signed request in full: the session token twice, the
Authorization header and the signature.  awsml keeps the shape of that log
(so people who know it can read it) but every record passes through
:class:`RedactingFilter` before anything is written, and so does the final
error message.  A debug log is something people paste into tickets.

What counts as a secret:

* the request signature and the session token wherever botocore prints them
  (known shapes: ``Signature=…``, the ``Signature:`` log line, the token
  header in the canonical request and in header reprs);
* the access key id inside ``Credential=…`` (it names the account's user);
* values under secret-looking keys in any text, known or not yet known to
  awsml: ``aws_secret_access_key = …``, ``"SecretAccessKey": "…"``,
  ``<SessionToken>…</SessionToken>`` (e.g. an STS or credential_process
  response echoed in a ``Response body`` line);
* the literal secret key and session token from every source awsml can see --
  the environment, every profile of the config and credentials files, and the
  credentials botocore resolved (credential_process, assume-role, …) -- in
  the encodings they could appear in (raw, URL-encoded, JSON- and
  repr-escaped, base64 and hex), and any run of 12 or more consecutive
  characters of them, whatever quoting or escaping surrounds it.
"""

from __future__ import annotations

import logging
import re
import sys

LOG_FORMAT = "%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s"
MASK = "***"
# Loggers whose records make up aws v1's debug log. awsml's own logger names
# ("awsml_cli.cli", "awsml_cli.output", ...) are printed in every --debug line:
# they name what logs, not the module the code sits in, and stay put.
LOGGER_NAMES = ("botocore", "awsml_cli", "urllib3")
# Shorter literal values are not masked: masking "ab" everywhere would wreck the log,
# and no real AWS secret is that short.
MIN_SECRET_LENGTH = 4
# No run of this many consecutive characters of a secret is ever shown, whatever
# escaping or quoting (JSON in a bytes repr in an exception text, ...) surrounds it.
FRAGMENT_LENGTH = 12

_SECRET_ENV_VARS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_SECRET_CONFIG_KEYS = ("aws_secret_access_key", "aws_session_token", "aws_security_token")
_SECRET_NAMES = (
    r"aws_secret_access_key|aws_session_token|aws_security_token|"
    r"SecretAccessKey|SecretKey|SessionToken|Token"
)

# Each pattern keeps group 1 and masks what follows it.
_SECRET_PATTERNS = [
    # The signature in Authorization headers and presigned URLs.
    re.compile(r"((?:X-Amz-)?Signature=)[0-9a-fA-F]+"),
    # botocore.auth's "Signature:\n<hex>" line.
    re.compile(r"(Signature:\s*)[0-9a-fA-F]{16,}"),
    # The session token as a canonical-request line, a header value or a query parameter.
    re.compile(r"(x-amz-security-token:)[^\r\n]+", re.IGNORECASE),
    re.compile(r"""(['"]X-Amz-Security-Token['"]:\s*b?['"])[^'"]+""", re.IGNORECASE),
    re.compile(r"(X-Amz-Security-Token=)[^&\s'\"]+", re.IGNORECASE),
    # Credential=<access key id>/<scope>: the key id identifies the account user.
    re.compile(r"(Credential=)[^/\s,'\"]+(?=/)"),
    # key = value (ini files), "key": "value" (JSON), 'key': 'value' (Python reprs).
    re.compile(rf"""((?:{_SECRET_NAMES})\s*=\s*)[^\s'",;&]+"""),
    re.compile(rf"""(['"](?:{_SECRET_NAMES})['"]\s*:\s*b?['"])[^'"]+"""),
    re.compile(rf"""(\\"(?:{_SECRET_NAMES})\\"\s*:\s*\\")[^"\\]+"""),
    # <SecretAccessKey>…</SecretAccessKey> in XML (STS responses).
    re.compile(rf"(<(?:{_SECRET_NAMES})>)[^<]+"),
]


def encodings_of(secret: str) -> set[str]:
    """The forms in which ``secret`` could show up in a log line."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(raw)[2:-1],
        base64.b64encode(raw).decode("ascii"),
        base64.b64encode(raw).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
        raw.hex(),
    }
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class RedactingFilter(logging.Filter):
    """Masks known secret shapes and the literal values of every credential in sight."""

    def __init__(self, secrets_provider=None, known_secrets=()):
        super().__init__()
        self._secrets_provider = secrets_provider
        self._seen: set[str] = set()
        self._forms: re.Pattern | None = None
        self._fragments: re.Pattern | None = None
        for secret in known_secrets:
            self._remember(secret)

    def _remember(self, secret) -> None:
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH or secret in self._seen:
            return
        self._seen.add(secret)
        forms, fragments = set(), set()
        for known in self._seen:
            forms |= encodings_of(known)
            size = min(FRAGMENT_LENGTH, len(known))
            fragments |= {known[i : i + size] for i in range(len(known) - size + 1)}
        # Case-insensitive: hex digits and percent-escapes come in either case.  Longest
        # forms first, so that a form containing another is masked whole.
        self._forms = re.compile(
            "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE
        )
        # A lookahead finds overlapping occurrences; _mask_fragments masks their union.
        alternatives = "|".join(re.escape(f) for f in sorted(fragments))
        self._fragments = re.compile(f"(?=({alternatives}))", re.IGNORECASE)

    def _mask_fragments(self, text: str) -> str:
        if self._fragments is None:
            return text
        spans: list[list[int]] = []
        for match in self._fragments.finditer(text):
            start, end = match.start(), match.start() + len(match.group(1))
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        if not spans:
            return text
        pieces, position = [], 0
        for start, end in spans:
            pieces += [text[position:start], MASK]
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _refresh_secrets(self) -> None:
        # Once seen, a secret stays masked: a refresh must not unmask the old value.
        if self._secrets_provider is None:
            return
        try:
            secrets = self._secrets_provider()
        except Exception:  # noqa: BLE001 - redaction must never break logging
            return
        for secret in secrets:
            self._remember(secret)

    def redact(self, text: str) -> str:
        self._refresh_secrets()
        if self._forms is not None:
            text = self._forms.sub(MASK, text)
        text = self._mask_fragments(text)
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: log what we have
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _resolved_credentials(session):
    """The secret parts of the credentials the session resolved, without refreshing them."""

    def provider() -> list[str]:
        creds = getattr(session, "_credentials", None)
        if creds is None:
            return []
        # Plain Credentials keep public attributes; RefreshableCredentials keep private
        # ones behind properties that may refresh (and log) -- read the stored values.
        attributes = vars(creds)
        return [
            attributes.get("secret_key") or attributes.get("_secret_key"),
            attributes.get("token") or attributes.get("_token"),
        ]

    return provider


def _configured_secrets(session) -> list[str]:
    """Secret values from the environment and from every profile of both files."""
    import os

    secrets = [os.environ.get(name) for name in _SECRET_ENV_VARS]
    try:
        profiles = session.full_config.get("profiles", {})
    except Exception:  # noqa: BLE001 - a broken config file is botocore's error to report
        profiles = {}
    for profile in profiles.values():
        if isinstance(profile, dict):
            secrets.extend(profile.get(key) for key in _SECRET_CONFIG_KEYS)
    return [secret for secret in secrets if isinstance(secret, str)]


class _StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever ``sys.stderr`` is at the time of the record."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


# What enable_debug_logging changed, so that disable_debug_logging can undo it
# (awsml run in-process, e.g. by tests, must not keep logging afterwards).
_active_handler: _StderrHandler | None = None
_active_filter: RedactingFilter | None = None
_saved_levels: dict[str, int] = {}


def enable_debug_logging(session, argv=None) -> RedactingFilter:
    global _active_handler, _active_filter
    from awsml_cli.runtime.version import version_string

    disable_debug_logging()
    redactor = RedactingFilter(_resolved_credentials(session), _configured_secrets(session))
    handler = _StderrHandler()
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(redactor)
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        _saved_levels[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    _active_handler, _active_filter = handler, redactor
    log = logging.getLogger("awsml_cli.cli")
    log.debug("CLI version: %s", version_string())
    log.debug("Arguments entered to CLI: %s", sys.argv[1:] if argv is None else argv)
    return redactor


def disable_debug_logging() -> None:
    global _active_handler, _active_filter
    if _active_handler is None:
        return
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.removeHandler(_active_handler)
        logger.setLevel(_saved_levels.pop(name, logging.NOTSET))
    _active_handler = _active_filter = None


def redact(text: str) -> str:
    """``text`` with secrets masked while --debug is on; unchanged otherwise."""
    if _active_filter is None:
        return text
    return _active_filter.redact(text)
