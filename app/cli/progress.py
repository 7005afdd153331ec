"""The import's progress, drawn on standard error.

The importer calls ``progress(stage, rows, fraction)`` as it goes (fraction is 0..1
of the bytes of the file being read, or None when unknown; rows is None for a stage
that counts nothing, which shows the time it takes) and ``progress("done", rows,
1.0)`` at the end. On a terminal each stage is a line of a ``rich.progress`` display,
redrawn in place: a bar, a count and a rate, or the seconds taken. In a log each
stage writes an occasional plain line instead, and its last word when it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Self, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Column
from rich.text import Text

BAR_WIDTH = 24
TTY_INTERVAL = 0.1  # seconds between redraws on a terminal
LOG_INTERVAL = 5.0  # seconds between lines in a log


def _rate(rows: int, elapsed: float | None) -> str:
    return f"{rows / elapsed:,.0f} rows/s" if elapsed else "– rows/s"


class _Bar(BarColumn):
    """The bar, for a stage that knows how far through its file it is."""

    def render(self, task: Task):
        return super().render(task) if task.total is not None else Text("")


class _Figures(ProgressColumn):
    """Percent, rows and rate for a counting stage; the seconds taken for the others."""

    def render(self, task: Task) -> Text:
        rows = task.fields.get("rows")
        if rows is None:
            return Text(f"{task.elapsed or 0.0:.1f} s")
        done = f"{task.percentage:3.0f}%  " if task.total is not None else ""
        return Text(f"{done}{rows:,} rows  {_rate(rows, task.elapsed)}")


class ImportProgress:
    """A ``Progress`` callable for the importer; use it as a context manager."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self._clock = clock
        try:
            self.tty = stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self._stage: str | None = None
        self._counted = False  # whether the stage counts rows
        self._task: TaskID | None = None
        self._last_drawn = float("-inf")
        self._unshown: tuple[int | None, float | None] | None = None  # the log's last word on a stage
        self._started = 0.0
        self._display = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True)), _Bar(bar_width=BAR_WIDTH),
            _Figures(table_column=Column(no_wrap=True)),
            console=Console(file=stream, highlight=False), auto_refresh=False, get_time=clock,
        ) if self.tty else None

    def __enter__(self) -> Self:
        if self._display is not None:
            self._display.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._display is not None:
            self._display.stop()

    def __call__(self, stage: str, rows: int | None, fraction: float | None = None) -> None:
        now = self._clock()
        if stage == "done":
            if self._stage is not None:
                self._update(rows if self._counted else None, 1.0 if self._counted else None, now, final=True)
            self._stage = None
            return
        if stage != self._stage:
            self._begin(stage, rows is not None, fraction is not None, now)
        interval = TTY_INTERVAL if self.tty else LOG_INTERVAL
        if now - self._last_drawn >= interval:
            self._last_drawn = now
            self._update(rows, fraction, now, final=False)
        else:
            self._unshown = (rows, fraction)
            if self._display is not None and self._task is not None:
                self._display.update(self._task, completed=fraction or 0.0, rows=rows)

    def _begin(self, stage: str, counted: bool, measured: bool, now: float) -> None:
        if self._stage is not None:
            # The stage that ends: its last count if the interval kept it from being drawn,
            # or the time it took.
            if self._unshown is not None or not self._counted:
                rows, fraction = self._unshown or (None, None)
                self._update(rows, fraction, now, final=True)
            elif self._display is not None and self._task is not None:
                self._display.stop_task(self._task)
        self._stage, self._counted, self._unshown, self._started = stage, counted, None, now
        self._last_drawn = float("-inf")
        if self._display is not None:
            self._task = self._display.add_task(stage, total=1.0 if measured else None,
                                                rows=0 if counted else None)

    def _update(self, rows: int | None, fraction: float | None, now: float, *, final: bool) -> None:
        self._unshown = None
        if self._display is not None and self._task is not None:
            self._display.update(self._task, completed=min(max(fraction or 0.0, 0.0), 1.0), rows=rows)
            if final:
                self._display.stop_task(self._task)
            self._display.refresh()
            return
        self.stream.write(self._line(rows, fraction, now) + "\n")
        self.stream.flush()

    def _line(self, rows: int | None, fraction: float | None, now: float) -> str:
        elapsed = now - self._started
        if rows is None:
            return f"{self._stage}  {elapsed:.1f} s"
        done = f"  {min(max(fraction, 0.0), 1.0) * 100:3.0f}%" if fraction is not None else ""
        return f"{self._stage}{done}  {rows:,} rows  {_rate(rows, elapsed)}"
