"""awsml_cli.speedups.fast_session: the fast session against the same session without its shortcuts.

Every comparison builds a client without the start-up shortcuts (``trim=False``,
the session awsml uses under ``--debug``) and a fast client in the same
environment and compares what botocore makes of them: models, endpoints,
request bytes, parsed responses, errors, retries. No request leaves the
process: a ``before-send`` hook answers every request with a canned
``AWSResponse``, and the real HTTP sender is replaced by one that fails the
test. Environments are built from scratch (fake credentials, empty HOME, no
config files, instance metadata disabled).

The import-deferral test runs in subprocesses, because deferring
botocore.docs and urllib3.http2 only happens in an interpreter that has not
imported botocore.client or urllib3 yet.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import botocore
import botocore.auth
import botocore.config
import botocore.httpsession
import botocore.loaders
import botocore.regions
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError

from awsml_cli.speedups import fast_session as bf
from awsml_cli.speedups import fastdata

REPO = Path(__file__).resolve().parents[2]
OPERATION = "DescribeTrainingJob"
JOB = "demo-job"

FAKE_KEY = "AKIAFAKEACCESSKEY123"
FAKE_SECRET = "FAKESECRETkeyDONOTLEAK0123456789abcdefgh"

# Wire answer with the awkward cases: unknown keys, nulls, nested lists and
# maps, numbers of every kind, timestamps as numbers and strings.
RICH_BODY = {
    "TrainingJobName": "j\u00f6b",
    "TrainingJobArn": None,
    "UnknownKey": "ignored",
    "EnableManagedSpotTraining": True,
    "HyperParameters": {"zeta": "z", "alpha": "tab\there", "Mid": "new\nline", "empty": ""},
    "FinalMetricDataList": [
        {"Value": 1e-7, "MetricName": "m1", "Timestamp": 1700000000},
        {"MetricName": "m2", "Value": 12345678901234567890, "Timestamp": 1700000000.5},
        {"MetricName": "m3", "Value": 2.5e20, "Timestamp": "2023-11-14T22:13:20Z"},
    ],
    "SecondaryStatusTransitions": [{"Status": "Starting", "StartTime": 1700000000.123456}],
    "ResourceConfig": {
        "InstanceCount": 2, "InstanceType": "ml.p3.2xlarge", "VolumeSizeInGB": 50,
        "KeepAlivePeriodInSeconds": 0,
        "InstanceGroups": [{"InstanceType": "a", "InstanceCount": 1, "InstanceGroupName": "g1"}],
    },
    "VpcConfig": {"SecurityGroupIds": ["sg-1", "sg-2"], "Subnets": ["subnet-1"]},
    "Environment": {},
    "DebugRuleConfigurations": [],
    "CreationTime": 1700000000.0,
}

REGIONS = [
    "us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "cn-northwest-1",
    "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
    "xx-newregion-1",  # unknown: resolved through the partition regex
]
VARIANTS = [
    {},
    {"use_fips_endpoint": True},
    {"use_dualstack_endpoint": True},
    {"use_fips_endpoint": True, "use_dualstack_endpoint": True},
]


# --------------------------------------------------------------------------
# Environment and transport
# --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("AWS_") or key == "BOTO_CONFIG":
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    # ~/.aws/models is computed when botocore is imported; point it into
    # the empty HOME so the machine's own folder cannot leak in.
    monkeypatch.setattr(
        botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(home / ".aws" / "models")
    )

    def no_network(self, request):
        raise AssertionError(f"a request tried to leave the process: {request.url}")

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", no_network)
    # Same signing time and invocation id for every request, so that whole
    # requests (Authorization included) can be compared byte for byte.
    fixed = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: fixed)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID("12345678-1234-5678-1234-567812345678"))
    # The derived data is kept per process; start clean (HOME, and so the cache, is new).
    monkeypatch.setattr(fastdata, "_KNOWN", {})
    return home


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


def canned(status: int = 200, body=None, headers: dict | None = None):
    """A before-send answer: (status, body) or an exception to raise."""
    raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else RICH_BODY).encode()
    base = {"x-amzn-RequestId": "req-1", "Content-Type": "application/x-amz-json-1.1"}
    base.update(headers or {})
    return status, base, raw


class Recorder:
    """before-send hook: records each request, answers from a script."""

    def __init__(self, *answers):
        self.answers = list(answers) or [canned()]
        self.requests = []

    def __call__(self, request, **kwargs):
        self.requests.append(
            (request.method, request.url, sorted((k, v) for k, v in request.headers.items()),
             request.body)
        )
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        status, headers, raw = answer
        return AWSResponse(request.url, status, headers, _Raw(raw))


def stock_session(session_vars=None, profile=None):
    # awsml's session without the shortcuts: stock botocore data and loader,
    # aws v1's rules for its clients, as on the fast session.
    return bf.make_session(profile, session_vars, trim=False, defer=False)


def fast_session(session_vars=None, profile=None):
    # defer=False: the import deferrals are process-wide; they are tested
    # in subprocesses below, and must not depend on test order in this one.
    return bf.make_session(profile, session_vars, defer=False)


def call(session, recorder, params=None, **client_kwargs):
    client_kwargs.setdefault("region_name", "us-east-1")
    client = session.create_client("sagemaker", **client_kwargs)
    client.meta.events.register("before-send", recorder)
    try:
        result = ("ok", client.describe_training_job(**({"TrainingJobName": JOB} if params is None else params)))
    except (ClientError, ParamValidationError, EndpointConnectionError) as exc:
        result = ("error", type(exc).__name__, str(exc), getattr(exc, "response", None))
    return result, recorder.requests


def both(answers=(), params=None, **client_kwargs):
    out = []
    for make in (stock_session, fast_session):
        out.append(call(make(), Recorder(*answers), params=params, **client_kwargs))
    return out


# --------------------------------------------------------------------------
# The data files
# --------------------------------------------------------------------------


def test_trimmed_data_is_used():
    data = fastdata.for_installed_botocore()
    assert data is not None, "no data derived for the installed botocore"
    session = fast_session()
    loader = session.get_component("data_loader")
    assert type(loader).__name__ == "FastLoader"
    resolver = session._get_internal_component("endpoint_resolver")
    assert type(resolver).__name__ == "LazyEndpointResolver"
    model = session.get_service_model("sagemaker")
    assert model.operation_names == [OPERATION]


def _full_and_trimmed():
    full = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    trimmed = fast_session().get_component("data_loader").load_service_model("sagemaker", "service-2")
    return full, trimmed


def test_trimmed_model_dicts_equal_full_model():
    full, trimmed = _full_and_trimmed()
    assert trimmed is not full
    assert [k for k in full if k not in ("operations", "shapes")] == [
        k for k in trimmed if k not in ("operations", "shapes")
    ]
    for key in full:
        if key not in ("operations", "shapes"):
            assert trimmed[key] == full[key], key
    assert list(trimmed["operations"]) == [OPERATION]
    assert trimmed["operations"][OPERATION] == full["operations"][OPERATION]
    for name, shape in trimmed["shapes"].items():
        assert shape == full["shapes"][name], name
    # Kept shapes keep the original relative order.
    order = [n for n in full["shapes"] if n in trimmed["shapes"]]
    assert list(trimmed["shapes"]) == order
    # Every exception shape is there (client.exceptions must not change).
    assert {n for n, s in full["shapes"].items() if s.get("exception")} <= set(trimmed["shapes"])


def _shape_signature(shape, seen=None):
    """Everything botocore's Shape exposes, recursively, cycles cut by name."""
    seen = set() if seen is None else seen
    sig = {
        "name": shape.name,
        "type": shape.type_name,
        "metadata": shape.metadata,
        "serialization": shape.serialization,
        "documentation": shape.documentation,
        "enum": getattr(shape, "enum", None),
        "required": getattr(shape, "required_members", None),
        "document": getattr(shape, "is_document_type", None),
        "event_stream": getattr(shape, "event_stream_name", None),
    }
    if shape.name in seen:
        return sig
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        sig["members"] = [(n, _shape_signature(m, seen)) for n, m in shape.members.items()]
    elif shape.type_name == "list":
        sig["member"] = _shape_signature(shape.member, seen)
    elif shape.type_name == "map":
        sig["key"] = _shape_signature(shape.key, seen)
        sig["value"] = _shape_signature(shape.value, seen)
    return sig


