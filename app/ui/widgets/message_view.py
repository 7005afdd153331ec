"""The messages of a thread, drawn a line at a time (Line API).

Messages arrive newest first in pages by id keyset (the newest page when a thread
opens, older pages as the reader scrolls towards the top); each message is laid
out into lines once per width, and only the lines on screen become strips.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.core.views import MessageView as MessageRecord
from app.ui.keymap import MOVE_BINDINGS
from app.ui.text import body_lines, glyphs, human_size, literal, long_time

PAGE_SIZE = 200
GUTTER = 2  # the cursor bar and a space before every line

KIND_LABELS = {"inmail": "[InMail]", "open_profile": "[Open Profile]", "sponsored": "[Sponsored]"}


class MessageView(ScrollView, can_focus=True, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [*MOVE_BINDINGS]
    COMPONENT_CLASSES = {
        "message-view--sender",
        "message-view--me",
        "message-view--dim",
        "message-view--marker",
        "message-view--cursor",
        "message-view--deleted",
        "message-view--note",
        "message-view--note-heading",
    }
    DEFAULT_CSS = """
    MessageView { overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)

    class NearTop(Message):
        """The reader has scrolled near the oldest loaded message: time to load older ones."""

    class Highlighted(Message):
        def __init__(self, message: MessageRecord | None) -> None:
            super().__init__()
            self.message = message

    def __init__(self, member_id: int, *, author_id: int | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.member_id = member_id
        # Who is at the keyboard: a delegate reads the inbox's own messages under its name, not as "You".
        self.author_id = member_id if author_id is None else author_id
        self.messages: list[MessageRecord] = []
        self.has_older = False
        self._layout_width = -1
        self._lines: list[tuple[int, Text]] = []  # (message index, line)
        self._starts: list[int] = []  # first line of each message
        self._tinted: set[int] = set()  # the lines of internal notes, drawn on their own background

    # ------------------------------------------------------------------ data

    def set_messages(self, messages: list[MessageRecord], *, has_older: bool) -> None:
        """Replace everything (a thread just opened): show the newest at the bottom."""
        self.messages = list(messages)
        self.has_older = has_older
        self._relayout()
        self.cursor = len(self.messages) - 1
        # After the next refresh: until the layout has seen the new height, the view may not scroll.
        self.scroll_end(animate=False)

    def prepend(self, older: list[MessageRecord], *, has_older: bool) -> None:
        """Older messages arrived: put them above without moving what the reader sees."""
        before = len(self._lines)
        self.messages[:0] = older
        self.has_older = has_older
        self._relayout()
        grown = len(self._lines) - before
        self.cursor = self.cursor + len(older)
        self.scroll_to(y=self.scroll_offset.y + grown, animate=False, immediate=True)

    def replace_tail(self, first_id: int | None, tail: list[MessageRecord], *,
                     has_older: bool | None = None) -> None:
        """Messages from `first_id` on (all of them when None) were refetched."""
        at_bottom = self.scroll_offset.y >= self.max_scroll_y - 1
        follow = self.cursor >= len(self.messages) - 1
        keep = 0
        if first_id is not None:
            keep = next((i for i, m in enumerate(self.messages) if m.id >= first_id), len(self.messages))
        self.messages[keep:] = tail
        if has_older is not None:
            self.has_older = has_older
        self._relayout()
        if follow:
            self.cursor = len(self.messages) - 1
        if at_bottom:
            self.scroll_end(animate=False, immediate=True)

    @property
    def current(self) -> MessageRecord | None:
        if 0 <= self.cursor < len(self.messages):
            return self.messages[self.cursor]
        return None

    # ------------------------------------------------------------------ layout

    def _text_width(self) -> int:
        return max(self.size.width - GUTTER - 1, 20)

    def _relayout(self) -> None:
        width = self._text_width()
        self._layout_width = width
        lines: list[tuple[int, Text]] = []
        starts: list[int] = []
        tinted: set[int] = set()
        if self.has_older:
            lines.append((-1, Text("… older messages load as you scroll up", self._style("dim"))))
        for index, message in enumerate(self.messages):
            starts.append(len(lines))
            if message.kind == "note":
                drawn = self._note_lines(message, width)
                tinted.update(range(len(lines), len(lines) + len(drawn)))
                drawn.append(Text(""))
            else:
                drawn = self._message_lines(message, width)
            lines.extend((index, line) for line in drawn)
        self._lines = lines
        self._starts = starts
        self._tinted = tinted
        self.virtual_size = Size(self.size.width, len(lines))
        self.refresh()

    def _message_lines(self, message: MessageRecord, width: int) -> list[Text]:
        mine = message.sender_id == self.member_id
        header = Text(end="")
        you = mine and self.author_id == self.member_id
        header.append("You" if you else literal(message.sender_name, one_line=True),
                      self._style("me" if mine else "sender"))
        if message.author_name:
            header.append(" · written by " + literal(message.author_name, one_line=True), self._style("dim"))
        header.append(f"  {long_time(message.at)}", self._style("dim"))
        label = KIND_LABELS.get(message.kind)
        if label:
            header.append(f"  {label}", self._style("marker"))
        out = [header]
        if message.subject and message.kind in ("inmail", "sponsored", "open_profile"):
            out.append(Text("Subject: " + literal(message.subject, one_line=True), self._style("sender")))
        if message.recalled:
            out.append(Text(literal(message.body, one_line=True), self._style("deleted")))
        else:
            console = self.app.console
            for raw in body_lines(message.body):
                if not raw:
                    out.append(Text(""))
                    continue
                out.extend(Text(raw).wrap(console, width, overflow="fold"))
        for attachment in message.attachments:
            out.append(Text(f"{glyphs().attachment} {literal(attachment.name, one_line=True)}"
                            f" ({human_size(attachment.size)})", self._style("marker")))
        if message.seen:
            out.append(Text("Seen", self._style("dim")))
        out.append(Text(""))
        return out

    def _note_lines(self, message: MessageRecord, width: int) -> list[Text]:
        """An internal note: a barred block with its author, for the inbox's team, not a message."""
        bar = "| " if glyphs().plain else "┃ "
        heading_style = self._style("note-heading")
        heading = Text(end="")
        heading.append(bar + "Internal note", heading_style)
        if message.author_name:
            heading.append(" · " + literal(message.author_name, one_line=True), heading_style)
        heading.append(f"  {long_time(message.at)}", self._style("dim"))
        out = [heading]
        console = self.app.console
        for raw in body_lines(message.body):
            for wrapped in Text(raw).wrap(console, max(width - len(bar), 10), overflow="fold") if raw else [Text("")]:
                line = Text(end="")
                line.append(bar, heading_style)
                line.append_text(wrapped)
                out.append(line)
        return out

    def on_resize(self, event: events.Resize) -> None:
        if self._text_width() != self._layout_width:
            self._relayout()

    def lines_text(self) -> list[str]:
        """Every laid-out line as plain text (for tests)."""
        return [line.plain for _, line in self._lines]

    # ------------------------------------------------------------------ drawing

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"message-view--{name}", partial=True)

    def _note_background(self) -> Style:
        """The notes' tint laid over the view's own background (a component style is not blended)."""
        _, background = self.background_colors
        tint = self.get_component_styles("message-view--note").background
        return Style(bgcolor=(background + tint).rich_color)

    def _line_at(self, y: int) -> int:
        """The laid-out line drawn at row y; a short thread sits at the bottom, by the reply box."""
        gap = max(self.size.height - len(self._lines), 0)
        return int(self.scroll_offset.y) + y - gap

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        line_no = self._line_at(y)
        base = self.rich_style
        if not 0 <= line_no < len(self._lines):
            return Strip.blank(width, base)
        index, text = self._lines[line_no]
        bar = "▌" if not glyphs().plain else "|"
        gutter = Segment(bar + " ", self._style("cursor")) if index == self.cursor else Segment("  ")
        fill = base + self._note_background() if line_no in self._tinted else base
        segments = [gutter]
        for segment in text.render(self.app.console):
            if segment.text == "\n":
                continue
            segments.append(Segment(segment.text, fill + segment.style if segment.style else fill))
        return Strip(segments).adjust_cell_length(width, fill)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.has_older and new_value < max(self.size.height, 10):
            self.post_message(self.NearTop())

    # ------------------------------------------------------------------ moving

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.messages:
            return
        if new < 0 or new >= len(self.messages):
            self.cursor = max(0, min(new, len(self.messages) - 1))
            return
        self.refresh()
        start = self._starts[new]
        end = self._starts[new + 1] if new + 1 < len(self._starts) else len(self._lines)
        height = min(end - start, max(self.size.height, 1))
        self.scroll_to_region(Region(0, start, 1, height), animate=False, immediate=True)
        if new == 0 and self.has_older:
            self.post_message(self.NearTop())
        self.post_message(self.Highlighted(self.current))

    def action_move_down(self) -> None:
        """Scroll the thread a line down; once at its end, highlight the next message."""
        if self.scroll_offset.y < self.max_scroll_y:
            self._scroll_lines(1)
        else:
            self.cursor = min(self.cursor + 1, len(self.messages) - 1)

    def action_move_up(self) -> None:
        """Scroll the thread a line up; once at its top, highlight the message before."""
        if self.scroll_offset.y > 0:
            self._scroll_lines(-1)
        else:
            self.cursor = max(self.cursor - 1, 0)

    def _scroll_lines(self, lines: int) -> None:
        """Scroll, and let the highlight follow to a message still in view."""
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, immediate=True)
        if not self.messages:
            return
        top = int(self.scroll_offset.y)
        bottom = top + max(self.size.height, 1) - 1
        start = self._starts[self.cursor] if 0 <= self.cursor < len(self._starts) else 0
        end = self._starts[self.cursor + 1] - 1 if self.cursor + 1 < len(self._starts) else len(self._lines) - 1
        if end < top or start > bottom:
            line = top if end < top else bottom
            index = self._lines[min(max(line, 0), len(self._lines) - 1)][0]
            # Highlight without scrolling again: the reader chose where to look.
            self.set_reactive(MessageView.cursor, max(index, 0))
            self.refresh()
            self.post_message(self.Highlighted(self.current))

    def action_first(self) -> None:
        self.cursor = 0
        self.scroll_home(animate=False, immediate=True)

    def action_last(self) -> None:
        self.cursor = len(self.messages) - 1
        self.scroll_end(animate=False, immediate=True)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def on_click(self, event: events.Click) -> None:
        line_no = self._line_at(event.y)
        if 0 <= line_no < len(self._lines) and self._lines[line_no][0] >= 0:
            self.cursor = self._lines[line_no][0]
