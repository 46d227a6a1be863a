"""aws v1's botocore Session (:func:`awsml_cli.aws.v1_session.session_class`), started with less work.

``make_session()`` returns a real ``botocore.session.Session`` (a subclass);
the rest of awsml calls ``create_client('sagemaker', ...)`` and
``describe_training_job`` on it as on any session.

**Less work at start-up** (``trim=True``), which changes only *how much* data
is read and *when* modules are imported, never what a DescribeTrainingJob
call sends, receives or raises (tests/unit/test_botocore_fast.py checks that
against a stock session). The data comes from :mod:`awsml_cli.speedups.fastdata`,
derived from the installed botocore on its first run and cached per user:

1. **Trimmed SageMaker model.** The stock loader parses the full SageMaker
   model (thousands of shapes) to use one operation; the fast loader
   serves DescribeTrainingJob, the shapes it reaches and every exception
   shape.
2. **Trimmed endpoints.json.** The legacy endpoint resolver only ever looks
   up ``api.sagemaker`` while making this client; it gets every partition
   with just that service and switches to the full file the first time
   any other service is asked for (a credential provider making an STS/SSO
   client, say), so other services resolve as stock.
3. **No directory scans.** ``Loader.load_service_model`` lists every service
   folder only to check that one exists; the fast loader checks that one
   folder. The full list of SageMaker operation names (aws v1 prints it for a
   wrong operation word) comes with the data: ``sagemaker_operation_names``.
4. **Two imports nobody uses here wait until used.** botocore imports its
   documentation generator (and html.parser) at start-up only to attach lazy
   docstrings to client methods; urllib3 runs its opt-in HTTP/2 package's
   ``__init__``, which imports importlib.metadata (zipfile, shutil, bz2,
   lzma, ...). See :mod:`awsml_cli.speedups.deferred_imports`; docstrings still render exactly as
   stock.
5. **Cheaper builtin handler registration** (``FastSession``): the event
   alias cache is pre-filled from the derived table and botocore's own
   handlers skip the signature check. Same handlers, order and names.

What the fast session can NOT do: call another SageMaker operation (the
client has one method). And with ``--debug``, botocore would not log "Loading
JSON file" for the SageMaker model and endpoints.json: pass ``trim=False``
when the log must match aws v1 line for line.

The trimming steps aside whenever user data could change the answer: if
``AWS_DATA_PATH``, the config's ``data_path`` or ``~/.aws/models`` hold a
``sagemaker`` folder (a model override or extras), the full model is loaded;
if they hold an ``endpoints`` file, the stock resolver is built, with the same
"is it the builtin file" flag botocore computes.

Importing this module is free: botocore is imported inside ``make_session``.
"""

from __future__ import annotations

import os
import sys

from awsml_cli.speedups.fastdata import SERVICE_MODEL_NAME, SERVICE_NAME

ENDPOINTS_NAME = "endpoints"


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def make_session(profile: str | None = None, session_vars: dict | None = None,
                 *, trim: bool = True, defer: bool = True):
    """A botocore Session with aws v1's client rules and, with ``trim``, the
    trimmed SageMaker data (see the module docstring).

    ``session_vars`` is passed to ``botocore.session.Session`` unchanged (the
    CLI passes aws v1's variables). ``trim=False`` / ``defer=False`` turn the
    data shortcuts / the import deferrals off (for tests, --debug, and
    measuring what each is worth). For the deferrals to help, call this
    before botocore.client or urllib3 is imported; after that they quietly
    do nothing.
    """
    data = None
    if defer:
        from awsml_cli.speedups.deferred_imports import defer_urllib3_http2_import

        defer_urllib3_http2_import()
    if trim:
        from awsml_cli.speedups.fastdata import for_installed_botocore

        data = for_installed_botocore()
    if defer and data is not None and data.defer_docs:
        from awsml_cli.speedups.deferred_imports import defer_docs_import

        defer_docs_import()
    session_class = _session_class(data)
    session = session_class(session_vars, profile=profile)
    if data is not None:
        install_trimmed_data(session, data)
    return session


def install_trimmed_data(session, data) -> None:
    """Swap the session's data loader and legacy endpoint resolver for the
    trimmed ones. Both are built lazily, exactly when botocore would build
    its own, so ``data_path`` is read from the config at the same moment."""
    session.lazy_register_component("data_loader", lambda: _create_loader(session, data))
    # The endpoint resolver is an internal component (no public setter).
    # If a future botocore moves it, we simply keep botocore's resolver.
    internal = getattr(session, "_internal_components", None)
    if internal is not None and hasattr(internal, "lazy_register_component"):
        internal.lazy_register_component(
            "endpoint_resolver", lambda: _create_endpoint_resolver(session)
        )


def sagemaker_operation_names(session) -> list[str]:
    """Every SageMaker operation name, in the full model's order, as the
    session's loader sees the model (aws v1 lists them all when the
    operation word is wrong). From the trimmed data when the session's loader
    is ours and no user data path touches SageMaker; otherwise the full model
    is loaded, as stock."""
    loader = session.get_component("data_loader")
    names = getattr(loader, "operation_names", None)
    if names is not None:
        found = names()
        if found is not None:
            return found
    return list(loader.load_service_model(SERVICE_NAME, SERVICE_MODEL_NAME)["operations"])


