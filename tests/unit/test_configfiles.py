"""ConfigFiles reads the config files as a botocore session (set up as awsml's) does.

Compared with a real ``botocore.session.Session`` for many combinations of
files (present, missing, empty, unparsable), sections (default, profiles,
credentials-only profiles, profiles in both files) and profile choices
(``--profile``, ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, set but empty).
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import botocore.session
from hypothesis import event, given, settings
from hypothesis import strategies as st

from awsml_cli.aws.configfiles import ConfigFiles
from awsml_cli.aws.session import CLI_SESSION_VARIABLES

CONFIG_SECTIONS = ["default", "profile dev", "profile prod", "dev", "profile  spaced ", "sso-session s",
                   "services local", "profile default", "preview"]
CREDENTIAL_SECTIONS = ["default", "dev", "ci", "prod", "profile dev"]
PROFILES = [None, "", "dev", "ci", "prod", "nosuch", "default", "spaced", "profile dev"]
VARIABLE_VALUES = [None, "", "dev", "ci", "nosuch", "default"]
BROKEN = "[default\nregion = x\n"


@st.composite
def ini_file(draw, sections):
    if draw(st.integers(0, 9)) == 0:
        return BROKEN
    chosen = draw(st.lists(st.sampled_from(sections), max_size=5, unique=True))
    lines = []
    for index, section in enumerate(chosen):
        lines.append(f"[{section}]")
        lines.append(f"region = r{index}")
        if draw(st.booleans()):
            lines.append(f"cli_timestamp_format = {draw(st.sampled_from(['iso8601', 'wire', 'bogus']))}")
        if draw(st.booleans()):
            lines.append("s3 =\n  addressing_style = path")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def environment(values: dict):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({key: value for key, value in values.items() if value is not None})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def outcome(read):
    try:
        return ("ok", read())
    except Exception as exc:  # noqa: BLE001 - the exception is what is compared
        return ("error", type(exc).__name__, str(exc))


@settings(max_examples=400, deadline=None)
@given(
    config=st.one_of(st.none(), ini_file(CONFIG_SECTIONS)),
    credentials=st.one_of(st.none(), ini_file(CREDENTIAL_SECTIONS)),
    config_location=st.sampled_from(["env", "home", "empty", "missing"]),
    profile=st.sampled_from(PROFILES),
    default_profile_var=st.sampled_from(VARIABLE_VALUES),
    profile_var=st.sampled_from(VARIABLE_VALUES),
)
def test_scoped_config_is_the_sessions(config, credentials, config_location, profile, default_profile_var,
                                       profile_var):
    with tempfile.TemporaryDirectory() as home:
        os.makedirs(os.path.join(home, ".aws"))
        env = {"HOME": home, "AWS_DEFAULT_PROFILE": default_profile_var, "AWS_PROFILE": profile_var}
        config_path = {
            "env": os.path.join(home, "config"),
            "home": os.path.join(home, ".aws", "config"),
            "empty": "",
            "missing": os.path.join(home, "nowhere", "config"),
        }[config_location]
        if config_location != "home":
            env["AWS_CONFIG_FILE"] = config_path
        if config is not None and config_path:
            os.makedirs(os.path.dirname(config_path), exist_ok=True)
            with open(config_path, "w") as handle:
                handle.write(config)
        if credentials is not None:
            with open(os.path.join(home, ".aws", "credentials"), "w") as handle:
                handle.write(credentials)
        with environment(env):
            session = botocore.session.Session(CLI_SESSION_VARIABLES)
            if profile:
                session.set_config_variable("profile", profile)
            expected = outcome(session.get_scoped_config)
            event(expected[0] if expected[0] == "ok" else expected[1])
            ours = ConfigFiles(profile)
            assert outcome(ours.get_scoped_config) == expected
            # Read once, like the session: a second call gives the same answer.
            assert outcome(ours.get_scoped_config) == expected
            assert ours.data_path() == session.get_config_variable("data_path")


def test_data_path_is_the_variable_only(tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\ndata_path = /from/config\n")
    with environment({"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(config)}):
        session = botocore.session.Session(CLI_SESSION_VARIABLES)
        assert ConfigFiles().data_path() is None is session.get_config_variable("data_path")
    with environment({"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(config), "AWS_DATA_PATH": "/a:~/b"}):
        session = botocore.session.Session(CLI_SESSION_VARIABLES)
        assert ConfigFiles().data_path() == "/a:~/b" == session.get_config_variable("data_path")
