"""The identical/total tally of side-by-side comparisons.

A conformance test that runs several comparisons in one item records
``record_property("comparisons", (identical, total))`` and
``record_property("aws_outcomes", {"output": n, "empty": n, "error": n})``; the
summary at the end of the run adds them up (xdist workers send user properties
with their reports).
"""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    identical = total = 0
    outcomes: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "comparisons":
                    identical += value[0]
                    total += value[1]
                elif name == "aws_outcomes":
                    for kind, count in value.items():
                        outcomes[kind] = outcomes.get(kind, 0) + count
    if total:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(outcomes.items()))
        terminalreporter.write_sep(
            "-", f"aws conformance: {identical}/{total} comparisons identical (aws runs: {kinds})"
        )
