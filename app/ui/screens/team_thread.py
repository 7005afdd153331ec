"""A shared inbox's team side of a thread: writing an internal note, and who did what.

A note is written in a small dialog over the thread and saved from there, so a note that
can't be saved stays in the box with the reason under it. The audit view lists the
actions of one conversation (the thread's history) or of the whole inbox, oldest at the
top and the newest at the bottom, where it opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TextArea

from app.ui.editor import edit_box
from app.ui.mailbox import Mailbox
from app.ui.styles import styles_dir
from app.ui.text import literal, long_time
from app.ui.widgets.text_areas import ReplyBox
from app.ui.widgets.work import RunsWork

if TYPE_CHECKING:
    from app.core.team import AuditView

NOTHING_RECORDED = "Nothing recorded here yet."
# The whole inbox's audit shows its newest actions; the command line lists every one.
AUDIT_SHOWN = 1000


def note_title(shared: bool) -> str:
    """Whom a note is for, said where it is written."""
    return "Internal note — only your team sees it" if shared else "Private note — only you see it"


class NoteDialog(RunsWork, ModalScreen[bool]):
    """Write an internal note in one conversation; True once it is saved."""

    CSS_PATH = [styles_dir() / "dialogs.tcss", styles_dir() / "team.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, mailbox: Mailbox, conversation_id: int, *, shared: bool, enter_sends: bool = True) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.conversation_id = conversation_id
        self.shared = shared
        self.enter_sends = enter_sends

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog note"):
            yield Static("Never sent to the other side of the conversation.", id="question", markup=False)
            yield ReplyBox(id="note-body", enter_sends=self.enter_sends, placeholder="Write a note…")
            yield Static("", id="note-error", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = note_title(self.shared)
        saves = "enter or ctrl+s saves · ctrl+j new line" if self.enter_sends else "ctrl+s saves"
        dialog.border_subtitle = f"{saves} · esc cancels"
        self.query_one("#note-body", ReplyBox).focus()

    @on(ReplyBox.Submitted)
    def _save(self, event: ReplyBox.Submitted) -> None:
        event.stop()
        mailbox, conversation_id, body = self.mailbox, self.conversation_id, event.value
        self.in_thread(lambda: mailbox.note(conversation_id, body), then=lambda _: self.dismiss(True),
                       failed=self.show_error, group="note", exclusive=True)

    @on(ReplyBox.EditRequested)
    def _edit(self, event: ReplyBox.EditRequested) -> None:
        edit_box(self.app, self.query_one("#note-body", ReplyBox), self.show_error)

    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.show_error("")

    def show_error(self, sentence: str) -> None:
        error = self.query_one("#note-error", Static)
        error.update(literal(sentence, one_line=True))
        error.display = bool(sentence)

    def action_cancel(self) -> None:
        self.dismiss(False)


class AuditScreen(RunsWork, ModalScreen[None]):
    """Who did what: one conversation's history, or the whole inbox's audit."""

    CSS_PATH = [styles_dir() / "dialogs.tcss", styles_dir() / "team.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        # Priority: the table would take home and end for sideways scrolling.
        Binding("j,down", "move(1)", "Down", show=False, priority=True),
        Binding("k,up", "move(-1)", "Up", show=False, priority=True),
        Binding("g,home", "move_to(0)", "First", show=False, priority=True),
        Binding("G,end", "move_to(-1)", "Last", show=False, priority=True),
    ]

    def __init__(self, mailbox: Mailbox, conversation_id: int | None = None, *, title: str = "") -> None:
        super().__init__()
        self.mailbox = mailbox
        self.conversation_id = conversation_id
        self.title_words = title
        self.entries: list[AuditView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog audit"):
            yield Static("", id="question", markup=False)
            yield DataTable(id="audit-rows", cursor_type="row", zebra_stripes=True)
            yield Static(NOTHING_RECORDED, id="audit-empty", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        if self.conversation_id is None:
            dialog.border_title = "Audit · who did what in " + literal(self.mailbox.member.name, one_line=True)
        else:
            dialog.border_title = "History · " + literal(self.title_words or "this conversation", one_line=True)
        dialog.border_subtitle = "esc close"
        self.query_one("#audit-empty").display = False
        mailbox, conversation_id = self.mailbox, self.conversation_id

        def fetch() -> tuple[list[AuditView], dict[int, str]]:
            if conversation_id is not None:
                return mailbox.audit(conversation_id), {}
            entries = mailbox.audit(limit=AUDIT_SHOWN)
            named = sorted({entry.conversation for entry in entries if entry.conversation is not None})
            return entries, {row.id: row.title for row in mailbox.rows(named)}

        self.in_thread(fetch, then=self.show_entries, failed=self.refused, group="audit", exclusive=True)

    def refused(self, sentence: str) -> None:
        """The audit can't be read (a delegate's access ended, the store failed): say why, go back."""
        self.dismiss(None)
        self.app.notify(sentence, severity="error")

    def show_entries(self, found: tuple[list[AuditView], dict[int, str]]) -> None:
        entries, titles = found
        self.entries = entries
        table = self.query_one("#audit-rows", DataTable)
        whole_inbox = self.conversation_id is None
        columns = ["When", "Who", "Action", "Conversation", "Detail"] if whole_inbox else [
            "When", "Who", "Action", "Detail"]
        table.add_columns(*columns)
        for entry in entries:
            cells = [long_time(entry.at), literal(entry.author_name, one_line=True), entry.action]
            if whole_inbox:
                cells.append(self._conversation(entry.conversation, titles))
            cells.append(literal(entry.detail, one_line=True))
            table.add_row(*(Text(cell, no_wrap=True) for cell in cells))
        summary = self.query_one("#question", Static)
        if not entries:
            summary.update("")
            table.display = False
            self.query_one("#audit-empty").display = True
            return
        count = f"{len(entries):,} action" + ("" if len(entries) == 1 else "s")
        more = f" (the newest {AUDIT_SHOWN:,}; `parley audit` lists every one)" if len(entries) == AUDIT_SHOWN else ""
        summary.update(f"{count}{more}, the newest at the bottom.")
        table.move_cursor(row=len(entries) - 1, animate=False)
        table.focus()

    @staticmethod
    def _conversation(conversation_id: int | None, titles: dict[int, str]) -> str:
        if conversation_id is None:
            return ""
        title = titles.get(conversation_id)
        return literal(title, one_line=True) if title else f"#{conversation_id}"

    def action_move(self, rows: int) -> None:
        table = self.query_one("#audit-rows", DataTable)
        if table.row_count:
            table.move_cursor(row=max(min(table.cursor_row + rows, table.row_count - 1), 0), animate=False)

    def action_move_to(self, row: int) -> None:
        table = self.query_one("#audit-rows", DataTable)
        if table.row_count:
            table.move_cursor(row=row if row >= 0 else table.row_count - 1, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
