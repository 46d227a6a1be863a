"""The tally of aws-vs-awsml comparisons that the test run prints at its end.

A comparison is one input (argv, environment, files, server script) run by the real
``aws`` and by ``awsml``, and their results (stdout, exit code, stderr, what the server
saw, what was written to disk) compared. Every place that makes one calls
:func:`record`; the root conftest adds each test's count to its report, and the
terminal summary adds them up. Tests that run aws alone (the fork server's check, the
recorded samples) or assert a documented difference make no comparison and are
counted on a line of their own.
"""

from __future__ import annotations

_current: list | None = None


def begin() -> None:
    global _current
    _current = [0, 0]


def end() -> tuple[int, int]:
    global _current
    counts, _current = _current or [0, 0], None
    return counts[0], counts[1]


def record(identical: bool) -> bool:
    """Count one comparison; returns ``identical`` for use in an assertion."""
    if _current is not None:
        _current[0] += int(bool(identical))
        _current[1] += 1
    return identical