def builtin_data_path() -> str:
    """botocore's own data folder (``Loader.BUILTIN_DATA_PATH``), without
    importing botocore.loaders (which imports urllib3 and much more)."""
    loaders = sys.modules.get("botocore.loaders")
    if loaders is not None:
        return loaders.Loader.BUILTIN_DATA_PATH
    from awsml_cli.speedups.fastdata import botocore_root

    return os.path.join(botocore_root() or "", "data")


def customer_data_path() -> str:
    """``Loader.CUSTOMER_DATA_PATH`` (~/.aws/models), likewise."""
    loaders = sys.modules.get("botocore.loaders")
    if loaders is not None:
        return loaders.Loader.CUSTOMER_DATA_PATH
    return os.path.join(os.path.expanduser("~"), ".aws", "models")


def service_model_without_session(data_path: str | None) -> dict | None:
    """The SageMaker model a session's loader would serve, read without a
    session (``--generate-cli-skeleton`` needs nothing else from botocore).

    That is the trimmed model, when no user data path (``data_path``, as the
    session variable says it, then ~/.aws/models) holds a ``sagemaker`` model
    or folder, the same test the loader makes. None otherwise: only a session
    can tell what it would load.
    """
    from awsml_cli.speedups.fastdata import for_installed_botocore

    data = for_installed_botocore()
    if data is None:
        return None
    user_paths = []
    if data_path is not None:
        # As the session's loader factory expands them.
        user_paths = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)]
    builtin = builtin_data_path()
    for base in [*user_paths, customer_data_path()]:
        if base == builtin:
            continue
        path = os.path.join(base, SERVICE_NAME)
        if os.path.isdir(path) or any(os.path.isfile(path + ext) for ext in (".json", ".json.gz")):
            return None
    return data.service_model()


def _create_loader(session, data):
    """What botocore's own factory does (``create_loader(data_path)``), but
    returning the trimming loader."""
    search_path_string = session.get_config_variable("data_path")
    extra_paths = None
    if search_path_string is not None:
        # Same expansion as botocore.loaders.create_loader.
        extra_paths = [
            os.path.expanduser(os.path.expandvars(p))
            for p in search_path_string.split(os.pathsep)
        ]
    return _fast_loader_class()(extra_search_paths=extra_paths, trimmed=data)


def _create_endpoint_resolver(session):
    """botocore's default resolver factory, with trimmed data when allowed."""
    from botocore.regions import EndpointResolver

    loader = session.get_component("data_loader")
    trimmed = getattr(loader, "trimmed_endpoints", None)
    if trimmed is not None:
        found = trimmed()
        if found is not None:
            data, services = found
            return _lazy_resolver_class()(
                data,
                services=services,
                load_full=lambda: loader.load_data(ENDPOINTS_NAME),
                uses_builtin_data=True,
            )
    endpoints, path = loader.load_data_with_path(ENDPOINTS_NAME)
    return EndpointResolver(endpoints, uses_builtin_data=loader.is_builtin_path(path))


# The subclasses below are made on first use, because their base classes live
# in botocore modules that this module must not import at import time.
_CLASSES: dict = {}


def _session_class(data):
    """awsml's session class; with trimmed data, the fast one."""
    key = "fast-session" if data is not None else "session"
    cls = _CLASSES.get(key)
    if cls is None:
        from awsml_cli.aws.v1_session import session_class

        cls = session_class()
        if data is not None:
            cls = _CLASSES[key] = _make_fast_session_class(cls)
    if data is not None:
        cls._awsml_event_aliases = data.event_aliases
    return cls


def _fast_loader_class():
    cls = _CLASSES.get("loader")
    if cls is None:
        cls = _CLASSES["loader"] = _make_fast_loader_class()
    return cls


def _lazy_resolver_class():
    cls = _CLASSES.get("resolver")
    if cls is None:
        cls = _CLASSES["resolver"] = _make_lazy_resolver_class()
    return cls


