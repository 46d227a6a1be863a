"""Facts about a training job, read from a DescribeTrainingJob response, for people.

The summary view (``--output summary``) and the ``--wait`` progress display
both need the same small set of derived facts: times in UTC, durations, the
secondary-status timeline, billed time, a status mark.  They are computed here,
from plain response data, without I/O or heavy imports.

Everything here is forgiving: a response may be in progress (no end time), come
from an older or newer API (members missing or unknown), carry timestamps as
epoch numbers or as ISO 8601 strings (``cli_timestamp_format = iso8601``), or
hold ``null`` list elements.  A fact that cannot be derived is ``None`` and the
views simply leave it out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from awsml_cli import names

FINAL_STATUSES = names.FINAL_STATUSES

# Where SageMaker writes a training job's logs; each instance writes to a
# stream named "<job name>/algo-N-<epoch>".
LOG_GROUP = "/aws/sagemaker/TrainingJobs"


# --------------------------------------------------------------------------- text


# C0 and C1 control characters, DEL, and the Unicode bidirectional overrides and
# isolates, which can make a terminal show text in another order than it is.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: Any, multiline: bool = False) -> str:
    """``value`` as text that cannot drive a terminal: control characters become escapes.

    With ``multiline`` (FailureReason), line breaks stay line breaks and a TAB
    becomes four spaces, so that a traceback stays readable; ``\\r`` is still
    escaped because it would let one line overwrite another.
    """
    text = value if isinstance(value, str) else _plain_str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\t", "    ")
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)


def _plain_str(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        # A value such as 1800.0 reads better as 1800 in a view for people.
        return str(int(value))
    try:
        return str(value)
    except ValueError:  # an integer beyond Python's digit limit for str()
        return f"<{type(value).__name__} too large to show>"


# --------------------------------------------------------------------------- time


def to_datetime(value: Any) -> datetime | None:
    """A wire or ISO timestamp as an aware UTC datetime; None when it is not one."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            return to_datetime(float(text))
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        return to_datetime(parsed)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc) if math.isfinite(value) else None
        except (OverflowError, OSError, ValueError):
            return None
    return None


def format_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def seconds_between(start: Any, end: Any) -> float | None:
    first, last = to_datetime(start), to_datetime(end)
    if first is None or last is None:
        return None
    return (last - first).total_seconds()


