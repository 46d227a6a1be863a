"""The network guard every process the tests start loads (tests/netguard/sitecustomize.py).

It refuses, and records, any connection or name lookup beyond loopback; the session fails
when its log is not empty. These tests give the guard a log of their own, so what they
provoke on purpose does not fail the session.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys

import pytest

from tests import helpers

PROBE = """
import socket, sys
outcomes = []
for target in [("10.255.255.1", 80), ("169.254.169.254", 80), ("127.0.0.1", 9)]:
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(target)
        outcomes.append("connected")
    except ConnectionRefusedError as exc:
        outcomes.append("guard" if "network guard" in str(exc) else "refused")
    except OSError as exc:
        outcomes.append(type(exc).__name__)
    finally:
        s.close()
try:
    socket.getaddrinfo("instance-data.ec2.internal", 80)
    outcomes.append("resolved")
except socket.gaierror as exc:
    outcomes.append("guard" if "network guard" in str(exc) else "gaierror")
print(" ".join(outcomes))
"""


def test_every_child_process_is_guarded(tmp_path):
    log = tmp_path / "network.log"
    env = helpers.clean_env(tmp_path / "home")
    env[helpers.NETWORK_LOG_VARIABLE] = str(log)
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["guard", "guard", "refused", "guard"]
    lines = log.read_text().splitlines()
    assert [line.split(" by pid")[0] for line in lines] == [
        "connect ('10.255.255.1', 80)", "connect ('169.254.169.254', 80)", "lookup 'instance-data.ec2.internal'"]


def test_this_process_and_its_servers_are_guarded(tmp_path, monkeypatch):
    """The test process itself (moto and the scripted servers run in it)."""
    monkeypatch.setenv(helpers.NETWORK_LOG_VARIABLE, str(tmp_path / "log"))
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="network guard"):
        sock.connect(("192.0.2.1", 80))
    assert (tmp_path / "log").read_text().startswith("connect ('192.0.2.1', 80)")


def test_the_guard_never_calls_the_real_connect(tmp_path, monkeypatch):
    reached = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: reached.append(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: reached.append(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: reached.append(args[0]))
    spec = importlib.util.spec_from_file_location("netguard_under_test", helpers.GUARD_DIR / "sitecustomize.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.delenv(helpers.NETWORK_LOG_VARIABLE)
    spec.loader.exec_module(module)  # nothing installed without the variable
    module.install(str(tmp_path / "log"))
    with socket.socket() as sock:
        with pytest.raises(ConnectionRefusedError):
            sock.connect(("203.0.113.5", 443))
        sock.connect(("127.0.0.1", 9))
        sock.connect_ex(("::1", 9))
    socket.getaddrinfo("localhost", 80)
    assert reached == [("127.0.0.1", 9), ("::1", 9), "localhost"]
