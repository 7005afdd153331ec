"""Showing stored text literally.

Bodies, names and subjects are whatever someone typed (or imported). They are
never parsed as markup, and control characters are replaced by visible symbols,
so `[red]x[/red]`, `ESC[2J` or a NUL show as text and cannot restyle or corrupt
the screen.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text

from app.core.clock import now as clock_now, to_local

# Characters that move the cursor or change direction of text when printed: the
# bidi controls and the Unicode line and paragraph separators.
_INVISIBLE_CONTROLS = {
    0x200E: "<LRM>",
    0x200F: "<RLM>",
    0x2028: "<LS>",
    0x2029: "<PS>",
    **{code: f"<U+{code:04X}>" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


@dataclass(frozen=True)
class Glyphs:
    """Markers drawn in lists; the plain set is for terminals without the glyphs."""

    muted: str
    star: str
    unread: str
    selected: str
    attachment: str
    plain: bool

    def control(self, code: int) -> str:
        """A visible stand-in for a control character."""
        if self.plain:
            if code < 0x20:
                return "^" + chr(code + 0x40)
            if code == 0x7F:
                return "^?"
            return f"<{code:02X}>"
        if code < 0x20:
            return chr(0x2400 + code)  # ␀ ␁ … ␛ …: the Control Pictures block
        if code == 0x7F:
            return "␡"
        return f"<{code:02X}>"


UNICODE_GLYPHS = Glyphs(muted="🔇", star="★", unread="●", selected="✓", attachment="📎", plain=False)
PLAIN_GLYPHS = Glyphs(muted="(muted)", star="*", unread="*", selected="x", attachment="+", plain=True)


def choose_glyphs(setting: str | None = None) -> Glyphs:
    """PARLEY_GLYPHS / config "glyphs" = "unicode" | "plain"; by default, the locale decides.

    A terminal whose locale is not UTF-8 (or the Linux console) cannot draw 🔇 and ★,
    so those get the plain-text markers.
    """
    choice = (os.environ.get("PARLEY_GLYPHS") or setting or "").strip().lower()
    if choice in ("plain", "ascii"):
        return PLAIN_GLYPHS
    if choice in ("unicode", "emoji", "fancy"):
        return UNICODE_GLYPHS
    if os.environ.get("TERM") in ("linux", "dumb", "vt100", "vt220"):
        return PLAIN_GLYPHS
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or ""
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    if "utf" in locale.lower().replace("-", "") or encoding == "utf8":
        return UNICODE_GLYPHS
    return PLAIN_GLYPHS


_glyphs: Glyphs = UNICODE_GLYPHS


def glyphs() -> Glyphs:
    return _glyphs


def use_glyphs(chosen: Glyphs) -> None:
    global _glyphs
    _glyphs = chosen


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match, one_line: bool) -> str:
    ch = match.group()
    code = ord(ch)
    if ch == "\n":
        return " " if one_line else "\n"
    if ch == "\t":
        return " " if one_line else "    "
    if code in _INVISIBLE_CONTROLS:
        return _INVISIBLE_CONTROLS[code]
    return _glyphs.control(code)


def literal(value: str, *, one_line: bool = False) -> str:
    """`value` with every control character replaced by a visible symbol.

    With one_line, line breaks become spaces (a list row or a title is one line);
    otherwise "\\n" is kept for the caller to split on, and tabs become spaces.
    """
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(lambda match: _visible(match, one_line), value)


def literal_text(value: str, style: str | Style = "", *, one_line: bool = True) -> Text:
    """A rich Text that shows `value` exactly: no markup, no escapes."""
    return Text(literal(value, one_line=one_line), style=style, no_wrap=one_line, end="")


def body_lines(body: str) -> list[str]:
    """The lines of a message body, each made literal (a "\\r\\n" ends one line)."""
    return [literal(line) for line in body.replace("\r\n", "\n").split("\n")]


def short_time(at: datetime, now: datetime | None = None) -> str:
    """Today → "09:41"; this year → "Mar 5"; earlier → "Mar 5 2024" (local time)."""
    local = to_local(at)
    today = to_local(now or clock_now())
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day} {local.year}"


def long_time(at: datetime) -> str:
    """"Mar 5 2026, 14:22" (local time), for message headers."""
    local = to_local(at)
    return f"{local:%b} {local.day} {local.year}, {local:%H:%M}"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