_OPERATION_ATTRS = [
    "name", "wire_name", "http", "metadata", "documentation", "deprecated",
    "auth_type", "auth", "unsigned_payload", "endpoint_discovery",
    "is_endpoint_discovery_operation", "context_parameters",
    "static_context_parameters", "operation_context_parameters",
    "request_compression", "http_checksum", "http_checksum_required",
    "has_event_stream_input", "has_event_stream_output",
    "has_streaming_input", "has_streaming_output", "idempotent_members",
]
_SERVICE_ATTRS = [
    "service_name", "service_id", "signing_name", "api_version", "protocol",
    "protocols", "endpoint_prefix", "metadata", "documentation",
    "client_context_parameters", "signature_version", "resolved_protocol",
]


def test_operation_and_service_models_equal():
    from botocore.model import ServiceModel

    full_dict, trimmed_dict = _full_and_trimmed()
    full, trimmed = ServiceModel(full_dict, "sagemaker"), ServiceModel(trimmed_dict, "sagemaker")
    for attr in _SERVICE_ATTRS:
        if hasattr(full, attr):
            assert getattr(trimmed, attr) == getattr(full, attr), attr
    assert [_shape_signature(s) for s in trimmed.error_shapes] == [
        _shape_signature(s) for s in full.error_shapes
    ]
    op_full, op_trim = full.operation_model(OPERATION), trimmed.operation_model(OPERATION)
    for attr in _OPERATION_ATTRS:
        if hasattr(op_full, attr):
            assert getattr(op_trim, attr) == getattr(op_full, attr), attr
    assert _shape_signature(op_trim.input_shape) == _shape_signature(op_full.input_shape)
    assert _shape_signature(op_trim.output_shape) == _shape_signature(op_full.output_shape)
    assert [_shape_signature(s) for s in op_trim.error_shapes] == [
        _shape_signature(s) for s in op_full.error_shapes
    ]


