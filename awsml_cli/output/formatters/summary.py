"""``--output summary``: a DescribeTrainingJob response for people, not for scripts.

It answers what a person at a terminal wants to know without reading 200 lines
of JSON: did it work, why not, how long did each phase take, what was billed,
where are the model and the logs.  Two layouts of the same facts:

* on a terminal (``options.is_terminal``) a rich layout, coloured when
  ``options.color`` (``--color``, ``NO_COLOR``) allows;
* anywhere else plain text laid out with tabulate: no ANSI codes, one fact per
  line, easy to grep in a CI log.

Facts the response does not carry (an in-progress job has no end time, no
billed time, no final metrics) are left out rather than shown empty.  Every
value goes through :func:`awsml_cli.command.jobfacts.clean`, so a job name or a
FailureReason cannot move the cursor or recolour the terminal.

The view needs the whole response, so ``--query`` cannot be combined with it
(``describe.py`` refuses the combination before any request is made).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

from awsml_cli.command import jobfacts as facts
from awsml_cli.output.formatters import RenderOptions
from awsml_cli.output.formatters.errors import RenderError

# Width of the rich layout when the terminal cannot be asked.
DEFAULT_WIDTH = 100


class SummaryRenderError(RenderError):
    """The data is not a DescribeTrainingJob response (the summary has nothing to show)."""


@dataclass
class Summary:
    """The facts of one job, already turned into display strings, in display order."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    status: str | None = None  # TrainingJobStatus, for styling the status row
    failure_reason: str | None = None
    timeline: list[tuple[str, str, str, str]] = field(default_factory=list)
    metrics: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, label: str, value: str | None) -> None:
        if value is not None and value != "":
            self.rows.append((label, value))


def build(data: dict, ascii_only: bool = False) -> Summary:
    """The summary of a response; pure, so both layouts (and tests) share it."""
    times = "x" if ascii_only else "×"
    summary = Summary(status=data.get("TrainingJobStatus"))

    summary.add("Training job", _text(data.get("TrainingJobName")))
    summary.add("ARN", _text(data.get("TrainingJobArn")))
    status = facts.status_text(data)
    if status is not None:
        summary.add("Status", f"{facts.status_mark(summary.status, ascii_only)} {status}")
    reason = data.get("FailureReason")
    if reason:
        summary.failure_reason = facts.clean(reason, multiline=True)
        summary.add("Failure reason", summary.failure_reason)

    created = data.get("CreationTime")
    started = data.get("TrainingStartTime")
    ended = data.get("TrainingEndTime")
    summary.add("Created", facts.format_utc(facts.to_datetime(created)))
    summary.add("Started", facts.format_utc(facts.to_datetime(started)))
    summary.add("Ended", facts.format_utc(facts.to_datetime(ended)))
    summary.add("Last modified", facts.format_utc(facts.to_datetime(data.get("LastModifiedTime"))))
    summary.add("Queued", facts.format_duration(facts.seconds_between(created, started)))
    summary.add("Training", facts.format_duration(facts.seconds_between(started, ended)))
    summary.add("Total", facts.format_duration(facts.seconds_between(created, ended)))
    summary.add("Progress", facts.progress_text(data))

    instances = facts.instances_text(data)
    summary.add("Instances", instances.replace("×", times) if instances else None)
    billed = facts.billing(data)
    summary.add("Training seconds", _billed(billed.training_seconds, billed.instances, times))
    summary.add("Billable seconds", _billed(billed.billable_seconds, billed.instances, times))
    if billed.spot_saving_percent is not None:
        summary.add("Managed spot saving", f"{billed.spot_saving_percent:.1f} %")
    budget = facts.max_runtime_used(data)
    if budget is not None:
        used, limit, percent = budget
        summary.add(
            "MaxRuntime used",
            f"{facts.format_duration(used)} of {facts.format_duration(limit)} ({percent:.1f} %)",
        )

    artifacts = data.get("ModelArtifacts")
    if isinstance(artifacts, dict):
        summary.add("Model artifacts", _text(artifacts.get("S3ModelArtifacts")))
    summary.add("Warm pool", _warm_pool(data))
    prefix = facts.log_stream_prefix(data)
    if prefix is not None:
        summary.add("Logs", f"{facts.LOG_GROUP}  (streams {prefix}*)")

    timeline = facts.transitions(data)
    summary.add("Time per status", _time_per_status(timeline))
    for transition in timeline:
        if transition.end is None:
            duration = "(running)"
        else:
            duration = facts.format_duration(transition.seconds) or ""
        summary.timeline.append(
            (transition.status, facts.format_utc(transition.start) or "", duration, transition.message or "")
        )
    summary.metrics = [(name, value, when or "") for name, value, when in facts.metrics(data)]
    return summary


def _billed(seconds: float | None, instances: int | None, times: str) -> str | None:
    """``6904 s (1h 55m 4s) = 3452 s × 2 instances``: the SDK's total, and where it comes from."""
    if seconds is None:
        return None
    text = facts.format_seconds(seconds)
    per_instance = facts.ratio(seconds, instances) if instances and instances > 1 else None
    if per_instance is not None:
        text += f" = {facts.clean(per_instance)} s {times} {instances} instances"
    return text


