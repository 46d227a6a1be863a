"""aws v1's rules for every client, on whichever botocore awsml runs.

aws v1 (1.46) carries its own copy of botocore. Where a newer botocore changed
what a command-line user can see, awsml keeps aws v1's behaviour:

**Retries.** aws v1's botocore keeps the retry rules that shipped before 2026
unless ``AWS_NEW_RETRIES_2026=true``:

* the default retry mode is ``legacy`` (5 attempts for SageMaker), or
  ``standard`` when ``AWS_NEW_RETRIES_2026`` is ``true`` (any case);
* in the ``standard`` and ``adaptive`` modes, a throttling or transient error
  code, a 500/502/503/504, a connection error or an error the model marks
  retryable is retried, up to 3 attempts; and
  - without ``AWS_NEW_RETRIES_2026``: a delay of ``rand * 2**(n-1)`` seconds
    (at most 20), a retry costs 5 of the 500-unit retry quota (10 after a
    timeout);
  - with it: a delay of ``rand * scale * 2**(n-1)`` (scale 1 s after a
    throttling error, 50 ms otherwise) raised to ``x-amz-retry-after`` when
    the answer carries one, a retry costs 5 after throttling, 14 otherwise.

botocore 1.44 made its own default ``standard``, made the second set of rules
the only one, and added two of its own: a 429 whose error code the model does
not know is retried, and the first request already says ``max=3`` in its
``amz-sdk-request`` header. A script sees all of this (the attempts made, the
``(reached max retries: N)`` in the error, the time spent, the header), so
awsml builds the standard handler of every client itself, from botocore's own
parts, with aws v1's rules; the legacy mode is botocore's own, unchanged
since long before the oldest botocore awsml allows.

**A blank CA bundle.** aws v1 1.46 refuses a CA bundle (``--ca-bundle``,
``AWS_CA_BUNDLE``, ``ca_bundle``, ``REQUESTS_CA_BUNDLE``) that is empty or
only white space, as it makes the client: ``Invalid CA bundle: ...``. Older
botocore releases let it through; awsml refuses it on every one.

**Whole bodies.** botocore 1.44 reads a response body that ends before its
``Content-Length`` as if it were complete, and parses what came; aws v1 calls
the connection closed (``Connection was closed before we received a valid
response``), which is retried like any dropped connection. awsml checks the
length after the body is read and fails the same way, at the same point.
"""

from __future__ import annotations

import os

NEW_RETRIES_VARIABLE = "AWS_NEW_RETRIES_2026"


def new_retries_enabled(environ=None) -> bool:
    """Whether aws v1 (1.46) would use the 2026 retry rules."""
    value = (os.environ if environ is None else environ).get(NEW_RETRIES_VARIABLE)
    return value is not None and value.lower() == "true"


def default_retry_mode(environ=None) -> str:
    """aws v1's retry mode when neither AWS_RETRY_MODE nor ``retry_mode`` is set."""
    return "standard" if new_retries_enabled(environ) else "legacy"


def check_ca_bundle(verify, session, environ=None) -> None:
    """Refuse a blank CA bundle where the client's ``verify`` comes from, as aws v1 does."""
    if verify is None:
        verify = session.get_config_variable("ca_bundle")
    if verify is None:
        verify = (os.environ if environ is None else environ).get("REQUESTS_CA_BUNDLE")
    if isinstance(verify, str) and not verify.strip():
        from botocore.exceptions import InvalidConfigError

        raise InvalidConfigError(
            error_msg="Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, "
            "or verify) resolved to an empty or whitespace-only string. Provide a valid path to a CA bundle file."
        )


def apply(client, environ=None) -> None:
    """Give ``client`` aws v1's retry handler and body-length check."""
    _apply_retry_rules(client, environ)
    endpoint = getattr(client, "_endpoint", None)
    if endpoint is not None and not isinstance(endpoint.http_session, _WholeBodies):
        endpoint.http_session = _WholeBodies(endpoint.http_session)