def test_operation_names_without_full_model(monkeypatch, tmp_path):
    full = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    fast = fast_session()
    assert bf.sagemaker_operation_names(fast) == list(full["operations"])
    assert fast.get_component("data_loader").operation_names() == list(full["operations"])
    # Stock sessions (and user model folders) get the model's own list.
    assert bf.sagemaker_operation_names(stock_session()) == list(full["operations"])
    (tmp_path / "sagemaker").mkdir()
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    assert fast_session().get_component("data_loader").operation_names() is None
    assert bf.sagemaker_operation_names(fast_session()) == list(full["operations"])


def _registrations(session):
    """Every handler registered on the session's emitter: event key,
    section (first/middle/last) and handler, in order; plus unique ids."""
    emitter = session._events._emitter
    found = []

    def walk(node, path):
        values = node.get("values")
        if values is not None:
            for section in ("first", "middle", "last"):
                for handler in getattr(values, section):
                    found.append((".".join(path), section, handler))
        for chunk, child in node["children"].items():
            walk(child, path + [chunk])

    walk(emitter._handlers._root, [])
    return found, sorted(emitter._unique_id_handlers)


def test_builtin_handlers_registered_as_stock():
    stock, fast = stock_session(), fast_session()
    assert type(fast).__name__ == "FastSession"
    assert isinstance(fast, botocore.session.Session)
    assert _registrations(fast) == _registrations(stock)
    assert len(_registrations(stock)[0]) > 100
    # The kwargs check is back on for everything registered later.
    with pytest.raises(ValueError):
        fast.register("before-send", lambda request: None)
    # The alias cache holds exactly botocore's answers.
    from botocore.hooks import EventAliaser, HierarchicalEmitter

    reference = EventAliaser(HierarchicalEmitter())
    cache = fast._events._alias_name_cache
    assert cache and all(reference._alias_event_name(k) == v for k, v in cache.items())


