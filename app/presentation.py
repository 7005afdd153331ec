"""How Parley shows things to people, on the command line and on the screens alike.

Free of textual and rich, so the command line stays quick and both front ends write
the same text: stored text made literal, instants in local time, sizes and handle
lists.

Bodies, names and subjects are whatever someone typed (or imported). Every character
that could move the cursor, restyle the terminal or turn text around is shown as a
visible stand-in instead of being obeyed: C0 controls but newline and tab (ESC among
them, so an ANSI escape is shown, never run), DEL, C1 controls, the bidi controls and
the Unicode line and paragraph separators.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from datetime import datetime

from app.core.clock import now as clock_now
from app.core.clock import to_local

TAB = "    "  # a tab's width depends on where it falls; four spaces keep columns steady

# Characters that change the direction of text or break lines where no newline is.
_NAMED = {
    0x061C: "<ALM>",
    0x200E: "<LRM>",
    0x200F: "<RLM>",
    0x2028: "<LS>",
    0x2029: "<PS>",
    **{code: f"<U+{code:04X}>" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _stand_in(code: int, plain: bool) -> str:
    if code in _NAMED:
        return _NAMED[code]
    if code < 0x20:
        return "^" + chr(code + 0x40) if plain else chr(0x2400 + code)  # ^[ or ␛ (Control Pictures)
    if code == 0x7F:
        return "^?" if plain else "␡"
    return f"<{code:02X}>"  # C1


def literal(value: str, *, one_line: bool = False, plain: bool = False) -> str:
    """``value`` with every control character replaced by a visible stand-in.

    With ``one_line`` line breaks and tabs become spaces (a list row or a title is one
    line); otherwise "\\n" is kept for the caller to split on and a tab becomes spaces.
    ``plain`` draws C0 controls as ^X for terminals that cannot draw ␛ and its kin.
    """
    if not _UNSAFE.search(value):
        return value

    def visible(match: re.Match[str]) -> str:
        ch = match.group()
        if ch == "\n":
            return " " if one_line else "\n"
        if ch == "\t":
            return " " if one_line else TAB
        return _stand_in(ord(ch), plain)

    return _UNSAFE.sub(visible, value)


def printable(text: str, *, plain: bool = False) -> str:
    """Any text on its way to a terminal's standard output or error, made literal like stored
    text but with tabs and line breaks kept as they are (they lay out a table or a list)."""
    if not _UNSAFE.search(text):
        return text

    def visible(match: re.Match[str]) -> str:
        ch = match.group()
        return ch if ch in "\n\t" else _stand_in(ord(ch), plain)

    return _UNSAFE.sub(visible, text)


# What JSON leaves raw inside a string and a terminal would obey: DEL, C1 controls and the
# characters that turn text around (JSON itself escapes the C0 controls).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def cell_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: a wide East Asian character or emoji two,
    a combining mark none, anything else one."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns, ending in "…" when cut."""
    if cell_width(text) <= columns:
        return text
    kept, used = [], 0
    for c in text:
        width = cell_width(c)
        if used + width > columns - 1:
            break
        kept.append(c)
        used += width
    return "".join(kept) + "…" if columns > 0 else ""


def json_text(value, **options) -> str:
    """``value`` as JSON, readable (not ASCII-escaped) but with every character a terminal would
    obey written as \\uXXXX; the data is the same once decoded."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def body_lines(body: str, *, plain: bool = False) -> list[str]:
    """The lines of a message body, each made literal (a "\\r\\n" ends one line)."""
    return [literal(line, plain=plain) for line in body.replace("\r\n", "\n").split("\n")]


def plain_terminal(setting: str | None = None) -> bool:
    """Whether to draw plain ASCII markers: PARLEY_GLYPHS, then the config's "glyphs"
    ("plain" or "unicode"), then the locale: a terminal whose locale is not UTF-8 (or
    the Linux console) cannot draw ␛, 🔇 or ★."""
    choice = (os.environ.get("PARLEY_GLYPHS") or setting or "").strip().lower()
    if choice in ("plain", "ascii"):
        return True
    if choice in ("unicode", "emoji", "fancy"):
        return False
    # The Linux console and old terminals draw none of them; GNU screen (TERM=screen…)
    # measures emoji as one cell and tears the line.
    term = os.environ.get("TERM") or ""
    if term in ("linux", "dumb", "vt100", "vt220") or term.startswith("screen"):
        return True
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or ""
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "")
    return not ("utf" in locale.lower().replace("-", "") or encoding == "utf8")


# ---- instants, in the machine's local time ---------------------------------------------


def minute(at: datetime | None) -> str:
    """"2026-03-05 14:22", for tables and the ledger ("–" for no time)."""
    if at is None:
        return "–"
    return f"{to_local(at):%Y-%m-%d %H:%M}"


def short_time(at: datetime, now: datetime | None = None) -> str:
    """Today → "09:41"; this year → "Mar 5"; earlier → "Mar 5 2024"."""
    local = to_local(at)
    today = to_local(now or clock_now())
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day} {local.year}"


def day(at: datetime) -> str:
    """"Apr 2 2026", for dates without a time (credit grants and expiries)."""
    local = to_local(at)
    return f"{local:%b} {local.day} {local.year}"


def long_time(at: datetime) -> str:
    """"Mar 5 2026, 14:22", for message headers."""
    local = to_local(at)
    return f"{local:%b} {local.day} {local.year}, {local:%H:%M}"


# ---- sizes and handles --------------------------------------------------------------------


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def split_handles(text: str) -> list[str]:
    """Handles separated by commas (or semicolons), each with an optional leading @."""
    parts = (part.strip().lstrip("@").strip() for part in text.replace(";", ",").split(","))
    return [part for part in parts if part]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
