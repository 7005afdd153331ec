"""The inbox: filters with counts, the conversation list, search, triage, status."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from app.core.errors import BadInput
from app.core.views import DRAFTS, TEAM_FILTERS, Counts, CreditsView
from app.ui.changes import SettingsChanged, StoreChanged
from app.ui.keymap import INBOX_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.undo import TriageSteps, done_sentence
from app.ui.widgets.conversation_list import ONE_LINE, ConversationList
from app.ui.widgets.filter_bar import FilterBar
from app.ui.widgets.search_box import SearchBox
from app.ui.widgets.status_line import StatusLine
from app.ui.widgets.work import RunsWork

if TYPE_CHECKING:
    from app.store.backend import Signals
    from app.ui.app import ParleyApp

# How often the list looks for the conversations a teammate has open (in a shared inbox).
TEAMMATES_POLL = 1.0

class InboxScreen(RunsWork, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [*INBOX_BINDINGS]

    def __init__(self, mailbox: Mailbox, settings: dict[str, bool]) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.settings = settings
        self.filter_name = "all"
        self.search_query: str | None = None
        self.found: int | None = None  # how many conversations the search found
        self.counts: Counts | None = None
        # Where the cursor stood when a search began: escape puts it back there.
        self._before_search: tuple[int, int | None] = (0, None)
        self.steps = TriageSteps()
        self._counts_shown = True
        self._teammates_heard: Signals | None = None
        self.shared = False  # the inbox has delegates: Mine, Unassigned and assigning

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filters")
        yield SearchBox(id="search")
        yield ConversationList(self.mailbox, density=self.parley.config.get("list", ONE_LINE), id="conversations")
        yield StatusLine(self.mailbox.member, author=self.mailbox.author, id="status")

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
        self._watch_teammates()

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

    # ------------------------------------------------------------------ teammates on it

    def _watch_teammates(self) -> None:
        """In a shared inbox, mark the rows a teammate has open; alone, nothing to watch."""
        mailbox = self.mailbox

        def listening(signals: Signals | None) -> None:
            if signals is not None:
                self._teammates_heard = signals
                self.set_interval(TEAMMATES_POLL, self._poll_teammates)

        self.in_thread(lambda: mailbox.presence_signals() if mailbox.teammates() else None,
                       then=listening, group="teammates-open")

    def _poll_teammates(self) -> None:
        signals = self._teammates_heard
        if signals is None or self.app.screen is not self:
            return  # a thread over the list: it looks again when shown
        mailbox, shown = self.mailbox, [row.id for row in self.conversations.loaded_rows()]
        self.in_thread(lambda: mailbox.open_by_teammates(shown, signals),
                       then=self.conversations.show_open_by_teammates, group="teammates-poll", exclusive=True)

    def on_unmount(self) -> None:
        signals, self._teammates_heard = self._teammates_heard, None
        if signals is not None:
            signals.close()

    # ------------------------------------------------------------------ loading

    def refresh_counts(self, *, first: bool = False) -> None:
        self._counts_shown = False

        def shown(found: tuple[Counts, bool]) -> None:
            counts, shared = found
            self._counts_shown = True
            self.counts = counts
            if shared != self.shared:
                self.shared = shared
                self.refresh_bindings()
            self.query_one(FilterBar).show(self.filter_name, counts, searching=self.search_query, found=self.found,
                                           shared=shared)
            if not shared and self.filter_name in TEAM_FILTERS:
                self.action_filter("all")
                return
            if first:
                self.conversations.learn_total(counts[self.filter_name])
            elif self.search_query is None:
                self.conversations.reload(counts[self.filter_name])

        def failed(sentence: str) -> None:
            self._counts_shown = True  # the steps waiting for them go on
            self.show_failure(sentence)

        mailbox = self.mailbox
        self.in_thread(lambda: (mailbox.counts(), mailbox.is_shared()), then=shown, failed=failed, group="counts",
                       exclusive=True)

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
            self._count_search(self.conversations.reload)
        self.refresh_credits()

    def _count_search(self, then) -> None:
        """Count the search's results, show the count on the top line, then `then(count)`."""
        mailbox, name, query = self.mailbox, self.filter_name, self.search_query

        def counted(found: int) -> None:
            if query != self.search_query or name != self.filter_name:
                return  # another search or filter since
            self.found = found
            self.query_one(FilterBar).show(name, searching=query, found=found)
            then(found)

        self.in_thread(lambda: mailbox.search_count(name, query), then=counted,
                       failed=self._search_failed, group="search-count", exclusive=True)

    def on_store_changed(self, event: StoreChanged) -> None:
        # Under a thread or Settings the inbox is hidden: it refreshes when shown again.
        stack = self.app.screen_stack
        if self in stack and all(isinstance(screen, ModalScreen) for screen in stack[stack.index(self) + 1:]):
            self.refresh_from_store()

    def on_settings_changed(self, event: SettingsChanged) -> None:
        settings = self.settings = event.settings
        self.query_one(FilterBar).show(self.filter_name, focused_inbox=settings.get("focused-inbox", True),
                                       searching=self.search_query, found=self.found)
        if not settings.get("focused-inbox", True) and self.filter_name in ("focused", "other"):
            self.action_filter("all")

    # ------------------------------------------------------------------ a shared inbox

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Mine, Unassigned and assigning belong to an inbox with a team.
        if action == "filter" and parameters and parameters[0] in TEAM_FILTERS:
            return self.shared
        if action == "assign":
            return self.shared
        return True

    def action_switch_inbox(self) -> None:
        self.parley.choose_inbox()

    def action_assign(self) -> None:
        ids = [] if self._showing_drafts else self._targets()

        def assigned() -> None:
            self.conversations.set_selected(set())
            self.refresh_from_store()

        self.parley.assign(ids, assigned)

    # ------------------------------------------------------------------ moving about

    def action_filter(self, name: str) -> None:
        if not self.settings.get("focused-inbox", True) and name in ("focused", "other"):
            name = "all"
        self.filter_name = name
        self._leave_search()
        self.conversations.selected.clear()
        total = self.counts[name] if self.counts is not None else None
        self.query_one(FilterBar).show(name, searching=None)
        self.conversations.show(name, None, total)
        self.conversations.focus()
        self.status.show_note("")

    def _leave_search(self) -> None:
        self.search_query = None
        self.found = None
        search = self.query_one(SearchBox)
        if search.is_open or search.input.value:
            search.close()

    def action_toggle_density(self) -> None:
        self.conversations.toggle_density()

    def action_next_unread(self) -> None:
        def found(row) -> None:
            if row is None:
                self.app.notify("No unread conversation below this one.")
            else:
                self.show_in_thread(row.id)

        self.conversations.next_unread(found)

    def show_in_thread(self, conversation_id: int) -> None:
        """Open a conversation of this list, from the list or from the thread showing another."""
        self.conversations.read_here.add(conversation_id)
        thread = self.parley.thread_screen()
        if self.app.screen is thread:
            thread.show_conversation(conversation_id)
            thread.open_shown()
        else:
            self._open(conversation_id)

    def open_neighbour(self, step: int) -> bool:
        """The thread's J and K: open the next or previous conversation of this list."""
        return self.conversations.step(step, lambda row: self.show_in_thread(row.id))

    def action_open(self) -> None:
        self.conversations.open_current()

    def on_conversation_list_opened(self, event: ConversationList.Opened) -> None:
        if event.row.kind == "draft":
            self.parley.reopen_draft(event.row.id)
        else:
            self.show_in_thread(event.row.id)

    def _open(self, conversation_id: int, **options) -> None:
        thread = self.parley.thread_screen()
        thread.show_conversation(conversation_id, **options)
        self.app.push_screen(thread)

    def action_reply(self) -> None:
        row = self.conversations.current
        if row is not None and row.kind == "draft":
            self.parley.reopen_draft(row.id)
        elif row is not None:
            self._open(row.id, reply=True)

    def action_profile(self) -> None:
        row = self.conversations.current
        if row is not None and row.kind != "draft":
            self._open(row.id, profile=True)

    def on_conversation_list_failed(self, event: ConversationList.Failed) -> None:
        if self.search_query is not None:
            self._search_failed(event.sentence)
        else:
            self.app.notify(event.sentence, severity="error")

    def _search_failed(self, sentence: str) -> None:
        search = self.query_one(SearchBox)
        search.add_class("-open")
        search.show_error(sentence)

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
        if self.search_query is None:
            row = self.conversations.current
            self._before_search = (self.conversations.cursor, row.id if row else None)
        self.search_query = event.query
        self.found = None
        self.conversations.selected.clear()
        # The top line says what was searched; the box goes until `/` asks for it again.
        box.remove_class("-open")
        self.query_one(FilterBar).show(self.filter_name, searching=self.search_query)
        self.conversations.focus()
        name, query = self.filter_name, self.search_query
        self._count_search(lambda found: self.conversations.show(name, query, found))

    def on_search_box_closed(self, event: SearchBox.Closed) -> None:
        self._close_search()

    def _close_search(self) -> None:
        """Back to the list as it was before the search, the cursor where it stood."""
        searching = self.search_query is not None
        self._leave_search()
        if searching:
            at, row_id = self._before_search
            self.conversations.selected.clear()
            total = self.counts[self.filter_name] if self.counts is not None else None
            self.query_one(FilterBar).show(self.filter_name, searching=None)
            self.conversations.show(self.filter_name, None, total, at=at, row_id=row_id)
        self.conversations.focus()

    def action_back(self) -> None:
        if self.status.note:
            self.status.show_note("")
        if self.conversations.selected:
            self.conversations.set_selected(set())
        elif self.search_query is not None or self.query_one(SearchBox).is_open:
            self._close_search()

    # ------------------------------------------------------------------ triage

    def action_select(self) -> None:
        self.conversations.toggle_selected()
        self.conversations.action_move_down()
        self._note_selection()

    def action_select_all(self) -> None:
        # A step like the triage keys: a key typed right after it acts on the whole selection.
        def step(finished) -> None:
            mailbox, filter_name, query = self.mailbox, self.conversations.filter_name, self.search_query

            def chosen(ids: list[int]) -> None:
                self.conversations.set_selected(set(ids))
                self._note_selection()
                finished()

            def failed(sentence: str) -> None:
                self.show_failure(sentence)
                finished()

            self.in_thread(lambda: mailbox.conversation_ids(filter_name, query), then=chosen, failed=failed)

        self.steps.add(step)

    def _note_selection(self) -> None:
        count = len(self.conversations.selected)
        self.status.show_note(f"{count} selected" if count else "")

    def _targets(self) -> list[int]:
        if self.conversations.selected:
            return sorted(self.conversations.selected)
        row = self.conversations.current
        return [row.id] if row else []

    def _when_shown(self, then) -> None:
        """Call `then` once the counts and the list show the store as it is now."""
        if self._counts_shown and not self.conversations.fetching:
            then()
        else:
            self.set_timer(0.02, lambda: self._when_shown(then))

    def _act(self, action: str, *, toggle: bool = False) -> None:
        """Queue one triage step: it picks its conversations when its turn comes, from the list
        as the steps before it left it (a burst of keys acts on one row after another)."""

        def step(finished) -> None:
            ids = self._targets()
            if not ids:
                finished()
            elif self._showing_drafts:
                self._act_on_drafts(action, ids, finished)
            else:
                self._act_on_conversations(action, ids, toggle, finished)

        self.steps.add(step)

    @property
    def _showing_drafts(self) -> bool:
        return self.filter_name == DRAFTS and self.search_query is None

    def _act_on_drafts(self, action: str, ids: list[int], finished) -> None:
        """Drafts are opened or deleted; a deleted draft is gone (it is not a conversation)."""
        if action != "delete":
            self.status.show_note("A draft is opened with enter or deleted with d.")
            finished()
            return
        mailbox = self.mailbox

        def done(_) -> None:
            self.conversations.set_selected(set())
            self.app.notify("Deleted the draft." if len(ids) == 1 else f"Deleted {len(ids)} drafts.")
            self.refresh_from_store()
            self._when_shown(finished)

        def failed(sentence: str) -> None:
            self.show_failure(sentence)
            finished()

        self.in_thread(lambda: mailbox.delete_drafts(ids), then=done, failed=failed, group="triage")

    def _act_on_conversations(self, action: str, ids: list[int], toggle: bool, finished) -> None:
        mailbox = self.mailbox
        work = (lambda: mailbox.toggle(action, ids)) if toggle else (lambda: mailbox.apply(action, ids))

        def done(token) -> None:
            changed = self.parley.remember_undo(token)
            self.conversations.set_selected(set())
            self.app.notify(done_sentence(token.action, changed))
            self.refresh_from_store()
            self._when_shown(finished)

        def failed(sentence: str) -> None:
            self.show_failure(sentence)
            finished()

        self.in_thread(work, then=done, failed=failed, group="triage")

    def action_archive(self) -> None:
        if self.filter_name == "archived":
            self._act("unarchive")
        else:
            self._act("archive", toggle=True)

    def action_delete(self) -> None:
        self._act("delete")

    def action_mute(self) -> None:
        self._act("mute", toggle=True)

    def action_star(self) -> None:
        if self.filter_name == "starred":
            self._act("unstar")
        else:
            self._act("star", toggle=True)

    def action_toggle_read(self) -> None:
        self._act("read", toggle=True)

    def action_mark_read(self) -> None:
        self._act("read")

    def action_mark_unread(self) -> None:
        self._act("unread")

    def action_mark_spam(self) -> None:
        self._act("spam")

    def action_not_spam(self) -> None:
        self._act("not-spam")

    def action_report(self) -> None:
        if self._showing_drafts:
            self._act("spam")
            return
        row = self.conversations.current
        in_spam = self.filter_name == "spam" or (row is not None and row.spam and not self.conversations.selected)
        if in_spam:
            self._act("not-spam")
        elif self.conversations.selected:
            self._act("spam")
        elif row is not None:
            self.parley.report_conversation(row.id, self.refresh_from_store)

    def action_block_sender(self, blocking: bool) -> None:
        row = self.conversations.current
        if row is None or row.kind == "draft":
            return
        mailbox, conversation_id = self.mailbox, row.id
        self.in_thread(lambda: mailbox.block_sender(conversation_id, blocking), then=self.status.show_note)

    def action_undo(self) -> None:
        def step(finished) -> None:
            def undone() -> None:
                self.status.show_note("")
                self.refresh_from_store()
                self._when_shown(finished)

            self.parley.undo_last(undone)

        self.steps.add(step)
