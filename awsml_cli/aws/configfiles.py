"""The AWS config files as a botocore session reads them, without starting one.

Before it makes a client, aws v1 reads the config files three times: the
profile's ``cli_timestamp_format`` (checked when the session starts),
``cli_follow_urlparam`` (for parameter values that are URLs), and the
profile itself, which must exist (``ProfileNotFound``, even for
``--generate-cli-skeleton``). Importing botocore's session costs most of a
describe call, and ``--generate-cli-skeleton`` and ``help`` never need a
client; so until the session is needed, awsml reads the files here, with
botocore's own reader (:mod:`botocore.configloader`: same parser, same
errors) and the steps of ``botocore.session.Session``:

* the profile is ``--profile`` if given (non-empty), else
  ``AWS_DEFAULT_PROFILE``, else ``AWS_PROFILE`` (set but empty counts as set);
* the config file is ``AWS_CONFIG_FILE`` (default ``~/.aws/config``), the
  credentials file ``AWS_SHARED_CREDENTIALS_FILE`` (default
  ``~/.aws/credentials``); the credentials file's sections are added to the
  config file's profiles (merged into an existing profile);
* no profile chosen: the ``default`` profile or nothing; a chosen profile
  must exist.

tests/unit/test_configfiles.py compares this with a botocore session for many
files, environments and profiles.
"""

from __future__ import annotations

import os

# botocore's defaults for the two files (botocore.configprovider).
DEFAULT_CONFIG_FILE = "~/.aws/config"
DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"
PROFILE_ENV_VARS = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")


def _is_file(path: str) -> bool:
    """Whether botocore's reader would find a file there (ConfigNotFound otherwise)."""
    return os.path.isfile(os.path.expanduser(os.path.expandvars(path)))


class ConfigFiles:
    """The parts of a botocore session's configuration that come from the files."""

    def __init__(self, profile: str | None = None, environ=None):
        # create_session stores --profile on the session only when it is non-empty.
        self._profile = profile or None
        self._environ = os.environ if environ is None else environ
        self._full_config: dict | None = None

    def profile_name(self) -> str | None:
        if self._profile is not None:
            return self._profile
        for name in PROFILE_ENV_VARS:
            if name in self._environ:
                return self._environ[name]
        return None

    def _file_variable(self, env_var: str, default: str) -> str:
        return self._environ[env_var] if env_var in self._environ else default

    @property
    def full_config(self) -> dict:
        """Both files, as ``Session.full_config`` (read once)."""
        if self._full_config is None:
            config = {"profiles": {}}
            config_file = self._file_variable("AWS_CONFIG_FILE", DEFAULT_CONFIG_FILE)
            credentials_file = self._file_variable("AWS_SHARED_CREDENTIALS_FILE", DEFAULT_CREDENTIALS_FILE)
            # Where neither file exists (a CI job with credentials in its
            # environment), botocore is not even imported.
            if _is_file(config_file) or _is_file(credentials_file):
                from botocore.configloader import load_config, raw_config_parse
                from botocore.exceptions import ConfigNotFound

                try:
                    config = load_config(config_file)
                except ConfigNotFound:
                    pass
                try:
                    for profile, values in raw_config_parse(credentials_file).items():
                        if profile not in config["profiles"]:
                            config["profiles"][profile] = values
                        else:
                            config["profiles"][profile].update(values)
                except ConfigNotFound:
                    pass
            self._full_config = config
        return self._full_config

    def get_scoped_config(self) -> dict:
        """The chosen profile's settings, as ``Session.get_scoped_config``
        (raises botocore's ProfileNotFound for a profile that does not exist)."""
        profile = self.profile_name()
        profiles = self.full_config["profiles"]
        if profile is None:
            return profiles.get("default", {})
        if profile not in profiles:
            from botocore.exceptions import ProfileNotFound

            raise ProfileNotFound(profile=profile)
        return profiles[profile]

    def data_path(self) -> str | None:
        """The ``data_path`` session variable as awsml's session defines it (as aws v1
        effectively has it): ``AWS_DATA_PATH`` only, never the config file's."""
        return self._environ.get("AWS_DATA_PATH")