def test_loader_search_paths_match_stock(monkeypatch, tmp_path):
    # botocore computes ~/.aws/models once, when botocore.loaders is imported; in
    # this worker that import may have happened under an earlier test's HOME.
    # Recompute it as a fresh process would under the current HOME.
    monkeypatch.setattr(
        botocore.loaders.Loader, "CUSTOMER_DATA_PATH", os.path.join(os.path.expanduser("~"), ".aws", "models")
    )
    for value in (None, str(tmp_path / "a"), f"~/x{os.pathsep}$HOME/y{os.pathsep}{tmp_path}"):
        if value is None:
            monkeypatch.delenv("AWS_DATA_PATH", raising=False)
        else:
            monkeypatch.setenv("AWS_DATA_PATH", value)
        stock = stock_session().get_component("data_loader")
        fast = fast_session().get_component("data_loader")
        assert type(fast).__name__ == "FastLoader"
        assert fast.search_paths == stock.search_paths
        assert fast.extras_types == stock.extras_types


def test_other_data_is_stock():
    stock = stock_session().get_component("data_loader")
    fast = fast_session().get_component("data_loader")
    for name in ("_retry", "partitions", "sdk-default-configuration", "endpoints"):
        assert fast.load_data(name) == stock.load_data(name), name
    for type_name in ("endpoint-rule-set-1", "paginators-1", "waiters-2"):
        assert fast.load_service_model("sagemaker", type_name) == stock.load_service_model(
            "sagemaker", type_name
        ), type_name
    assert fast.load_service_model("sts", "service-2") == stock.load_service_model("sts", "service-2")
    assert fast.list_available_services("service-2") == stock.list_available_services("service-2")
    from botocore.exceptions import UnknownServiceError

    errors = []
    for loader in (stock, fast):
        with pytest.raises(UnknownServiceError) as info:
            loader.load_service_model("no-such-service", "service-2")
        errors.append(str(info.value))
    assert errors[0] == errors[1]


# --------------------------------------------------------------------------
# Clients: endpoints, requests, responses, errors, retries
# --------------------------------------------------------------------------


def _client_facts(session, region, variant):
    config = botocore.config.Config(**variant)
    try:
        client = session.create_client("sagemaker", region_name=region, config=config)
    except Exception as exc:  # noqa: BLE001 - the error itself is compared
        return ("create-error", type(exc).__name__, str(exc))
    recorder = Recorder()
    client.meta.events.register("before-send", recorder)
    try:
        client.describe_training_job(TrainingJobName=JOB)
        outcome = recorder.requests
    except Exception as exc:  # noqa: BLE001
        outcome = ("call-error", type(exc).__name__, str(exc))
    return (
        client.meta.endpoint_url,
        client.meta.region_name,
        client.meta.partition,
        client.meta.config.signature_version,
        outcome,
    )


@pytest.mark.parametrize("region", REGIONS)
def test_endpoint_resolution_matches_stock(region):
    stock, fast = stock_session(), fast_session()
    for variant in VARIANTS:
        assert _client_facts(fast, region, variant) == _client_facts(stock, region, variant), variant
    # The legacy resolver's own answers, as the client bridge asks them.
    results = []
    for session in (stock, fast):
        resolver = session._get_internal_component("endpoint_resolver")
        row = []
        for variant in VARIANTS:
            try:
                row.append(resolver.construct_endpoint(
                    "api.sagemaker", region,
                    use_dualstack_endpoint=variant.get("use_dualstack_endpoint", False),
                    use_fips_endpoint=variant.get("use_fips_endpoint", False),
                ))
            except Exception as exc:  # noqa: BLE001
                row.append((type(exc).__name__, str(exc)))
        row.append(resolver.get_partition_for_region(region) if region != "xx-newregion-1" else None)
        results.append(row)
    assert results[0] == results[1]


