"""What aws v1 keeps between runs, kept the same way: credential caches and the command history.

aws v1 registers dozens of handlers on its botocore session; the README lists
each one and what awsml does about it. Two of them leave state on disk that
the next run (of aws or of awsml) reads, and that a user sees:

* **The credential cache** (``~/.aws/cli/cache``). aws v1 gives the
  assume-role and web-identity credential providers a JSON file cache, so a
  role profile calls STS once and reuses the temporary credentials until they
  are 15 minutes from expiry. awsml gives the same providers the same cache:
  same folder, same file names (botocore's cache key), same content, so a
  cache written by either program is used by the other. The cache is touched
  only when a profile assumes a role; environment credentials cost nothing.
  aws v1's key for a web-identity role includes the token itself (a new token
  is a new entry); botocore releases that key it without the token are given
  aws v1's key.

* **The command history** (``cli_history = enabled``): see
  :mod:`awsml_cli.aws.history`.
"""

from __future__ import annotations

import os

CACHE_DIR = ("~", ".aws", "cli", "cache")


def use_cli_credential_caches(resolver) -> None:
    """Give ``resolver``'s assume-role providers aws v1's file cache."""
    from botocore.exceptions import UnknownCredentialError
    from botocore.utils import JSONFileCache

    folder = os.path.expanduser(os.path.join(*CACHE_DIR))
    for name in ("assume-role", "assume-role-with-web-identity"):
        try:
            provider = resolver.get_provider(name)
        except UnknownCredentialError:
            continue
        provider.cache = JSONFileCache(folder)
        if name == "assume-role-with-web-identity" and not _keys_include_the_token():
            provider.__class__ = _web_identity_provider_class(type(provider))


def _keys_include_the_token() -> bool:
    from botocore.credentials import AssumeRoleWithWebIdentityCredentialFetcher

    return hasattr(AssumeRoleWithWebIdentityCredentialFetcher, "_cache_key_args")


_CLASSES: dict = {}


def _web_identity_provider_class(base: type) -> type:
    """``base`` whose credential fetcher uses aws v1's cache key."""
    if base not in _CLASSES:

        class WebIdentityProviderWithCliCacheKey(base):
            def load(self):
                credentials = super().load()
                fetcher = getattr(getattr(credentials, "_refresh_using", None), "__self__", None)
                if fetcher is not None and hasattr(fetcher, "_cache_key"):
                    fetcher._cache_key = web_identity_cache_key(fetcher)
                return credentials

        _CLASSES[base] = WebIdentityProviderWithCliCacheKey
    return _CLASSES[base]


def web_identity_cache_key(fetcher) -> str:
    """aws v1's cache file name for a web-identity role: a SHA-1 of the
    AssumeRoleWithWebIdentity arguments, the token among them, as sorted JSON
    (a session name botocore made up is left out; a policy is sorted too)."""
    import hashlib
    import json

    arguments = dict(fetcher._assume_kwargs)
    arguments["WebIdentityToken"] = fetcher._web_identity_token_loader()
    if fetcher._using_default_session_name:
        arguments.pop("RoleSessionName", None)
    if "Policy" in arguments:
        arguments["Policy"] = json.loads(arguments["Policy"])
    digest = hashlib.sha1(json.dumps(arguments, sort_keys=True).encode("utf-8")).hexdigest()
    return fetcher._make_file_safe(digest)


def plugins_notice(full_config: dict, environ=None) -> str | None:
    """The line awsml writes when the config file names AWS CLI plugins.

    aws v1 imports each module of the ``[plugins]`` section as it starts (and
    crashes with a traceback on one it cannot import); awsml cannot run them
    and says so, naming them, instead of pretending the file is fine.
    """
    plugins = full_config.get("plugins")
    if not isinstance(plugins, dict) or not plugins:
        return None
    environ = os.environ if environ is None else environ
    config_file = os.path.expanduser(environ.get("AWS_CONFIG_FILE", os.path.join("~", ".aws", "config")))
    names = ", ".join(f"{name} ({module})" for name, module in plugins.items())
    return f"awsml: not running the AWS CLI plugins in [plugins] of {config_file} (awsml runs no aws plugins): {names}\n"


_SESSION_CLASS = None


def session_class():
    """aws v1's botocore Session class (made on first use: botocore.session is heavy to import)."""
    global _SESSION_CLASS
    if _SESSION_CLASS is None:
        _SESSION_CLASS = _make_session_class()
    return _SESSION_CLASS


def _make_session_class():
    import botocore.session

    from awsml_cli.aws import v1_rules as aws_v1_rules

    class AwsmlSession(botocore.session.Session):
        """botocore's Session; every client it makes follows aws v1's rules
        (credential providers make their STS and SSO clients here too), and
        its credential providers use aws v1's credential cache."""

        def _create_credential_resolver(self):
            resolver = super()._create_credential_resolver()
            use_cli_credential_caches(resolver)
            return resolver

        def create_client(self, *args, **kwargs):
            client = super().create_client(*args, **kwargs)
            # After botocore's own checks, as the check of a newer botocore
            # comes after them (it is made with the endpoint, last).
            aws_v1_rules.check_ca_bundle(kwargs.get("verify"), self)
            aws_v1_rules.apply(client)
            return client

    return AwsmlSession
