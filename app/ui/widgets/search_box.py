"""The search box (`/`): one line, with a malformed query's sentence shown under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from app.ui.text import literal


class SearchBox(Vertical):
    DEFAULT_CSS = """
    SearchBox { height: auto; display: none; }
    SearchBox.-open { display: block; }
    SearchBox #search-error { display: none; height: 1; }
    SearchBox.-error #search-error { display: block; }
    """

    class Submitted(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Closed(Message):
        """The search was cleared (escape on an empty box)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search: words, from:NAME, is:unread, in:archived, before:YYYY-MM-DD…",
                    id="search-input", compact=True)
        yield Static("", id="search-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    def open(self) -> None:
        self.add_class("-open")
        # Focus now, not on the next message: keys typed right after "/" are already
        # queued and would otherwise act on the list (m mutes, e archives…).
        self.screen.set_focus(self.input)

    def close(self) -> None:
        self.input.value = ""
        self.show_error(None)
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def show_error(self, sentence: str | None) -> None:
        self.query_one("#search-error", Static).update(literal(sentence or "", one_line=True))
        self.set_class(bool(sentence), "-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value.strip()))

    def on_key(self, event) -> None:
        if event.key == "escape":
            event.stop()
            self.post_message(self.Closed())
