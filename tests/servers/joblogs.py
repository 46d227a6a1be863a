"""A training job whose status and CloudWatch log streams change as it is polled.

moto's SageMaker ends a training job at once and its CloudWatch Logs holds what a
test puts there before the run. For ``--logs --wait`` the tests need what happens
during a real job: events arriving while the status moves on, an instance whose
stream appears later, events that become visible only after the job has ended,
throttling and 5xx on the log calls. :class:`LoggingJob` is a script for
``tests.servers.scripted.ScriptedServer`` that answers SageMaker's
``DescribeTrainingJob`` and CloudWatch Logs' ``DescribeLogStreams`` and
``GetLogEvents`` on one port (the tests point ``--endpoint-url`` and
``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`` at it), following CloudWatch's paging rules:
forward tokens, the same token back at the end of a stream, a backward read for
the last lines, at most ``limit`` events per page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.servers.scripted import aws_error, json_response

LOG_GROUP = "/aws/sagemaker/TrainingJobs"
LOGS_PREFIX = "Logs_20140328."


@dataclass
class Step:
    """What the job looks like from the n-th DescribeTrainingJob on, and the log lines
    that reach CloudWatch at that moment ({stream suffix: [message, ...]})."""

    status: str
    secondary: str = "Training"
    lines: dict = field(default_factory=dict)


class LoggingJob:
    def __init__(self, job: str, steps: list[Step], *, late: dict | None = None, late_after: int = 2,
                 faults: dict | None = None, instance_count: int = 2, failure_reason: str | None = None):
        self.job = job
        self.steps = steps
        self.late = late or {}  # lines visible only ``late_after`` log reads after the final status
        self.late_after = late_after
        # {operation: [response or None, ...]}: consumed one per request of that operation
        # (None: answer normally), e.g. {"GetLogEvents": [throttle, throttle, None]}.
        self.faults = {name: list(items) for name, items in (faults or {}).items()}
        self.instance_count = instance_count
        self.failure_reason = failure_reason
        self.streams: dict[str, list[dict]] = {}
        self.describes = 0
        self.reads_after_end = 0
        self.lock = threading.Lock()
        self.clock = 1_700_000_000_000
        self.calls: list[str] = []

    # -- the job's side ---------------------------------------------------------------

    def _append(self, lines: dict) -> None:
        for suffix, messages in lines.items():
            stream = self.streams.setdefault(f"{self.job}/{suffix}", [])
            for message in messages:
                self.clock += 7
                stream.append({"timestamp": self.clock, "message": message, "ingestionTime": self.clock + 500})

    def _describe(self) -> dict:
        step = self.steps[min(self.describes, len(self.steps) - 1)]
        if self.describes < len(self.steps):
            self._append(step.lines)
        self.describes += 1
        body = {
            "TrainingJobName": self.job,
            "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{self.job}",
            "TrainingJobStatus": step.status,
            "SecondaryStatus": step.secondary,
            "CreationTime": 1700000000.0,
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": self.instance_count, "VolumeSizeInGB": 10},
            "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        }
        if step.status == "Failed" and self.failure_reason:
            body["FailureReason"] = self.failure_reason
        return body

    @property
    def ended(self) -> bool:
        return self.describes >= len(self.steps)

    # -- the script -------------------------------------------------------------------

    def __call__(self, request):
        target = request.target or ""
        operation = target.rsplit(".", 1)[-1]
        with self.lock:
            self.calls.append(operation)
            queue = self.faults.get(operation)
            if queue:
                fault = queue.pop(0)
                if fault is not None:
                    return fault
            if target == "SageMaker.DescribeTrainingJob":
                return json_response(self._describe())
            if target.startswith(LOGS_PREFIX):
                return self._logs(operation, request.json())
        return aws_error("UnknownOperationException", f"not scripted: {target}")

    def _logs(self, operation: str, body: dict):
        if body.get("logGroupName") != LOG_GROUP:
            return aws_error("ResourceNotFoundException", "The specified log group does not exist.")
        if operation == "DescribeLogStreams":
            prefix = body.get("logStreamNamePrefix", "")
            names = sorted(name for name in self.streams if name.startswith(prefix))
            start = int(body.get("nextToken") or 0)
            page = names[start : start + 50]
            reply = {"logStreams": [{"logStreamName": name, "creationTime": self.clock} for name in page]}
            if start + 50 < len(names):
                reply["nextToken"] = str(start + 50)
            return json_response(reply)
        if operation == "GetLogEvents":
            if self.ended:
                self.reads_after_end += 1
                if self.reads_after_end == self.late_after and self.late:
                    self._append(self.late)
            events = self.streams.get(body.get("logStreamName"))
            if events is None:
                return aws_error("ResourceNotFoundException", "The specified log stream does not exist.")
            limit = min(int(body.get("limit") or 10000), 10000)
            token = body.get("nextToken")
            if token:
                position = int(token.split("/")[1])
                batch = events[position : position + limit]
                forward = position + len(batch)
            elif body.get("startFromHead", False):
                batch = events[:limit]
                forward = len(batch)
            else:
                batch = events[-limit:]
                forward = len(events)
            return json_response({
                "events": batch,
                "nextForwardToken": f"f/{forward:056d}",
                "nextBackwardToken": f"b/{max(0, forward - len(batch)):056d}",
            })
        return aws_error("UnknownOperationException", operation)
