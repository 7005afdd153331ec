"""Text areas that show what is typed literally, and the thread's reply box.

The text is kept exactly as typed (or as $EDITOR left it); only its drawing changes:
a control character is drawn as its visible stand-in (␛ for ESC), so an ANSI escape
brought back from an editor is neither obeyed (no colour) nor shifts the border.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widgets import TextArea

from app.ui.keymap import REPLY_BINDINGS
from app.ui.text import literal


class LiteralTextArea(TextArea):
    """A TextArea whose control characters are drawn as visible stand-ins, never sent raw."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not any(_unsafe(segment.text) for segment in strip):
            return strip
        shown = Strip([
            Segment(literal(segment.text), segment.style, segment.control) if _unsafe(segment.text) else segment
            for segment in strip
        ])
        return shown.crop(0, strip.cell_length).adjust_cell_length(strip.cell_length)


def _unsafe(text: str) -> bool:
    return literal(text) != text


class ReplyBox(LiteralTextArea):
    """The thread's reply box: several lines; enter sends (unless the config says
    `enter-sends = false`), alt+enter or ctrl+j starts a new line, ctrl+s always sends."""

    BINDINGS: ClassVar[list[BindingType]] = [*REPLY_BINDINGS]

    class Submitted(Message):
        def __init__(self, box: ReplyBox, value: str) -> None:
            super().__init__()
            self.box = box
            self.value = value

    class EditRequested(Message):
        """ctrl+e: edit the reply in $EDITOR."""

    def __init__(self, *, enter_sends: bool = True, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, compact=True, placeholder=placeholder)
        self.enter_sends = enter_sends

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.enter_sends:
            event.stop()
            event.prevent_default()
            self.action_send()
            return
        await super()._on_key(event)

    def action_send(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        start, end = self.selection
        self.replace("\n", start, end)

    def action_edit_in_editor(self) -> None:
        self.post_message(self.EditRequested())
