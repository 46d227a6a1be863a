"""Conformance tests: see tests/conftest.py for the identical/total tally printed at the end of a run."""
