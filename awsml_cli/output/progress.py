"""What ``--wait`` shows on stderr while it waits.

Two reporters, one interface (:class:`awsml_cli.command.wait.Progress`):

* :class:`PlainProgress` writes one line per change of status or secondary
  status, each with its UTC time and StatusMessage, and never an ANSI code:
  that is what CI logs need to show life (watchdogs kill silent jobs).
* :class:`LiveProgress` is for a person at a terminal: a rich live view with the
  status, the secondary-status timeline with durations, the time waited, epoch
  and step progress from ``ProgressInfo`` and the latest metrics.

:func:`choose` picks the live view only when stderr is a terminal that can show
it and ``--debug`` is not writing log lines to the same stream.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, TextIO

from awsml_cli.command import jobfacts as facts
from awsml_cli.command.wait import Outcome, WaitSettings


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def choose(stream: TextIO, job_name: str | None, debug: bool = False, env=None):
    """The live view on a capable terminal, plain lines anywhere else.

    ``env``: the run's Environment, which says what ``stream`` is."""
    if env is None:
        from awsml_cli.runtime.environment import Environment

        env = Environment()
    if not debug and env.is_capable_terminal(stream):
        return LiveProgress(stream, job_name)
    return PlainProgress(stream, job_name)


def describe_settings(settings: WaitSettings) -> str:
    interval = settings.poll_interval
    every = f"{interval:g}s" if interval < 60 else facts.format_duration(interval)
    limit = f"time limit {facts.format_duration(settings.timeout)}" if settings.timeout else "no time limit"
    return f"polling every {every}, {limit}"


def _job(name: str | None) -> str:
    return f"training job '{facts.clean(name)}'" if name is not None else "the training job"


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return facts.clean(text.splitlines()[0] if text.splitlines() else text)


class _Changes:
    """Which transitions and statuses of a job were already reported."""

    def __init__(self) -> None:
        self.transitions_seen = 0
        self.status: str | None = None
        self.secondary: str | None = None
        self.observations = 0

    def new_transitions(self, response: dict) -> list[facts.Transition]:
        found = facts.transitions(response)
        if len(found) < self.transitions_seen:
            # The history got shorter (it never should): report it afresh.
            self.transitions_seen = 0
        new = found[self.transitions_seen :]
        self.transitions_seen = len(found)
        return new


class PlainProgress:
    """One plain line per change, for logs; no colour, no cursor movement."""

    def __init__(self, stream: TextIO, job_name: str | None, now: Callable[[], datetime] = _utc_now):
        self.stream = stream
        self.job_name = job_name
        self.now = now
        self.changes = _Changes()

    def _line(self, moment: datetime | None, text: str) -> None:
        stamp = facts.format_utc(moment or self.now())
        try:
            self.stream.write(f"{stamp}  {text}\n")
            self.stream.flush()
        except (OSError, ValueError, AttributeError):
            pass  # a closed (or missing) stderr must not end the wait

    def started(self, settings: WaitSettings) -> None:
        self._line(None, f"Waiting for {_job(self.job_name)} ({describe_settings(settings)})")

    def observed(self, response: dict) -> None:
        changes = self.changes
        if self.job_name is None:
            self.job_name = response.get("TrainingJobName")
        new = changes.new_transitions(response)
        for transition in new:
            text = transition.status
            if transition.message:
                text += f" - {transition.message}"
            self._line(transition.start, text)
        status, secondary = response.get("TrainingJobStatus"), response.get("SecondaryStatus")
        primary_changed = status != changes.status
        secondary_unexplained = secondary != changes.secondary and not new
        if (primary_changed or secondary_unexplained) and status not in facts.FINAL_STATUSES:
            self._line(None, f"Status {facts.status_text(response) or 'unknown'}")
        changes.status, changes.secondary = status, secondary
        changes.observations += 1

    def retrying(self, error: BaseException, delay: float) -> None:
        self._line(None, f"Polling failed, trying again in {_short(delay)}: {_first_line(error)}")

    def log(self, text: str) -> None:
        """The job's own log lines (--logs), as they are."""
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError, AttributeError):
            pass

    def finished(self, outcome: Outcome) -> None:
        waited = facts.format_duration(outcome.waited)
        if outcome.timed_out:
            if outcome.response is None:
                state = "no status was received"
            else:
                state = f"{_job(self.job_name)} is still {facts.status_text(outcome.response) or 'in an unknown state'}"
            self._line(None, f"Gave up waiting after {waited} (--wait-timeout): {state}")
            return
        response = outcome.response or {}
        job = _job(self.job_name)
        self._line(None, f"{job[0].upper()}{job[1:]} ended: {facts.status_text(response)} (waited {waited})")
        reason = response.get("FailureReason")
        if reason and outcome.status == "Failed":
            text = facts.clean(reason, multiline=True)
            indented = "\n".join("    " + line for line in text.split("\n"))
            try:
                self.stream.write(f"FailureReason:\n{indented}\n")
                self.stream.flush()
            except (OSError, ValueError, AttributeError):
                pass

    def close(self) -> None:
        pass