def format_duration(seconds: Any) -> str | None:
    """``3725`` -> ``1h 2m 5s``, ``3600`` -> ``1h``; whole seconds; None for nonsense."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return None
    # NaN fails both comparisons; beyond 30,000 years it is not a duration but a bug.
    if not 0 <= seconds <= 10**12:
        return None
    total = int(round(seconds))
    if total == 0:
        return "0s"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    units = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    # From the largest non-zero unit to the smallest non-zero one: 1h 0m 5s, 2h, 1d 3h.
    first = next(i for i, (amount, _) in enumerate(units) if amount)
    last = max(i for i, (amount, _) in enumerate(units) if amount)
    return " ".join(f"{amount}{unit}" for amount, unit in units[first : last + 1])


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when that is not a finite float (huge integers)."""
    try:
        value = numerator / denominator
    except (OverflowError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def items(value: Any) -> list:
    """The elements of a list member; nothing when the member is absent or not a list."""
    return value if isinstance(value, list) else []


def number(value: Any) -> float | int | None:
    """A finite number from the response (never a bool); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- status


# Marks for people; each has a plain ASCII form for streams that cannot encode it.
_MARKS = {
    "Completed": ("✔", "[ok]"),
    "Failed": ("✘", "[FAILED]"),
    "Stopped": ("■", "[stopped]"),
    "Stopping": ("■", "[stopping]"),
    "InProgress": ("⟳", "[running]"),
    "Deleting": ("✘", "[deleting]"),
}

# Rich styles for the same statuses.
STATUS_STYLES = {
    "Completed": "bold green",
    "Failed": "bold red",
    "Stopped": "bold yellow",
    "Stopping": "yellow",
    "InProgress": "bold cyan",
    "Deleting": "red",
}


def status_style(status: Any) -> str:
    return STATUS_STYLES.get(status, "") if isinstance(status, str) else ""


def status_mark(status: Any, ascii_only: bool = False) -> str:
    unicode_mark, ascii_mark = _MARKS.get(status, ("?", "[?]")) if isinstance(status, str) else ("?", "[?]")
    return ascii_mark if ascii_only else unicode_mark


def status_text(data: dict) -> str | None:
    """``Failed (MaxRuntimeExceeded)``: the status, and the secondary one when it adds something."""
    status = data.get("TrainingJobStatus")
    secondary = data.get("SecondaryStatus")
    if status is None and secondary is None:
        return None
    if status is None:
        return clean(secondary)
    if secondary is None or secondary == status:
        return clean(status)
    return f"{clean(status)} ({clean(secondary)})"


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Transition:
    status: str
    start: datetime | None
    end: datetime | None
    message: str | None

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).total_seconds()


def transitions(data: dict) -> list[Transition]:
    """SecondaryStatusTransitions in order, skipping elements that are not objects."""
    found = []
    for item in items(data.get("SecondaryStatusTransitions")):
        if not isinstance(item, dict):
            continue
        message = item.get("StatusMessage")
        found.append(
            Transition(
                status=clean(item.get("Status", "?")),
                start=to_datetime(item.get("StartTime")),
                end=to_datetime(item.get("EndTime")),
                message=clean(message) if message is not None else None,
            )
        )
    return found


# --------------------------------------------------------------------------- resources and billing


def _resource_config(data: dict) -> tuple[dict | None, list[dict]]:
    """ResourceConfig (None when absent or not an object) and its heterogeneous InstanceGroups."""
    config = data.get("ResourceConfig")
    if not isinstance(config, dict):
        return None, []
    return config, [group for group in items(config.get("InstanceGroups")) if isinstance(group, dict)]


def instance_count(data: dict) -> int | None:
    """Instances the job ran on: InstanceCount, or the sum over heterogeneous InstanceGroups."""
    config, groups = _resource_config(data)
    if config is None:
        return None
    if groups:
        counts = [number(group.get("InstanceCount")) for group in groups]
        counts = [count for count in counts if count is not None]
        return int(sum(counts)) if counts else None
    count = number(config.get("InstanceCount"))
    return int(count) if count is not None else None


def instances_text(data: dict) -> str | None:
    """``4 × ml.p4d.24xlarge``, or one entry per heterogeneous instance group."""
    config, groups = _resource_config(data)
    if config is None:
        return None
    if groups:
        parts = []
        for group in groups:
            text = f"{clean(group.get('InstanceCount', '?'))} × {clean(group.get('InstanceType', '?'))}"
            if group.get("InstanceGroupName") is not None:
                text += f" ({clean(group['InstanceGroupName'])})"
            parts.append(text)
        return ", ".join(parts)
    if config.get("InstanceType") is None and config.get("InstanceCount") is None:
        return None
    return f"{clean(config.get('InstanceCount', '?'))} × {clean(config.get('InstanceType', '?'))}"


@dataclass(frozen=True)
class Billing:
    """Training and billable seconds as the SageMaker Python SDK reports them.

    The API reports both per instance; the SDK multiplies them by the number of
    instances, and so does this view.  The managed-spot saving is the SDK's
    ``(1 - billable / training) × 100``.
    """

    training_seconds: float | None
    billable_seconds: float | None
    instances: int | None
    spot_saving_percent: float | None


def billing(data: dict) -> Billing:
    count = instance_count(data)
    factor = count if count else 1
    training = number(data.get("TrainingTimeInSeconds"))
    billable = number(data.get("BillableTimeInSeconds"))
    saving = None
    if data.get("EnableManagedSpotTraining") is True and training and billable is not None:
        share = ratio(billable, training)
        saving = (1 - share) * 100 if share is not None else None
    return Billing(
        training_seconds=training * factor if training is not None else None,
        billable_seconds=billable * factor if billable is not None else None,
        instances=count,
        spot_saving_percent=saving,
    )


def max_runtime_used(data: dict) -> tuple[float, float, float] | None:
    """(used seconds, MaxRuntimeInSeconds, percent) for a job that reported its training time."""
    stopping = data.get("StoppingCondition")
    if not isinstance(stopping, dict):
        return None
    limit = number(stopping.get("MaxRuntimeInSeconds"))
    used = number(data.get("TrainingTimeInSeconds"))
    if not limit or used is None:
        return None
    share = ratio(used, limit)
    return (used, limit, share * 100) if share is not None else None


def format_seconds(value: float | int) -> str:
    """``214 s``, or ``3452 s (57m 32s)`` once the value is a minute or more."""
    text = f"{_plain_str(value)} s"
    human = format_duration(value)
    if value >= 60 and human is not None:
        text += f" ({human})"
    return text


def log_stream_prefix(data: dict) -> str | None:
    name = data.get("TrainingJobName")
    return f"{clean(name)}/" if isinstance(name, str) and name else None


def metrics(data: dict) -> list[tuple[str, str, str | None]]:
    """FinalMetricDataList as (name, value, UTC time) rows; null elements skipped."""
    rows = []
    for item in items(data.get("FinalMetricDataList")):
        if not isinstance(item, dict):
            continue
        value = item.get("Value")
        rows.append(
            (
                clean(item.get("MetricName", "?")),
                clean(value) if value is not None else "",
                format_utc(to_datetime(item.get("Timestamp"))),
            )
        )
    return rows


def progress_text(data: dict) -> str | None:
    """``epoch 2 of 3, step 1873 (1250 steps per epoch)`` from ProgressInfo."""
    info = data.get("ProgressInfo")
    if not isinstance(info, dict):
        return None
    parts = []
    epoch, max_epoch = number(info.get("CurrentEpoch")), number(info.get("MaxEpoch"))
    if epoch is not None:
        parts.append(f"epoch {_plain_str(epoch)}" + (f" of {_plain_str(max_epoch)}" if max_epoch else ""))
    step, per_epoch = number(info.get("CurrentStep")), number(info.get("TotalStepCountPerEpoch"))
    if step is not None:
        parts.append(f"step {_plain_str(step)}" + (f" ({_plain_str(per_epoch)} steps per epoch)" if per_epoch else ""))
    elif per_epoch:
        parts.append(f"{_plain_str(per_epoch)} steps per epoch")
    return ", ".join(parts) or None