def test_endpoint_variants_from_environment(monkeypatch):
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    assert _client_facts(fast_session(), "us-gov-west-1", {}) == _client_facts(
        stock_session(), "us-gov-west-1", {}
    )
    monkeypatch.setenv("AWS_USE_DUALSTACK_ENDPOINT", "true")
    assert _client_facts(fast_session(), "us-east-1", {}) == _client_facts(
        stock_session(), "us-east-1", {}
    )


def test_real_region_endpoint_url():
    client = fast_session().create_client("sagemaker", region_name="eu-west-1")
    assert client.meta.endpoint_url == "https://api.sagemaker.eu-west-1.amazonaws.com"


def test_request_and_parsed_response_identical():
    (stock_result, stock_requests), (fast_result, fast_requests) = both()
    assert fast_requests == stock_requests
    assert len(stock_requests) == 1
    method, url, headers, body = stock_requests[0]
    assert (method, body) == ("POST", b'{"TrainingJobName": "demo-job"}')
    assert dict(headers)["X-Amz-Target"] == b"SageMaker.DescribeTrainingJob"
    assert fast_result == stock_result
    assert stock_result[0] == "ok"
    # Model order, unknown keys and nulls dropped: what the CLI prints.
    parsed = stock_result[1]
    assert "UnknownKey" not in parsed and "TrainingJobArn" not in parsed
    shape = stock_session().get_service_model("sagemaker").operation_model(OPERATION).output_shape
    assert list(parsed) == [m for m in shape.members if m in parsed] + ["ResponseMetadata"]


@pytest.mark.parametrize(
    "params",
    [{}, {"TrainingJobName": 5}, {"TrainingJobName": ""}, {"TrainingJobName": JOB, "Extra": 1}],
)
def test_parameter_validation_identical(params):
    (stock_result, stock_requests), (fast_result, fast_requests) = both(params=params)
    assert fast_result == stock_result
    assert stock_result[0] == "error" and stock_result[1] == "ParamValidationError"
    assert fast_requests == stock_requests == []


@pytest.mark.parametrize(
    "answer",
    [
        canned(400, {"__type": "ResourceNotFound", "Message": "Requested resource not found."}),
        canned(400, {"__type": "com.amazon.coral.validate#ValidationException", "message": "bad"}),
        canned(400, {"__type": "ResourceInUse", "Message": "in use"}),  # not this operation's
        canned(403, b"<html>not json</html>", {"Content-Type": "text/html"}),
        canned(200, b""),
        canned(200, b"{}"),
    ],
)
def test_errors_and_odd_bodies_identical(answer):
    (stock_result, stock_requests), (fast_result, fast_requests) = both(answers=[answer])
    assert fast_result == stock_result
    assert fast_requests == stock_requests


def test_exception_classes_identical():
    stock = stock_session().create_client("sagemaker", region_name="us-east-1")
    fast = fast_session().create_client("sagemaker", region_name="us-east-1")
    assert sorted(fast.exceptions._code_to_exception) == sorted(stock.exceptions._code_to_exception)
    recorder = Recorder(canned(400, {"__type": "ResourceInUse", "Message": "in use"}))
    fast.meta.events.register("before-send", recorder)
    with pytest.raises(fast.exceptions.ResourceInUse):
        fast.describe_training_job(TrainingJobName=JOB)


RETRY_CASES = [
    ("500", [canned(500, {"__type": "InternalFailure", "message": "boom"})]),
    ("throttle", [canned(400, {"__type": "ThrottlingException", "message": "slow"})]),
    ("connection", [EndpointConnectionError(endpoint_url="https://example.invalid")]),
    ("then ok", [canned(503, b""), canned(200)]),
]


