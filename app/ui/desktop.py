"""Desktop notifications through the terminal: an escape sequence the terminal turns into a
notification of the desktop it runs on, so it works over SSH as well.

Terminals speak one of two: OSC 777 (VTE terminals such as GNOME Terminal, foot, urxvt)
or OSC 9 (iTerm2, Windows Terminal, WezTerm, kitty, Ghostty and others). Inside tmux the
sequence is wrapped so that tmux passes it through to the terminal outside. The text is
cut to one short line and stripped of every control character, so nothing in a message
can end the sequence early or write to the terminal itself.
"""

from __future__ import annotations

import os
import unicodedata

TITLE_LENGTH = 60
BODY_LENGTH = 160
ESC, BEL = "\x1b", "\x07"


def clean(text: str, length: int) -> str:
    """One line of printable text: controls of every kind dropped, spaces collapsed."""
    kept = "".join(" " if ch in "\t\n\r" else ch for ch in text
                   if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
    flat = " ".join(kept.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def notification(title: str, body: str, environ: dict[str, str] | None = None) -> str:
    """The escape sequence that shows ``title`` and ``body`` as a desktop notification."""
    env = os.environ if environ is None else environ
    title, body = clean(title, TITLE_LENGTH), clean(body, BODY_LENGTH)
    if _speaks_osc_777(env):
        # Fields are separated by ";": the title must hold none.
        sequence = f"{ESC}]777;notify;{title.replace(';', ',')};{body}{BEL}"
    else:
        sequence = f"{ESC}]9;{title}: {body}{BEL}"
    if env.get("TMUX"):
        # tmux passes a DCS "tmux;" sequence through, with each ESC inside doubled.
        sequence = f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"
    return sequence


def _speaks_osc_777(env) -> bool:
    term = env.get("TERM", "")
    return bool(env.get("VTE_VERSION")) or term.startswith(("foot", "rxvt"))
