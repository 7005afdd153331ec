"""The inbox: filters with counts, the conversation list, search, triage, status."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from app.core.errors import BadInput
from app.core.views import Counts, CreditsView
from app.ui.changes import SettingsChanged, StoreChanged
from app.ui.keymap import INBOX_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.filter_bar import FilterBar
from app.ui.widgets.search_box import SearchBox
from app.ui.widgets.status_line import StatusLine
from app.ui.widgets.work import RunsWork

if TYPE_CHECKING:
    from app.ui.app import ParleyApp

# The sentence for each action done on several conversations at once.
DONE = {
    "archive": "Archived", "unarchive": "Moved to the inbox", "delete": "Deleted",
    "mute": "Muted", "unmute": "Unmuted", "star": "Starred", "unstar": "Unstarred",
    "read": "Marked read", "unread": "Marked unread", "spam": "Moved to Spam",
    "not-spam": "Moved out of Spam",
}


def done_sentence(action: str, count: int) -> str:
    what = "conversation" if count == 1 else "conversations"
    undo = " (z to undo)" if action in ("archive", "delete") else ""
    return f"{DONE[action]}: {count} {what}{undo}."


class InboxScreen(RunsWork, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [*INBOX_BINDINGS]

    def __init__(self, mailbox: Mailbox, settings: dict[str, bool]) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.settings = settings
        self.filter_name = "all"
        self.search_query: str | None = None
        self.counts: Counts | None = None

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filters")
        yield SearchBox(id="search")
        yield ConversationList(self.mailbox, id="conversations")
        yield StatusLine(self.mailbox.member, id="status")

    @property
    def parley(self) -> ParleyApp:
        """The app, for the undo, report and thread screen it keeps for every screen."""
        return cast("ParleyApp", self.app)

    @property
    def conversations(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.query_one(FilterBar).show("all", focused_inbox=self.settings.get("focused-inbox", True))
        self.conversations.focus()
        # The first page and the counts load side by side; the list learns its length
        # when the counts arrive.
        self.conversations.show(self.filter_name, None, None)
        self.refresh_counts(first=True)

    async def on_conversation_list_first_page(self, event: ConversationList.FirstPage) -> None:
        # What is not needed to draw the first page comes after it (the app may be
        # measuring launch to first paint and leave right now).
        self.refresh_credits()
        await self.mount(Footer())
        self.refresh_bindings()  # the footer draws its keys when told the bindings changed

    def on_screen_resume(self) -> None:
        if self.counts is not None:
            # Back from a thread, Compose or Settings: the command line may have changed the settings.
            self.parley.reload_settings()
            self.refresh_from_store()

    # ------------------------------------------------------------------ loading

    def refresh_counts(self, *, first: bool = False) -> None:
        def shown(counts) -> None:
            self.counts = counts
            self.query_one(FilterBar).show(self.filter_name, counts, searching=self.search_query)
            if first:
                self.conversations.learn_total(counts[self.filter_name])
            elif self.search_query is None:
                self.conversations.reload(counts[self.filter_name])

        self.in_thread(self.mailbox.counts, then=shown, group="counts", exclusive=True)

    def refresh_credits(self) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: (mailbox.credits(), mailbox.invitations_waiting()), then=self._show_credits,
                       group="credits", exclusive=True)

    def _show_credits(self, found: tuple[CreditsView, int]) -> None:
        view, invitations = found
        self.status.show_credits(view, invitations=invitations)

    def refresh_from_store(self) -> None:
        """Something changed: counts, the visible page, the credits; never the whole list."""
        self.refresh_counts()
        if self.search_query is not None:
            self.conversations.reload(None)
        self.refresh_credits()

    def on_store_changed(self, event: StoreChanged) -> None:
        # Under a thread or Settings the inbox is hidden: it refreshes when shown again.
        stack = self.app.screen_stack
        if self in stack and all(isinstance(screen, ModalScreen) for screen in stack[stack.index(self) + 1:]):
            self.refresh_from_store()

    def on_settings_changed(self, event: SettingsChanged) -> None:
        settings = self.settings = event.settings
        self.query_one(FilterBar).show(self.filter_name, focused_inbox=settings.get("focused-inbox", True),
                                       searching=self.search_query)
        if not settings.get("focused-inbox", True) and self.filter_name in ("focused", "other"):
            self.action_filter("all")

    # ------------------------------------------------------------------ moving about

    def action_filter(self, name: str) -> None:
        if not self.settings.get("focused-inbox", True) and name in ("focused", "other"):
            name = "all"
        self.filter_name = name
        self.search_query = None
        search = self.query_one(SearchBox)
        if search.is_open:
            search.close()
        self.conversations.selected.clear()
        total = self.counts[name] if self.counts is not None else None
        self.query_one(FilterBar).show(name, searching=None)
        self.conversations.show(name, None, total)
        self.conversations.focus()
        self.status.show_note("")

    def action_open(self) -> None:
        self.conversations.open_current()

    def on_conversation_list_opened(self, event: ConversationList.Opened) -> None:
        self._open(event.row.id)

    def _open(self, conversation_id: int, **options) -> None:
        thread = self.parley.thread_screen()
        thread.show_conversation(conversation_id, **options)
        self.app.push_screen(thread)

    def action_reply(self) -> None:
        row = self.conversations.current
        if row is not None:
            self._open(row.id, reply=True)

    def action_profile(self) -> None:
        row = self.conversations.current
        if row is not None:
            self._open(row.id, profile=True)

    def on_conversation_list_failed(self, event: ConversationList.Failed) -> None:
        if self.search_query is not None:
            search = self.query_one(SearchBox)
            search.add_class("-open")
            search.show_error(event.sentence)
        else:
            self.app.notify(event.sentence, severity="error")

    # ------------------------------------------------------------------ search

    def action_search(self) -> None:
        self.query_one(SearchBox).open()

    def on_search_box_submitted(self, event: SearchBox.Submitted) -> None:
        box = self.query_one(SearchBox)
        if not event.query:
            self._close_search()
            return
        try:
            self.mailbox.check_query(event.query)
        except BadInput as exc:
            box.show_error(str(exc))
            return
        box.show_error(None)
        self.search_query = event.query
        self.conversations.selected.clear()
        self.query_one(FilterBar).show(self.filter_name, searching=self.search_query)
        self.conversations.show(self.filter_name, self.search_query, None)
        self.conversations.focus()

    def on_search_box_closed(self, event: SearchBox.Closed) -> None:
        self._close_search()

    def _close_search(self) -> None:
        self.query_one(SearchBox).close()
        if self.search_query is not None:
            self.action_filter(self.filter_name)
        self.conversations.focus()

    def action_back(self) -> None:
        if self.conversations.selected:
            self.conversations.set_selected(set())
            self.status.show_note("")
        elif self.search_query is not None or self.query_one(SearchBox).is_open:
            self._close_search()

    # ------------------------------------------------------------------ triage

    def action_select(self) -> None:
        self.conversations.toggle_selected()
        self.conversations.action_move_down()
        self._note_selection()

    def action_select_all(self) -> None:
        mailbox, filter_name, query = self.mailbox, self.conversations.filter_name, self.search_query

        def chosen(ids: list[int]) -> None:
            self.conversations.set_selected(set(ids))
            self._note_selection()

        self.in_thread(lambda: mailbox.conversation_ids(filter_name, query), then=chosen)

    def _note_selection(self) -> None:
        count = len(self.conversations.selected)
        self.status.show_note(f"{count} selected" if count else "")

    def _targets(self) -> list[int]:
        if self.conversations.selected:
            return sorted(self.conversations.selected)
        row = self.conversations.current
        return [row.id] if row else []

    def _act(self, action: str, ids: list[int] | None = None) -> None:
        ids = ids if ids is not None else self._targets()
        if not ids:
            return
        mailbox = self.mailbox

        def done(token) -> None:
            if action in ("archive", "delete"):
                self.parley.remember_undo(action, token, len(ids))
            self.conversations.set_selected(set())
            self.status.show_note(done_sentence(action, len(ids)))
            self.refresh_from_store()

        self.in_thread(lambda: mailbox.apply(action, ids), then=done)

    def action_archive(self) -> None:
        row = self.conversations.current
        unarchive = self.filter_name == "archived" or (
            not self.conversations.selected and row is not None and row.archived)
        self._act("unarchive" if unarchive else "archive")

    def action_delete(self) -> None:
        self._act("delete")

    def action_mute(self) -> None:
        row = self.conversations.current
        self._act("unmute" if row is not None and row.muted else "mute")

    def action_star(self) -> None:
        row = self.conversations.current
        unstar = self.filter_name == "starred" or (row is not None and row.starred)
        self._act("unstar" if unstar else "star")

    def action_toggle_read(self) -> None:
        row = self.conversations.current
        self._act("read" if row is not None and row.unread else "unread")

    def action_report(self) -> None:
        row = self.conversations.current
        in_spam = self.filter_name == "spam" or (row is not None and row.spam and not self.conversations.selected)
        if in_spam:
            self._act("not-spam")
        elif self.conversations.selected:
            self._act("spam")
        elif row is not None:
            self.parley.report_conversation(row.id, self.refresh_from_store)

    def action_undo(self) -> None:
        def undone() -> None:
            self.status.show_note("")
            self.refresh_from_store()

        self.parley.undo_last(undone)