def _time_per_status(timeline: list[facts.Transition]) -> str | None:
    """Total time per secondary status, shown when a status came back (spot restarts, retries)."""
    statuses = [transition.status for transition in timeline]
    if len(set(statuses)) == len(statuses):
        return None  # the timeline already says it, one row per status
    totals: dict[str, float] = {}
    for transition in timeline:
        if transition.seconds is not None:
            totals[transition.status] = totals.get(transition.status, 0.0) + transition.seconds
    return ", ".join(f"{status} {facts.format_duration(seconds)}" for status, seconds in totals.items()) or None


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return facts.clean(value)


def _warm_pool(data: dict) -> str | None:
    """``Reused, retained 1250 s billable, reused by job x; keep-alive 1h 0m 0s``."""
    parts = []
    pool = data.get("WarmPoolStatus")
    if isinstance(pool, dict):
        if pool.get("Status") is not None:
            parts.append(facts.clean(pool["Status"]))
        retained = facts.number(pool.get("ResourceRetainedBillableTimeInSeconds"))
        if retained is not None:
            parts.append(f"retained {facts.format_seconds(retained)} billable")
        if pool.get("ReusedByJob"):
            parts.append(f"reused by {facts.clean(pool['ReusedByJob'])}")
    config = data.get("ResourceConfig")
    keep_alive = facts.number(config.get("KeepAlivePeriodInSeconds")) if isinstance(config, dict) else None
    text = ", ".join(parts)
    if keep_alive:
        text = f"{text}; keep-alive {facts.format_duration(keep_alive)}" if text else f"keep-alive {facts.format_duration(keep_alive)}"
    return text or None


# What the summary writes beyond ASCII; a stream that cannot encode them gets ASCII marks.
MARKS = "✔✘■⟳×"


def _ascii_only(stream: TextIO, options: RenderOptions) -> bool:
    if options.ascii_only is not None:
        return options.ascii_only
    from awsml_cli.output.terminal import can_encode

    return not can_encode(stream, MARKS)


# --------------------------------------------------------------------------- plain layout


TIMELINE_HEADERS = ("Secondary status", "Started", "Duration", "Message")
METRIC_HEADERS = ("Metric", "Value", "Time")


def render_plain(summary: Summary, stream: TextIO) -> None:
    from tabulate import tabulate

    # disable_numparse: values are shown exactly as the response has them
    # (tabulate would otherwise reformat 0.9734200239181519 as 0.97342).
    blocks = [tabulate(summary.rows, tablefmt="plain", disable_numparse=True)]
    if summary.timeline:
        table = tabulate(summary.timeline, headers=TIMELINE_HEADERS, tablefmt="simple", disable_numparse=True)
        blocks.append(table)
    if summary.metrics:
        table = tabulate(summary.metrics, headers=METRIC_HEADERS, tablefmt="simple", disable_numparse=True)
        blocks.append(table)
    text = "\n\n".join(block for block in blocks if block)
    stream.write("\n".join(line.rstrip() for line in text.split("\n")) + "\n")


# --------------------------------------------------------------------------- terminal layout


def render_rich(summary: Summary, stream: TextIO, options: RenderOptions) -> None:
    from rich import box
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    width = _terminal_width(options)
    console = Console(
        file=stream,
        width=width,
        force_terminal=True,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    status_style = facts.status_style(summary.status)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in summary.rows:
        style = ""
        if label == "Status":
            style = status_style
        elif label == "Failure reason":
            style = "red"
        grid.add_row(label, Text(value, style=style))
    parts: list = [grid]
    if summary.timeline:
        table = Table(box=box.SIMPLE_HEAD, title="Secondary status timeline", title_justify="left", expand=False)
        for header in TIMELINE_HEADERS:
            table.add_column(header, overflow="fold", no_wrap=header != "Message")
        for row in summary.timeline:
            table.add_row(*(Text(cell) for cell in row))
        parts.extend([Text(""), table])
    if summary.metrics:
        table = Table(box=box.SIMPLE_HEAD, title="Final metrics", title_justify="left", expand=False)
        for header in METRIC_HEADERS:
            table.add_column(header, overflow="fold")
        for row in summary.metrics:
            table.add_row(*(Text(cell) for cell in row))
        parts.extend([Text(""), table])
    title = next((value for label, value in summary.rows if label == "Training job"), None)
    panel = Panel(Group(*parts), title=Text(title) if title else None, title_align="left", border_style=status_style or "none", expand=False)
    console.print(panel)


def _terminal_width(options: RenderOptions) -> int:
    # Not known: 80, as a stream that cannot be asked; a terminal that reports 0: the default.
    width = 80 if options.terminal_width is None else options.terminal_width
    return width if width > 0 else DEFAULT_WIDTH


# --------------------------------------------------------------------------- entry point


def render(data: Any, stream: TextIO, options: RenderOptions = RenderOptions()) -> None:
    if not isinstance(data, dict):
        raise SummaryRenderError("The summary output needs a whole DescribeTrainingJob response")
    if data == {}:
        # As with the other formats, an empty response prints nothing.
        return
    if options.is_terminal:
        render_rich(build(data, ascii_only=_ascii_only(stream, options)), stream, options)
    else:
        render_plain(build(data, ascii_only=_ascii_only(stream, options)), stream)
