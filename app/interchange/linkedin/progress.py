"""A one-line progress bar for long imports, drawn on a text stream (stderr).

The importer calls ``progress(stage, rows, fraction)`` as it goes (fraction is
0..1 of the bytes of the file being read, or None when unknown; rows is None
for a stage that counts nothing, drawn with the time it has taken) and
``progress("done", rows, 1.0)`` at the end. On a terminal the line is redrawn
in place with ``\\r``; in a log file it is written as an occasional full line.
"""

from __future__ import annotations

import time
from typing import Callable, TextIO

Progress = Callable[[str, "int | None", "float | None"], None]

BAR_WIDTH = 24
TTY_INTERVAL = 0.1  # seconds between redraws on a terminal
LOG_INTERVAL = 5.0  # seconds between lines in a log


class TextProgress:
    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self._clock = clock
        try:
            self.tty = stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self._stage: str | None = None
        self._counted = True
        self._unshown: tuple | None = None
        self._stage_started = 0.0
        self._last_drawn = float("-inf")
        self._width = 0

    def __call__(self, stage: str, rows: int | None, fraction: float | None = None) -> None:
        now = self._clock()
        if stage == "done":
            if self._stage is not None:
                self._draw(self._line(self._stage, rows if self._counted else None, 1.0, now), final=True)
            self._stage = self._unshown = None
            return
        if stage != self._stage:
            if self._unshown is not None:
                # The last word on the stage that ends, if the interval kept it from being drawn.
                self._draw(self._line(*self._unshown, now), final=False)
            elif self._stage is not None and not self._counted:
                self._draw(self._line(self._stage, None, None, now), final=False)  # the time it took
            if self._stage is not None and self.tty:
                self.stream.write("\n")
            self._unshown = None
            self._stage = stage
            self._counted = rows is not None
            self._stage_started = now
            self._last_drawn = float("-inf")
            self._width = 0
        interval = TTY_INTERVAL if self.tty else LOG_INTERVAL
        if now - self._last_drawn >= interval:
            self._last_drawn = now
            self._unshown = None
            self._draw(self._line(stage, rows, fraction, now), final=False)
        else:
            self._unshown = (stage, rows, fraction)

    def _line(self, stage: str, rows: int | None, fraction: float | None, now: float) -> str:
        elapsed = now - self._stage_started
        if rows is None:
            return f"{stage}  {elapsed:.1f} s"
        rate = f"{rows / elapsed:,.0f} rows/s" if elapsed > 0 else "– rows/s"
        if fraction is None:
            return f"{stage} {rows:,} rows  {rate}"
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"{stage} [{bar}] {fraction * 100:3.0f}%  {rows:,} rows  {rate}"

    def _draw(self, line: str, *, final: bool) -> None:
        if self.tty:
            padding = " " * max(0, self._width - len(line))
            self.stream.write("\r" + line + padding + ("\n" if final else ""))
            self._width = 0 if final else len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