@pytest.mark.parametrize("mode", [None, "legacy", "standard", "adaptive"])
@pytest.mark.parametrize("max_attempts", [None, "1", "2", "7"])
def test_retries_identical(monkeypatch, mode, max_attempts):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    if mode:
        monkeypatch.setenv("AWS_RETRY_MODE", mode)
    if max_attempts:
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", max_attempts)
    stock = stock_session().create_client("sagemaker", region_name="us-east-1")
    fast = fast_session().create_client("sagemaker", region_name="us-east-1")
    assert fast.meta.config.retries == stock.meta.config.retries
    for name, answers in RETRY_CASES:
        if mode == "adaptive" and name == "throttle":
            # Adaptive mode's client-side rate limiter then really waits
            # (a Condition with a timeout, not time.sleep); its code is the
            # same stock code on both sides, the config is compared above.
            continue
        outcomes = []
        for client in (stock, fast):
            recorder = Recorder(*answers)
            client.meta.events.register("before-send", recorder, unique_id="recorder")
            try:
                result = ("ok", client.describe_training_job(TrainingJobName=JOB))
            except Exception as exc:  # noqa: BLE001
                result = (type(exc).__name__, str(exc))
            client.meta.events.unregister("before-send", unique_id="recorder")
            outcomes.append((result, recorder.requests))
        assert outcomes[1] == outcomes[0], name


def test_retry_config_file_and_handlers(monkeypatch, clean_env):
    (clean_env / "aws-config").write_text("[default]\nmax_attempts = 3\nretry_mode = legacy\n")
    stock = stock_session().create_client("sagemaker", region_name="us-east-1")
    fast = fast_session().create_client("sagemaker", region_name="us-east-1")
    assert fast.meta.config.retries == stock.meta.config.retries == {
        "mode": "legacy", "total_max_attempts": 3,
    }
    # The legacy handler is built from _retry.json (read through the loader):
    # the same attempts, the same "reached max retries" message.
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    outcomes = []
    for client in (stock, fast):
        recorder = Recorder(canned(500, {"__type": "InternalFailure", "message": "boom"}))
        client.meta.events.register("before-send", recorder)
        with pytest.raises(ClientError) as info:
            client.describe_training_job(TrainingJobName=JOB)
        outcomes.append((str(info.value), recorder.requests))
    assert outcomes[1] == outcomes[0]
    assert len(outcomes[0][1]) == 3
    assert "(reached max retries: 2)" in outcomes[0][0]


# --------------------------------------------------------------------------
# Session behaviour: profiles, config, env, other services
# --------------------------------------------------------------------------


