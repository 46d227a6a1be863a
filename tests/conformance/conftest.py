"""The identical/total tally of side-by-side comparisons.

A conformance test that runs several comparisons in one item records
``record_property("comparisons", (identical, total))``; the summary at the end
of the run adds them up (xdist workers send user properties with their reports).
"""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    identical = total = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "comparisons":
                    identical += value[0]
                    total += value[1]
    if total:
        terminalreporter.write_sep("-", f"aws conformance: {identical}/{total} comparisons identical")
