"""How the command line prints: tables for people, JSON for scripts, plain sentences.

Stored text goes through ``app.presentation`` like on the screens, so a control
character or an ANSI escape in a name or a body is shown the same way on both. And
whatever a command writes to standard output or error, a sentence quoting a file name,
a URL or a line of a CSV file among it, passes through one guard (``guarded_output``)
that makes every control character visible, so nothing raw ever reaches the terminal.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from app import presentation

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2  # a refusal's code (3) comes with the error
LAST_COLUMN_MIN = 40  # a narrow terminal wraps a table's last column rather than hiding it

_plain = False


def use_glyphs_setting(setting: str | None) -> None:
    """Draw control characters as the screens would on this terminal (config "glyphs")."""
    global _plain
    _plain = presentation.plain_terminal(setting)


class _Printable:
    """A text stream that writes everything through ``presentation.printable``."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(presentation.printable(text, plain=_plain))

    def __getattr__(self, name: str):  # flush, fileno, isatty, encoding…
        return getattr(self.stream, name)


@contextmanager
def guarded_output() -> Iterator[None]:
    """Standard output and error guarded for as long as a command runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(sys.stdout), _Printable(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def unguarded(stream):
    """The stream under the guard, for output that draws on the terminal by design (a progress
    bar) or that is made safe by its own format (an export)."""
    return stream.stream if isinstance(stream, _Printable) else stream


def wants_json(args) -> bool:
    return bool(getattr(args, "json", False))


def utc(value: datetime | None) -> str | None:
    """An instant for JSON: ISO 8601, UTC, to the second, with Z."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + "Z"


def literal(text: str) -> str:
    """Stored text safe to print: control characters shown, never obeyed."""
    return presentation.literal(text, plain=_plain)


def body_lines(text: str) -> list[str]:
    return presentation.body_lines(text, plain=_plain)


def one_line(text: str, width: int) -> str:
    flat = " ".join(presentation.literal(text, one_line=True, plain=_plain).split())
    return presentation.fit(flat, width)


def one_sentence(text: str) -> str:
    return " ".join(text.split())


def print_json(value: Any) -> None:
    print(presentation.json_text(value, indent=2))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Iterable[int] = ()) -> None:
    """Aligned columns, measured in terminal columns (a CJK name is twice its length); the last
    column takes what is left of the terminal's width."""
    width_of = presentation.cell_width
    cells = [[str(cell) for cell in row] for row in rows]
    right = set(right)
    widths = [max([width_of(h)] + [width_of(r[i]) for r in cells]) for i, h in enumerate(headers)]
    room = shutil.get_terminal_size((120, 24)).columns - sum(widths[:-1]) - 2 * (len(widths) - 1)
    widths[-1] = max(min(widths[-1], room), len(headers[-1]), LAST_COLUMN_MIN)

    def line(row: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            padding = " " * (widths[i] - width_of(cell))
            if i == len(row) - 1:
                out.append(presentation.fit(cell, widths[i]))
            elif i in right:
                out.append(padding + cell)
            else:
                out.append(cell + padding)
        return "  ".join(out).rstrip()

    print(line(headers))
    for row in cells:
        print(line(row))