def test_profile_and_config(clean_env, monkeypatch):
    (clean_env / "aws-config").write_text(
        "[profile p1]\nregion = eu-central-1\n"
        "[profile p2]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9\n"
    )
    (clean_env / "aws-credentials").write_text(
        "[p1]\naws_access_key_id = AKIAP1\naws_secret_access_key = p1secret\n"
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    for profile in ("p1",):
        results = []
        for make in (stock_session, fast_session):
            results.append(call(make(profile=profile), Recorder(), region_name=None))
        assert results[1] == results[0]
        assert b"Credential=AKIAP1/" in dict(results[0][1][0][2])["Authorization"]
    monkeypatch.setenv("AWS_PROFILE", "p2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    clients = [make().create_client("sagemaker") for make in (stock_session, fast_session)]
    assert clients[1].meta.endpoint_url == clients[0].meta.endpoint_url == "http://127.0.0.1:9"
    assert clients[1].meta.region_name == clients[0].meta.region_name == "ap-south-1"


def test_endpoint_url_and_ca_bundle_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:2")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not really a bundle\n")
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    session_vars = {"ca_bundle": ("ca_bundle", "AWS_CA_BUNDLE", None, None),
                    "output": ("output", "AWS_DEFAULT_OUTPUT", "json", None)}
    clients = [
        make(session_vars).create_client("sagemaker", region_name="us-east-1")
        for make in (stock_session, fast_session)
    ]
    assert clients[1].meta.endpoint_url == clients[0].meta.endpoint_url == "http://127.0.0.1:2"
    assert clients[1]._endpoint.http_session._verify == clients[0]._endpoint.http_session._verify == str(bundle)
    monkeypatch.setenv("AWS_DEFAULT_OUTPUT", "table")
    assert [make(session_vars).get_config_variable("output") for make in (stock_session, fast_session)] == [
        "table", "table"
    ]
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    clients = [
        make().create_client("sagemaker", region_name="us-west-2")
        for make in (stock_session, fast_session)
    ]
    assert clients[1].meta.endpoint_url == clients[0].meta.endpoint_url == (
        "https://api.sagemaker.us-west-2.amazonaws.com"
    )


def test_explicit_arguments_and_unsigned():
    (stock_result, stock_requests), (fast_result, fast_requests) = both(
        endpoint_url="http://127.0.0.1:5/base/path?x=1", verify=False,
        config=botocore.config.Config(signature_version=botocore.UNSIGNED, read_timeout=5,
                                      connect_timeout=7),
    )
    assert fast_requests == stock_requests
    assert fast_result == stock_result
    assert "Authorization" not in dict(stock_requests[0][2])


def test_other_services_resolve_as_stock():
    stock, fast = stock_session(), fast_session()
    fast.create_client("sagemaker", region_name="us-east-1")  # trimmed data in use first
    for name, region in (("sts", "us-east-1"), ("sts", "cn-north-1"), ("s3", "eu-west-1"),
                         ("sso", "us-gov-west-1"), ("sagemaker-runtime", "us-east-1")):
        a = stock.create_client(name, region_name=region)
        b = fast.create_client(name, region_name=region)
        assert b.meta.endpoint_url == a.meta.endpoint_url, name
        assert b.meta.service_model.operation_names == a.meta.service_model.operation_names
    for service in ("sagemaker", "s3", "sts"):
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            assert fast.get_available_regions(service, partition) == stock.get_available_regions(
                service, partition
            ), (service, partition)
    assert fast.get_available_partitions() == stock.get_available_partitions()
    # After the switch to the full data, SageMaker still resolves the same.
    assert _client_facts(fast, "us-gov-west-1", {"use_fips_endpoint": True}) == _client_facts(
        stock, "us-gov-west-1", {"use_fips_endpoint": True}
    )


def test_partition_queries_need_no_full_data():
    fast = fast_session()
    resolver = fast._get_internal_component("endpoint_resolver")
    assert resolver.get_available_partitions() == stock_session()._get_internal_component(
        "endpoint_resolver"
    ).get_available_partitions()
    assert resolver.get_partition_for_region("cn-north-1") == "aws-cn"
    assert resolver._load_full is not None  # still trimmed


def test_waiter_and_paginator_hooks():
    stock = stock_session().create_client("sagemaker", region_name="us-east-1")
    fast = fast_session().create_client("sagemaker", region_name="us-east-1")
    assert fast.waiter_names == stock.waiter_names
    assert fast.can_paginate("describe_training_job") == stock.can_paginate("describe_training_job")
    recorder = Recorder(canned(200, {"TrainingJobName": JOB, "TrainingJobStatus": "Completed"}))
    fast.meta.events.register("before-send", recorder)
    fast.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=JOB)
    assert len(recorder.requests) == 1


# --------------------------------------------------------------------------
# Falling back to stock
# --------------------------------------------------------------------------


def test_user_model_override_uses_full_model(monkeypatch, tmp_path):
    """A sagemaker folder in AWS_DATA_PATH may override or extend the model."""
    api = fastdata.for_installed_botocore().api_version
    full = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")
    extras_dir = tmp_path / "data" / "sagemaker" / api
    extras_dir.mkdir(parents=True)
    (extras_dir / "service-2.sdk-extras.json").write_text(json.dumps(
        {"version": 1.0, "merge": {"metadata": {"serviceFullName": "Overridden"}}}
    ))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "data"))
    models = [
        make().create_client("sagemaker", region_name="us-east-1").meta.service_model
        for make in (stock_session, fast_session)
    ]
    assert models[1].metadata == models[0].metadata
    assert models[1].metadata["serviceFullName"] == "Overridden"
    assert models[1].operation_names == models[0].operation_names
    assert len(models[1].operation_names) == len(full["operations"])


