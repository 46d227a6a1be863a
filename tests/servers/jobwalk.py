"""Scripts that walk a training job through its life, for ``--wait`` tests.

:func:`walk` turns a finished corpus response into the sequence of responses a
poller sees while that job runs: one in-progress response per secondary status
of the job's own history (Starting → Downloading → Training → Uploading for
``01-completed-xgboost``), the Training stage twice with growing ProgressInfo,
optional failures in between (throttling, 5xx, dropped connections), and finally
the corpus body itself, byte for byte, repeated for any later request.

Use it as a ``ScriptedServer`` list script; ``len(script)`` is then the number
of requests a waiter makes until it sees the final response.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterable

from tests.servers import CORPUS_DIR
from tests.servers.scripted import CloseWithoutResponse, aws_error, json_response

# Members a job only has once it has ended.
_FINAL_ONLY = ("TrainingEndTime", "TrainingTimeInSeconds", "BillableTimeInSeconds", "FailureReason", "FinalMetricDataList")

THROTTLE = aws_error("ThrottlingException", "Rate exceeded")
SERVER_ERROR = aws_error("InternalFailure", "We encountered an internal error. Please try again.", status=500)
UNAVAILABLE = aws_error("ServiceUnavailable", "Service Unavailable", status=503)
TOO_MANY = aws_error("TooManyRequestsException", "Too many requests", status=429)
DROPPED = CloseWithoutResponse()

DEFAULT_FAULTS = (THROTTLE, SERVER_ERROR, UNAVAILABLE, TOO_MANY, DROPPED)


def corpus_body(stem: str) -> bytes:
    return (CORPUS_DIR / f"{stem}.json").read_bytes()


def in_progress(final: dict, history: list[dict], progress: dict | None = None) -> dict:
    """The response while the job is in the last status of ``history`` (still open)."""
    doc = copy.deepcopy(final)
    for key in _FINAL_ONLY:
        doc.pop(key, None)
    doc.pop("ModelArtifacts", None)
    transitions = copy.deepcopy(history)
    if transitions:
        transitions[-1].pop("EndTime", None)
        doc["LastModifiedTime"] = transitions[-1]["StartTime"]
    doc["SecondaryStatusTransitions"] = transitions
    stopping = any(t.get("Status") == "Stopping" for t in transitions)
    doc["TrainingJobStatus"] = "Stopping" if stopping else "InProgress"
    doc["SecondaryStatus"] = transitions[-1]["Status"] if transitions else "Starting"
    if progress is not None:
        doc["ProgressInfo"] = progress
    else:
        doc.pop("ProgressInfo", None)
    return doc


def stages(stem: str) -> list[dict]:
    """The in-progress responses for corpus job ``stem``, in order (without the final one)."""
    final = json.loads(corpus_body(stem))
    history = [t for t in final.get("SecondaryStatusTransitions") or [] if isinstance(t, dict)]
    found = [in_progress(final, [])]  # accepted, nothing has happened yet
    for index in range(len(history) - 1):
        so_far = history[: index + 1]
        if so_far[-1].get("Status") == "Training":
            found.append(in_progress(final, so_far, {"CurrentEpoch": 1, "MaxEpoch": 3, "CurrentStep": 100, "TotalStepCountPerEpoch": 400}))
            found.append(in_progress(final, so_far, {"CurrentEpoch": 2, "MaxEpoch": 3, "CurrentStep": 600, "TotalStepCountPerEpoch": 400}))
        else:
            found.append(in_progress(final, so_far))
    return found


def walk(stem: str, faults: Iterable[Any] = DEFAULT_FAULTS, final: bytes | None = None) -> list:
    """Responses for a whole wait: stages, a fault after each of the first stages, then the end.

    ``faults`` are spread one after each stage, in order, until they run out.
    ``final`` replaces the corpus body as the last response.
    """
    faults = list(faults)
    script: list = []
    for stage in stages(stem):
        script.append(json_response(stage))
        if faults:
            script.append(faults.pop(0))
    script.append(json_response(final if final is not None else corpus_body(stem)))
    return script


def history_of(stem: str) -> list[dict]:
    final = json.loads(corpus_body(stem))
    return [t for t in final.get("SecondaryStatusTransitions") or [] if isinstance(t, dict)]
