"""Showing stored text literally on the screens.

Bodies, names and subjects are whatever someone typed (or imported). They are
never parsed as markup, and control characters are replaced by visible symbols
(the rule lives in app.presentation, shared with the command line), so
`[red]x[/red]`, `ESC[2J` or a NUL show as text and cannot restyle or corrupt
the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from app import presentation
from app.presentation import human_size, long_time, short_time

__all__ = ["Glyphs", "body_lines", "choose_glyphs", "glyphs", "human_size", "literal", "literal_text",
           "long_time", "possessive", "short_time", "use_glyphs"]


@dataclass(frozen=True)
class Glyphs:
    """Markers drawn in lists; the plain set is for terminals without the glyphs."""

    muted: str
    star: str
    unread: str
    selected: str
    attachment: str
    teammate: str  # a teammate has the conversation open
    assigned: str  # before the name of the teammate a conversation is assigned to
    plain: bool


UNICODE_GLYPHS = Glyphs(muted="🔇", star="★", unread="●", selected="✓", attachment="📎", teammate="◉",
                        assigned="→", plain=False)
PLAIN_GLYPHS = Glyphs(muted="(muted)", star="*", unread="*", selected="x", attachment="+", teammate="(open)",
                      assigned="->", plain=True)


def choose_glyphs(setting: str | None = None) -> Glyphs:
    """PARLEY_GLYPHS / config "glyphs" = "unicode" | "plain"; by default, the locale decides."""
    return PLAIN_GLYPHS if presentation.plain_terminal(setting) else UNICODE_GLYPHS


_glyphs: Glyphs = UNICODE_GLYPHS


def glyphs() -> Glyphs:
    return _glyphs


def use_glyphs(chosen: Glyphs) -> None:
    global _glyphs
    _glyphs = chosen


def literal(value: str, *, one_line: bool = False) -> str:
    """`value` with every control character replaced by a visible symbol (see app.presentation)."""
    return presentation.literal(value, one_line=one_line, plain=_glyphs.plain)


def literal_text(value: str, style: str | Style = "", *, one_line: bool = True) -> Text:
    """A rich Text that shows `value` exactly: no markup, no escapes."""
    return Text(literal(value, one_line=one_line), style=style, no_wrap=one_line, end="")


def possessive(name: str) -> str:
    """ "Acme Support" → "Acme Support's"; "Lena Vogels" → "Lena Vogels'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def body_lines(body: str) -> list[str]:
    """The lines of a message body, each made literal (a "\\r\\n" ends one line)."""
    return presentation.body_lines(body, plain=_glyphs.plain)