def test_user_endpoints_file_uses_stock_resolver(monkeypatch, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    endpoints = botocore.loaders.Loader().load_data("endpoints")
    for partition in endpoints["partitions"]:
        if partition["partition"] == "aws":
            partition["services"]["api.sagemaker"]["endpoints"]["us-east-1"] = {
                "hostname": "custom.sagemaker.example"
            }
    (data / "endpoints.json").write_text(json.dumps(endpoints))
    monkeypatch.setenv("AWS_DATA_PATH", str(data))
    facts = [_client_facts(make(), "us-east-1", {}) for make in (stock_session, fast_session)]
    assert facts[1] == facts[0]
    assert "custom.sagemaker.example" in facts[0][0]
    resolver = fast_session()._get_internal_component("endpoint_resolver")
    assert type(resolver) is botocore.regions.EndpointResolver
    assert resolver.uses_builtin_data is False


# --------------------------------------------------------------------------
# Deferred imports: botocore.docs, urllib3.http2 (fresh interpreters)
# --------------------------------------------------------------------------

_DOC_SCRIPT = r"""
import json, os, sys
lazy = sys.argv[1] == "fast"
if lazy:
    from awsml_cli.speedups.fast_session import make_session
    session = make_session()
else:
    import botocore.session
    session = botocore.session.Session()
client = session.create_client("sagemaker", region_name="us-east-1")
import botocore.awsrequest
class Raw:
    def stream(self, **kw):
        yield b'{"TrainingJobName": "x"}'
client.meta.events.register("before-send", lambda request, **kw: botocore.awsrequest.AWSResponse(
    request.url, 200, {"x-amzn-RequestId": "r"}, Raw()))
parsed = client.describe_training_job(TrainingJobName="x")
before = sorted(m for m in sys.modules if m.startswith("botocore.docs") or m in (
    "html.parser", "importlib.metadata", "zipfile"))
doc = client.describe_training_job.__doc__
waiter_doc = client.get_waiter("training_job_completed_or_stopped").wait.__doc__
out = {
    "before": before,
    "doc_type": type(doc).__module__ + "." + type(doc).__name__,
    "doc": str(doc),
    "waiter_doc": str(waiter_doc),
}
# The rest of botocore.docs still works after the stand-ins.
import botocore.docs
from botocore.docs.method import document_custom_signature, get_instance_public_methods
from botocore.docs.bcdoc.restdoc import DocumentStructure
out["generate_docs"] = callable(botocore.docs.generate_docs)
out["service_documenter"] = botocore.docs.ServiceDocumenter.__module__
out["document_structure"] = DocumentStructure.__module__ + "." + DocumentStructure.__name__
out["method_module_real"] = not getattr(sys.modules["botocore.docs.method"], "_awsml_deferred", False)
import urllib3.http2
out["http2"] = [callable(urllib3.http2.inject_into_urllib3), urllib3.http2.probe.__name__,
                "importlib.metadata" in sys.modules]
out["parsed"] = parsed["TrainingJobName"]
json.dump(out, sys.stdout)
"""


def _doc_run(kind, home):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": FAKE_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
        "PYTHONPATH": str(REPO),
        "LANG": "C.UTF-8",
    }
    proc = subprocess.run(
        [sys.executable, "-c", _DOC_SCRIPT, kind], env=env, capture_output=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_imports_deferred_and_docstrings_identical(clean_env):
    stock = _doc_run("stock", clean_env)
    cold = _doc_run("fast", clean_env)  # derives the data (and imports botocore.docs)
    fast = _doc_run("fast", clean_env)
    assert "botocore.docs.service" in cold["before"]
    # Stock imports the documentation generator up front; the fast session
    # only the cheap docstring module and the stand-ins.
    assert "botocore.docs.service" in stock["before"] and "html.parser" in stock["before"]
    assert "importlib.metadata" in stock["before"]
    assert "botocore.docs.service" not in fast["before"]
    assert "html.parser" not in fast["before"]
    assert "importlib.metadata" not in fast["before"] and "zipfile" not in fast["before"]
    for key in ("doc_type", "doc", "waiter_doc", "generate_docs", "service_documenter",
                "document_structure", "method_module_real", "http2", "parsed"):
        assert fast[key] == stock[key], key
    assert fast["doc"].lstrip().startswith("Returns information about a training job.")
