"""``cli_history = enabled``: every run recorded where aws v1 records it, as aws v1 records it.

With ``cli_history = enabled`` in the profile, aws v1 writes each command it
runs into an SQLite database (``AWS_CLI_HISTORY_FILE``, default
``~/.aws/cli/history/history.db``, the file private to the user), one row per
event, which ``aws history list`` and ``aws history show`` read back. awsml
writes the same rows into the same table, so those commands show awsml's runs
too:

* ``CLI_VERSION`` (the user agent; awsml's names awsml) and ``CLI_ARGUMENTS``
  (the argument list) once the global options are accepted;
* from botocore, per API call: ``API_CALL``, then ``HTTP_REQUEST`` for each
  attempt, ``HTTP_RESPONSE`` and ``PARSED_RESPONSE`` for each answer (these
  four share a request id);
* ``CLI_RC``, the exit status, when the command ends: ``null`` after ``help``,
  and none at all after a usage error (aws v1 exits from its argument parser
  without recording one).

Each row: the run's id (a UUID), the request id or NULL, the source (``CLI``
or ``BOTOCORE``), the event type, the time in milliseconds and the payload as
JSON (times as ISO 8601, mappings as objects, bytes as UTF-8 text or
``<Byte sequence>``, anything else as its ``repr``). Nothing here is imported,
and no file is touched, unless the profile enables it.
"""

from __future__ import annotations

import os

FILE_VARIABLE = "AWS_CLI_HISTORY_FILE"
DEFAULT_FILE = ("~", ".aws", "cli", "history", "history.db")

# The history of this run, once started (None otherwise).
_current = None


def enabled_in(config) -> bool:
    """Whether the profile asks for history (a profile that does not exist does not)."""
    from awsml_cli.aws.session import scoped_config_or_none

    scoped = scoped_config_or_none(config)
    return scoped is not None and scoped.get("cli_history") == "enabled"


def start(config, argv: list[str], user_agent) -> None:
    """Start recording this run, if the profile asks for it (``user_agent``: a
    callable, called only then)."""
    global _current
    if _current is not None or not enabled_in(config):
        return
    import logging
    import sys

    path = os.environ.get(FILE_VARIABLE) or os.path.expanduser(os.path.join(*DEFAULT_FILE))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        writer = _make_writer(path)
    except Exception as exc:  # noqa: BLE001 - as aws v1: a warning, and the command goes on
        logging.getLogger("awsml_cli.history").debug("Unable to open history database: %s", exc)
        sys.stderr.write(f"Warning: Unable to record CLI history. Check file permissions for {path}\n")
        return
    from botocore.history import get_global_history_recorder

    recorder = get_global_history_recorder()
    recorder.add_handler(writer)
    recorder.enable()
    _current = _Run(recorder, writer)
    recorder.record("CLI_VERSION", user_agent(), "CLI")
    recorder.record("CLI_ARGUMENTS", list(argv), "CLI")


def note_help() -> None:
    """The command showed a help page: aws v1 records its exit status as null."""
    if _current is not None:
        _current.help_shown = True


def finish(code: int, usage_error: bool) -> None:
    """Record the exit status and stop recording (no status after a usage error)."""
    global _current
    run, _current = _current, None
    if run is None:
        return
    if not usage_error:
        run.recorder.record("CLI_RC", None if run.help_shown else int(code), "CLI")
    run.recorder.disable()
    run.writer.close()


class _Run:
    def __init__(self, recorder, writer):
        self.recorder = recorder
        self.writer = writer
        self.help_shown = False


def _make_writer(path: str):
    import datetime
    import json
    import sqlite3
    import threading
    import time
    import uuid
    from collections.abc import MutableMapping

    from botocore.history import BaseHistoryHandler

    class PayloadEncoder(json.JSONEncoder):
        def default(self, value):
            if isinstance(value, datetime.datetime):
                return value.isoformat()
            if isinstance(value, MutableMapping):
                return dict(value)
            if isinstance(value, bytes):
                try:
                    return value.decode("utf-8")
                except UnicodeDecodeError:
                    return "<Byte sequence>"
            return repr(value)

    class DatabaseWriter(BaseHistoryHandler):
        """One row per event; events of one API call share a request id (per thread)."""

        # Events that belong to one API call; API_CALL starts a new one.
        CALL_EVENTS = ("API_CALL", "HTTP_REQUEST", "HTTP_RESPONSE", "PARSED_RESPONSE")

        def __init__(self):
            self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    try:
                        os.chmod(path + suffix, 0o600)
                    except OSError:
                        pass
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS records (id TEXT, request_id TEXT, source TEXT, "
                "event_type TEXT, timestamp INTEGER, payload TEXT)"
            )
            try:
                self._connection.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error:
                pass  # only faster; not every SQLite has it
            self._run_id = str(uuid.uuid4())
            self._calls = threading.local()
            self._lock = threading.Lock()

        def emit(self, event_type, payload, source):
            request_id = None
            if event_type == "API_CALL":
                self._calls.request_id = str(uuid.uuid4())
            if event_type in self.CALL_EVENTS:
                request_id = getattr(self._calls, "request_id", None)
            row = (self._run_id, request_id, source, event_type, int(time.time() * 1000),
                   json.dumps(payload, cls=PayloadEncoder))
            with self._lock:
                self._connection.execute(
                    "INSERT INTO records(id, request_id, source, event_type, timestamp, payload) "
                    "VALUES (?,?,?,?,?,?)",
                    row,
                )

        def close(self):
            self._connection.close()

    return DatabaseWriter()