class _WholeBodies:
    """An HTTP session that refuses a body shorter than its Content-Length, as
    urllib3 does when botocore asks it to (before 1.44, always)."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def send(self, request):
        response = self._inner.send(request)
        raw = getattr(response, "raw", None)
        missing = getattr(raw, "length_remaining", None)
        if not request.stream_output and missing:
            from botocore.exceptions import ConnectionClosedError
            from urllib3.exceptions import IncompleteRead, ProtocolError

            received = len(response.content)
            broken = ProtocolError(
                f"Connection broken: IncompleteRead({received} bytes read, {missing} more expected)",
                IncompleteRead(received, missing),
            )
            raise ConnectionClosedError(error=broken, request=request, endpoint_url=request.url)
        return response


def _apply_retry_rules(client, environ) -> None:
    """Give ``client`` aws v1's standard retry handler, if its retry mode uses one."""
    retries = client.meta.config.retries or {}
    if retries.get("mode") not in ("standard", "adaptive"):
        return
    event_name = client.meta.service_model.service_id.hyphenize()
    events = client.meta.events
    # botocore's own registrations (the unique ids are botocore's); the
    # seeder exists only in botocore 1.44 and later.
    events.unregister(f"needs-retry.{event_name}", unique_id=f"retry-config-{event_name}")
    events.unregister(f"request-created.{event_name}", unique_id=f"seed-max-attempts-{event_name}")
    handler, quota_checker = _standard_handler(
        event_name, retries.get("total_max_attempts"), new_retries_enabled(environ)
    )
    # botocore's quota checker stays registered on after-call; it only gives
    # back capacity to a quota that nothing draws from any more.
    events.register(f"after-call.{event_name}", quota_checker.release_retry_quota)
    events.register(f"needs-retry.{event_name}", handler.needs_retry, unique_id=f"retry-config-{event_name}")


# Made on first use: importing botocore.retries costs start-up time.
_CLASSES: dict = {}


def _standard_handler(event_name: str, max_attempts: int | None, new_rules: bool):
    from botocore.retries import quota, standard

    if not _CLASSES:
        _CLASSES.update(_make_classes())
    classes = _CLASSES
    adapter = standard.RetryEventAdapter()
    attempts = max_attempts or standard.DEFAULT_MAX_ATTEMPTS
    if new_rules:
        detector = classes["ThrottlingDetector"](adapter)
        backoff = standard.ExponentialBackoff(service_name=event_name, throttling_detector=detector)
        quota_checker = classes["QuotaChecker"](quota.RetryQuota(), detector, new_rules=True)
    else:
        backoff = classes["PlainBackoff"]()
        quota_checker = classes["QuotaChecker"](quota.RetryQuota(), None, new_rules=False)
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(retry_checker=classes["Conditions"](attempts), retry_backoff=backoff),
        retry_event_adapter=adapter,
        retry_quota=quota_checker,
    )
    return handler, quota_checker


def _make_classes() -> dict:
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
    from botocore.retries import special, standard
    from botocore.retries.base import BaseRetryableChecker

    class Conditions(BaseRetryableChecker):
        """Retry while attempts remain and the error is transient, a throttling
        error by its code, modeled as retryable, or one of botocore's two
        special cases (no retry on a bare HTTP status such as 429)."""

        def __init__(self, max_attempts: int):
            self._max_attempts = standard.MaxAttemptsChecker(max_attempts)
            self._reasons = standard.OrRetryChecker(
                [
                    standard.TransientRetryableChecker(),
                    standard.ThrottledRetryableChecker(),
                    standard.ModeledRetryableChecker(),
                    standard.OrRetryChecker(
                        [special.RetryIDPCommunicationError(), special.RetryDDBChecksumError()]
                    ),
                ]
            )

        def is_retryable(self, context):
            return self._max_attempts.is_retryable(context) and self._reasons.is_retryable(context)

    class ThrottlingDetector:
        """A throttling error by its code or by the model; never by HTTP status alone."""

        def __init__(self, retry_event_adapter):
            self._adapter = retry_event_adapter
            self._by_code = standard.ThrottledRetryableChecker()
            self._by_model = standard.ModeledRetryErrorDetector()

        def is_throttling_error(self, **kwargs):
            return self.is_throttling_error_from_context(self._adapter.create_retry_context(**kwargs))

        def is_throttling_error_from_context(self, context):
            if self._by_code.is_retryable(context):
                return True
            return self._by_model.detect_error_type(context) == self._by_model.THROTTLING_ERROR

    class PlainBackoff(standard.ExponentialBackoff):
        """rand * 2**(attempt-1) seconds, at most 20: one scale for every error,
        and no ``x-amz-retry-after``."""

        def delay_amount(self, context):
            return self._random() * min(self._base ** (context.attempt_number - 1), self._max_backoff)

    timeouts = (ConnectTimeoutError, ReadTimeoutError)

    class QuotaChecker(standard.RetryQuotaChecker):
        def __init__(self, retry_quota, throttling_detector, *, new_rules: bool):
            super().__init__(retry_quota, throttling_detector)
            self._new_rules = new_rules

        def acquire_retry_quota(self, context):
            if self._new_rules:
                throttled = self._throttling_detector.is_throttling_error_from_context(context)
                cost = 5 if throttled else 14
            else:
                cost = 10 if isinstance(context.caught_exception, timeouts) else 5
            if self._quota.acquire(cost):
                context.request_context["retry_quota_capacity"] = cost
                return True
            context.add_retry_metadata(RetryQuotaReached=True)
            return False

    return {
        "Conditions": Conditions,
        "ThrottlingDetector": ThrottlingDetector,
        "PlainBackoff": PlainBackoff,
        "QuotaChecker": QuotaChecker,
    }