def _short(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f}s"
    return facts.format_duration(seconds) or f"{seconds:g}s"


class LiveProgress:
    """A rich live view on stderr, redrawn a few times a second."""

    def __init__(self, stream: TextIO, job_name: str | None, now: Callable[[], datetime] = _utc_now):
        import time

        from rich.console import Console

        self.stream = stream
        self.job_name = job_name
        self.now = now
        self.clock = time.monotonic
        self.console = Console(file=stream, highlight=False, markup=False, emoji=False)
        self.response: dict | None = None
        self.settings = WaitSettings()
        self.notice: str | None = None
        self.started_at = self.clock()
        self.ended_after: float | None = None
        self.live = None

    # -- the interface -----------------------------------------------------------------

    def started(self, settings: WaitSettings) -> None:
        from rich.live import Live

        self.settings = settings
        self.started_at = self.clock()
        self.live = Live(
            self,
            console=self.console,
            refresh_per_second=4,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def observed(self, response: dict) -> None:
        self.response = response
        if self.job_name is None:
            self.job_name = response.get("TrainingJobName")
        self.notice = None
        self._refresh()

    def retrying(self, error: BaseException, delay: float) -> None:
        self.notice = f"Polling failed, trying again in {_short(delay)}: {_first_line(error)}"
        self._refresh()

    def log(self, text: str) -> None:
        """The job's own log lines (--logs), printed above the live view: rich moves the
        view down and redraws it, so the two never write over each other."""
        from rich.text import Text

        if self.live is None:
            self.stream.write(text)
            self.stream.flush()
            return
        for line in text.rstrip("\n").split("\n"):
            self.live.console.print(Text.from_ansi(line), soft_wrap=True, highlight=False, markup=False)

    def finished(self, outcome: Outcome) -> None:
        self.ended_after = outcome.waited
        if outcome.timed_out:
            self.notice = f"Gave up waiting after {facts.format_duration(outcome.waited)} (--wait-timeout)"
        self.close()

    def close(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            try:
                live.stop()  # leaves the last frame on the screen
            except (OSError, ValueError):
                pass

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.refresh()

    # -- drawing ------------------------------------------------------------------------

    def __rich__(self):
        return self.render()

    def render(self):
        from rich.console import Group
        from rich.panel import Panel
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        response = self.response or {}
        status = response.get("TrainingJobStatus")
        style = facts.status_style(status)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        status_line = facts.status_text(response) or "waiting for the first response"
        grid.add_row("Status", Text(f"{facts.status_mark(status)} {status_line}", style=style))
        waited = self.ended_after if self.ended_after is not None else self.clock() - self.started_at
        grid.add_row("Waited", Text(f"{facts.format_duration(waited)}  ({describe_settings(self.settings)})"))
        created = facts.to_datetime(response.get("CreationTime"))
        if created is not None:
            age = facts.format_duration((self.now() - created).total_seconds())
            if age is not None and status not in facts.FINAL_STATUSES:
                grid.add_row("Job age", Text(f"{age}  (created {facts.format_utc(created)})"))
        info = response.get("ProgressInfo")
        if isinstance(info, dict):
            epoch, max_epoch = facts.number(info.get("CurrentEpoch")), facts.number(info.get("MaxEpoch"))
            if epoch is not None and max_epoch:
                bar = Table.grid(padding=(0, 1))
                bar.add_row(ProgressBar(total=max_epoch, completed=min(epoch, max_epoch), width=24), Text(facts.progress_text(response) or ""))
                grid.add_row("Progress", bar)
            elif facts.progress_text(response):
                grid.add_row("Progress", Text(facts.progress_text(response)))
        metrics = facts.metrics(response)
        if metrics:
            grid.add_row("Metrics", Text("   ".join(f"{name} {value}" for name, value, _ in metrics)))
        reason = response.get("FailureReason")
        if reason and status == "Failed":
            grid.add_row("Failure reason", Text(facts.clean(reason, multiline=True), style="red"))
        if self.notice:
            grid.add_row("Note", Text(self.notice, style="yellow"))

        parts = [grid]
        timeline = facts.transitions(response)
        if timeline:
            table = Table.grid(padding=(0, 2))
            table.add_column(no_wrap=True)
            table.add_column(justify="right", no_wrap=True)
            table.add_column(overflow="fold")
            now = self.now()
            for transition in timeline:
                if transition.end is not None:
                    duration = facts.format_duration(transition.seconds) or ""
                    row_style = ""
                elif transition.start is not None:
                    duration = (facts.format_duration((now - transition.start).total_seconds()) or "") + " …"
                    row_style = "bold"
                else:
                    duration, row_style = "", "bold"
                table.add_row(
                    Text(transition.status, style=row_style),
                    Text(duration),
                    Text(transition.message or "", style="dim"),
                )
            parts.append(Text(""))
            parts.append(table)
        title = Text(f"Training job {facts.clean(self.job_name)}") if self.job_name else None
        return Panel(Group(*parts), title=title, title_align="left", border_style=style or "none")
