"""The README's first command: the demo runs against the embedded emulator and says it went well."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_end_to_end(tmp_path):
    # Built from scratch, as every test environment here: the machine's AWS_CA_BUNDLE,
    # PYTHONUNBUFFERED and the like must not decide the outcome.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "awsml_cli.demo"], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "demo finished: all commands behaved as expected" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    # Every command the demo shows is printed with its exit code, the failing one included.
    assert proc.stdout.count("# exit code 0") == 9
    assert proc.stdout.count("# exit code 255") == 1
    assert "http://127.0.0.1:" in proc.stdout