def _make_fast_loader_class():
    from botocore.loaders import Loader, instance_cache

    class FastLoader(Loader):
        """A stock Loader (same search paths, same file loader, same caching)
        that serves the trimmed SageMaker model and never scans every
        service folder to check that one service exists."""

        def __init__(self, *args, trimmed, **kwargs):
            super().__init__(*args, **kwargs)
            self._trimmed = trimmed

        def _user_paths(self):
            """Search paths other than botocore's own data folder."""
            return [p for p in self.search_paths if p != self.BUILTIN_DATA_PATH]

        def _user_has(self, name: str) -> bool:
            """Whether a user data path holds ``name`` (a folder or a data
            file), i.e. could override or extend botocore's own data."""
            for base in self._user_paths():
                path = os.path.join(base, name)
                if os.path.isdir(path) or self.file_loader.exists(path):
                    return True
            return False

        def _service_exists(self, service_name: str, type_name: str) -> bool:
            # list_available_services() restricted to one service: a search
            # path has a folder named after the service with some API
            # version folder holding a `type_name` file.
            for base in self._potential_locations():
                service_dir = os.path.join(base, service_name)
                if not os.path.isdir(service_dir):
                    continue
                for api_version in os.listdir(service_dir):
                    if self.file_loader.exists(os.path.join(service_dir, api_version, type_name)):
                        return True
            return False

        @instance_cache
        def load_service_model(self, service_name, type_name, api_version=None):
            if (
                service_name == SERVICE_NAME
                and type_name == SERVICE_MODEL_NAME
                and api_version in (None, self._trimmed.api_version)
                and not self._user_has(service_name)
            ):
                # Derived from botocore's latest API version, with botocore's
                # own extras merged in, as the stock loader would return it.
                return self._trimmed.service_model()
            if not self._service_exists(service_name, type_name):
                # The stock code path: the full scan builds the error message
                # listing every known service.
                return super().load_service_model(service_name, type_name, api_version)
            # From here on, Loader.load_service_model's own steps.
            if api_version is None:
                api_version = self.determine_latest_version(service_name, type_name)
            full_path = os.path.join(service_name, api_version, type_name)
            model = self.load_data(full_path)
            extras_data = self._find_extras(service_name, type_name, api_version)
            self._extras_processor.process(model, extras_data)
            return model

        def operation_names(self):
            """All operation names of the full model, or None when a user
            data path could change the model."""
            if self._user_has(SERVICE_NAME):
                return None
            return self._trimmed.operation_names()

        def trimmed_endpoints(self):
            """(endpoint data holding only SageMaker's service, the service
            keys it holds), or None when a user endpoints file would win."""
            if self._user_has(ENDPOINTS_NAME):
                return None
            return self._trimmed.endpoints(), frozenset((self._trimmed.endpoint_prefix,))

    return FastLoader


def _make_fast_session_class(base):
    def accept_any(handler):
        return None

    class FastSession(base):
        """awsml's Session, with a cheaper registration of its builtin event
        handlers, most of whose cost is the two steps below:

        * event-name aliasing: each registration runs every name through
          the alias rules (``EventAliaser._alias_event_name``) and caches the
          answer per session. We fill that cache first from a table computed
          with botocore's own aliaser for exactly these names
          (:mod:`awsml_cli.speedups.fastdata`), so the answers are the same.
        * kwargs checking: ``register()`` inspects each handler's signature
          to refuse handlers without ``**kwargs``. botocore's own handlers
          all have it, so for them (and only during their registration) the
          check is skipped.

        Registration itself (order, first/last sections, unique ids) is
        botocore's own ``_register_builtin_handlers``, at the usual point of
        ``__init__``.
        """

        _awsml_event_aliases: dict = {}

        def _register_builtin_handlers(self, events):
            cache = getattr(events, "_alias_name_cache", None)
            if isinstance(cache, dict):
                for name, aliased in self._awsml_event_aliases.items():
                    cache.setdefault(name, aliased)
            emitter = getattr(self, "_original_handler", None)
            patch = emitter is not None and hasattr(emitter, "_verify_accept_kwargs")
            if patch:
                emitter._verify_accept_kwargs = accept_any  # instance only
            try:
                super()._register_builtin_handlers(events)
            finally:
                if patch:
                    emitter.__dict__.pop("_verify_accept_kwargs", None)

    return FastSession


def _make_lazy_resolver_class():
    from botocore.regions import EndpointResolver

    class LazyEndpointResolver(EndpointResolver):
        """EndpointResolver over trimmed data that loads the full data the
        first time a service outside the trimmed set is asked for.

        Only the methods that take a service name need the full data; the
        partition-level ones (partitions, DNS suffixes, region to partition)
        read keys the trimmed data keeps unchanged.
        """

        def __init__(self, endpoint_data, *, services, load_full, uses_builtin_data):
            super().__init__(endpoint_data, uses_builtin_data=uses_builtin_data)
            self._trimmed_services = services
            self._load_full = load_full

        def _need(self, service_name):
            if self._load_full is None or service_name in self._trimmed_services:
                return
            full = self._load_full()
            self._load_full = None
            # botocore's resolver writes into the endpoint entries it
            # resolves (hostname, dnsSuffix, ...). Carry our entries over so
            # the state is the one a stock resolver would have reached.
            trimmed = {p["partition"]: p for p in self._endpoint_data["partitions"]}
            for partition in full["partitions"]:
                ours = trimmed.get(partition["partition"])
                if ours is None:
                    continue
                for name in self._trimmed_services:
                    if name in ours["services"]:
                        partition["services"][name] = ours["services"][name]
            self._endpoint_data = full

        def get_service_endpoints_data(self, service_name, *args, **kwargs):
            self._need(service_name)
            return super().get_service_endpoints_data(service_name, *args, **kwargs)

        def get_available_endpoints(self, service_name, *args, **kwargs):
            self._need(service_name)
            return super().get_available_endpoints(service_name, *args, **kwargs)

        def construct_endpoint(self, service_name, *args, **kwargs):
            self._need(service_name)
            return super().construct_endpoint(service_name, *args, **kwargs)

    return LazyEndpointResolver
