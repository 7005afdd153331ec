"""The Parley app: who is acting, the screens, global keys, live updates, the palette.

The app owns the acting member's `Mailbox` and hands it to its screens: they reach
the core through it alone. Start-up stays lean: the core loads on first use, inside
thread workers, so the first page of the inbox is painted soon after Textual itself
is ready.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from app.core.views import DraftView, MemberView
from app.ui.changes import AccessEnded, SettingsChanged, StoreChanged
from app.ui.keymap import APP_BINDINGS, BINDING_IDS, PALETTE_ACTIONS, key_collisions, keymap_from_config
from app.ui.mailbox import Mailbox, failure_sentence
from app.ui.styles import styles_dir
from app.ui.text import choose_glyphs, use_glyphs
from app.ui.undo import UndoHistory, undone_sentence
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.status_line import StatusLine
from app.ui.widgets.work import RunsWork, WorkFailed

if TYPE_CHECKING:
    from app.config import Config
    from app.ui.screens.thread import ThreadScreen

POLL_SECONDS = 0.5
# A new message's notice keeps this much of its preview, so that "o opens it" stays in sight.
NEWS_PREVIEW = 40
EXIT_ON_FIRST_PAINT = "PARLEY_EXIT_ON_FIRST_PAINT"
# Seconds after the first page is shown, and at the latest after the app mounts (an empty
# store, a store that does not answer), when the garbage collector, off while it starts, is on.
GC_BACK_AFTER_FIRST_PAGE = 0.5
GC_BACK_AFTER = 2.0

# What a newcomer can do first: every one of these commands creates a store.
FIRST_STEPS = "Run `parley demo` to explore, or `parley import linkedin EXPORT.zip`, or `parley member add …`."
GETTING_STARTED = f"No members yet. {FIRST_STEPS}"


class ActionsProvider(Provider):
    """Every Parley action bound on the current screen, by its description, with its key."""

    def _actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Each action once (by its name): the bound ones with their key, then those without a key."""
        app = self.app
        found: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Parley's own actions only: not the text boxes' cursor keys and the like.
            if not active.enabled or binding.id not in BINDING_IDS or binding.action == "command_palette":
                continue
            if binding.description in seen:
                continue
            seen.add(binding.description)
            key = app.get_key_display(binding)
            found.append((binding.description, f"key: {key}", partial(app.run_action, binding.action, active.node)))
        for action in PALETTE_ACTIONS:
            target = self.screen if hasattr(self.screen, action.method) else app
            if action.description in seen or not hasattr(target, action.method) or not app.check_action(
                    action.action.partition("(")[0], ()):
                continue
            seen.add(action.description)
            found.append((action.description, "no key", partial(app.run_action, action.action, target)))
        return found

    async def discover(self) -> Hits:
        for name, key, run in self._actions():
            yield DiscoveryHit(name, run, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, key, run in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=key)


class GettingStartedScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [APP_BINDINGS[0]]

    def compose(self) -> ComposeResult:
        yield Static(GETTING_STARTED, id="getting-started", markup=False)
        yield Footer()


class ParleyApp(RunsWork, App):
    TITLE = "Parley"
    CSS_PATH = [styles_dir() / "app.tcss", styles_dir() / "inbox.tcss", styles_dir() / "thread.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]
    COMMANDS = App.COMMANDS | {ActionsProvider}

    def __init__(self, member: MemberView | None, settings: dict[str, bool] | None = None,
                 config: Config | Mapping[str, Any] | None = None, *, live: bool = True,
                 exit_on_first_paint: bool = False) -> None:
        super().__init__()
        self.member = member
        self.mailbox = Mailbox(member) if member is not None else None
        self.settings = settings or {}
        self.config: Config | Mapping[str, Any] = config or {}
        self.live = live
        self.exit_on_first_paint = exit_on_first_paint
        self.undo_history = UndoHistory()
        self.newest_news: int | None = None  # the conversation of the newest message notice (o opens it)
        self._stop_watching = threading.Event()
        self._switching_to: int | None = None  # the inbox a switch is under way to (switch_inbox)
        use_glyphs(choose_glyphs(self.config.get("glyphs")))

    def on_mount(self) -> None:
        keymap, unknown = keymap_from_config(self.config)
        if keymap:
            self.set_keymap(keymap)
        if unknown:
            self.notify(f"The config's [keys] table names unknown actions: {', '.join(unknown)}.",
                        severity="warning", markup=False)
        for sentence in key_collisions(keymap):
            self.notify(sentence, severity="warning", markup=False)
        # Whatever the first screen, the garbage collector is on again soon (see above).
        self.set_timer(GC_BACK_AFTER, gc.enable)
        if self.mailbox is None:
            self.push_screen(GettingStartedScreen())
            if self.exit_on_first_paint:
                self.call_after_refresh(self.exit)
            return
        from app.ui.screens.inbox import InboxScreen

        self.push_screen(InboxScreen(self.mailbox, self.settings))
        if not self.exit_on_first_paint:
            # Due grants, expiries and reminders; the watcher then shows what changed.
            self.in_thread(self.mailbox.settle, group="settle")
            if self.live:
                self._watch(self.mailbox)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a member (an empty store) there is nobody to compose or configure for.
        needs_member = ("compose", "settings", "plan_and_credits", "blocked_members", "invitations", "audit")
        if action in needs_member and self.mailbox is None:
            return False
        # A delegate works in another member's conversations, not in their settings or network.
        own_only = ("settings", "plan_and_credits", "blocked_members", "invitations")
        if action in own_only and self.mailbox is not None and self.mailbox.delegate_id is not None:
            return False
        if action == "open_news" and self.newest_news is None:
            return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Quit is Parley's own action in the palette (with its key): listed once.
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    @property
    def acting(self) -> Mailbox:
        """The acting member's mailbox, for the screens and actions that exist only when there
        is a member (check_action keeps compose and settings from an empty store)."""
        assert self.mailbox is not None
        return self.mailbox

    def on_unmount(self) -> None:
        self._stop_watching.set()

    def on_conversation_list_first_page(self, event: ConversationList.FirstPage) -> None:
        # Started without the garbage collector (app.cli.run): its catch-up waits until the first
        # page has been on screen a moment.
        self.set_timer(GC_BACK_AFTER_FIRST_PAGE, gc.enable)
        if self.exit_on_first_paint:
            self.exit()

    # ------------------------------------------------------------------ notices

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """One notice at a time, taken literally, that never covers the list: on a screen
        with a status line it is the line's note; elsewhere one toast replaces the last."""
        text = f"{title}: {message}" if title else message
        if severity == "error" and self.mailbox is not None and self.mailbox.refused_here(message):
            # Access ended before the watch could tell: back to one's own inbox, saying why.
            self.switch_inbox(self.mailbox.own(), message)
            return
        lines = self.screen.query(StatusLine)
        if lines:
            lines.first().show_note(text, error=severity == "error", lasting=False)
            return
        self.clear_notifications()
        super().notify(text, severity=severity, timeout=timeout, markup=False)

    # ------------------------------------------------------------------ live

    @work(thread=True, group="live", exclusive=True)
    def _watch(self, mailbox: Mailbox) -> None:
        worker = get_current_worker()
        started = mailbox.now() - timedelta(seconds=2)
        newest_seen: dict[int, int] = {}
        try:
            mine = mailbox.mine()
            with mailbox.watcher() as watcher:
                while not worker.is_cancelled and not self._stop_watching.is_set():
                    try:
                        changed = watcher.poll()
                        if changed is None or worker.is_cancelled:
                            pass
                        elif mailbox.delegate_id is not None and not mailbox.may_work_here():
                            # The delegate was removed: their access ends now, not at their next write.
                            self.post_message(AccessEnded(mailbox.member_id))
                            return
                        else:
                            news = self._news(mailbox, changed, started, newest_seen)
                            assigned, mine = self._assigned(mailbox, changed, mine)
                            self.post_message(StoreChanged(changed, news, assigned))
                    except Exception as exc:
                        if failure_sentence(exc) is None:
                            raise
                        # A busy store: look again at the next poll.
                    self._stop_watching.wait(POLL_SECONDS)
        except Exception as exc:
            sentence = failure_sentence(exc)
            if sentence is None:
                raise
            self.post_message(WorkFailed(self.show_failure, f"Live updates stopped. {sentence}"))

    @staticmethod
    def _assigned(mailbox: Mailbox, changed: set[int], mine: set[int]) -> tuple[list, set[int]]:
        """The conversations someone else has just assigned to whoever is at the keyboard, and
        all that are theirs now."""
        if not changed:
            return [], mine
        now_mine = mailbox.mine()
        return mailbox.assigned_by_others(now_mine - mine), now_mine

    @staticmethod
    def _news(mailbox: Mailbox, changed: set[int], started, newest_seen: dict[int, int]) -> list:
        """The changed conversations whose newest message is someone else's, new, and
        worth a notification (unread, not muted, not spam)."""
        member_id = mailbox.member_id
        news = []
        for row, message in mailbox.newest_messages(changed):
            fresh = message.id > newest_seen.get(row.id, -1) and (
                row.id in newest_seen or message.at >= started)
            newest_seen[row.id] = message.id
            if (fresh and message.sender_id != member_id and not message.recalled
                    and row.unread and not row.muted and not row.spam):
                news.append(row)
        return news

    def on_store_changed(self, event: StoreChanged) -> None:
        for screen in self.screen_stack:
            screen.post_message(StoreChanged(event.conversation_ids))
        showing_thread = self.is_screen_installed("thread") and self.screen is self.get_screen("thread")
        open_thread = self.thread_screen().conversation_id if showing_thread else None
        news = [row for row in event.news if row.id != open_thread]
        if news:
            self.newest_news = news[0].id
        if news and self.settings.get("notifications", True):
            from app.ui.text import literal

            # One notice for the lot: the newest conversation, and how many more there are.
            row = news[0]
            more = f" (+{len(news) - 1} more)" if len(news) > 1 else ""
            preview = literal(row.preview, one_line=True)
            if len(preview) > NEWS_PREVIEW:
                preview = preview[:NEWS_PREVIEW - 1] + "…"
            self.notify(f"{preview}{more} · o opens it", title=literal(row.title, one_line=True))
            self.bell()
        if news and self.settings.get("desktop-notifications", False):
            self.notify_desktop(news[0].title, news[0].preview)
        if event.assigned and not news:
            self._notify_assigned(event.assigned)

    def _notify_assigned(self, assigned: list) -> None:
        """Someone else gave the person at the keyboard a conversation: told like a new message."""
        from app.ui.text import literal

        row = assigned[0]
        self.newest_news = row.id
        if self.settings.get("notifications", True):
            more = f" (+{len(assigned) - 1} more)" if len(assigned) > 1 else ""
            self.notify(f"{literal(row.title, one_line=True)}{more} · o opens it", title="Assigned to you")
            self.bell()
        if self.settings.get("desktop-notifications", False):
            self.notify_desktop("Assigned to you", row.title)

    def notify_desktop(self, title: str, body: str) -> None:
        """A desktop notification, through the terminal (off by default; never for muted ones,
        which are not news)."""
        from app.ui.desktop import notification

        if not self.is_headless and self._driver is not None:
            self._driver.write(notification(title, body))

    def action_open_news(self) -> None:
        """Open the conversation of the newest message notice."""
        if self.newest_news is None or self.mailbox is None:
            return
        conversation_id, self.newest_news = self.newest_news, None
        self.open_conversation(conversation_id)

    def open_conversation(self, conversation_id: int) -> None:
        thread = self.thread_screen()
        thread.show_conversation(conversation_id)
        if self.screen is not thread:
            self.push_screen(thread)

    # ------------------------------------------------------------------ a shared inbox

    def switch_inbox(self, mailbox: Mailbox, notice: str | None = None) -> None:
        """Work in another inbox (or one's own again): its list, counts, filters and live changes.
        What was open in the inbox left behind closes; its undo steps go with it."""
        from app.ui.screens.inbox import InboxScreen

        if self._switching_to == mailbox.member_id:
            # Already on the way there: a delegate whose access ends hears it from the watch and
            # from a refused write at once, and the first says why. Two switches popping the
            # same screens would pop one too many.
            return
        self._switching_to = mailbox.member_id

        async def enter() -> None:
            try:
                while len(self.screen_stack) > 2:
                    await self.pop_screen()
                if self.is_screen_installed("thread"):
                    self.uninstall_screen("thread")
                self.mailbox = mailbox
                self.undo_history = UndoHistory()
                self.newest_news = None
                await self.switch_screen(InboxScreen(mailbox, self.settings))
                self.reload_settings()  # Focused Inbox is the inbox's own setting
                if self.live:
                    self._watch(mailbox)
                if notice:
                    self.notify(notice, severity="warning")
            finally:
                self._switching_to = None

        self.run_worker(enter(), group="switch-inbox", exclusive=True)

    def on_access_ended(self, event: AccessEnded) -> None:
        from app.ui.text import possessive

        mailbox = self.acting
        if mailbox.delegate_id is not None and mailbox.member_id == event.inbox_id:
            self.switch_inbox(mailbox.own(), f"You can no longer work in {possessive(mailbox.member.name)} inbox.")

    def choose_inbox(self) -> None:
        """Offer the inboxes the person at the keyboard works in, then move to the chosen one."""
        from app.ui.screens.team_pickers import InboxPicker

        mailbox = self.acting

        def loaded(inboxes: list[MemberView]) -> None:
            def chosen(handle: str | None) -> None:
                inbox = next((inbox for inbox in inboxes if inbox.handle == handle), None)
                if inbox is not None and inbox.id != mailbox.member_id:
                    self.switch_inbox(mailbox.in_inbox(inbox))

            self.push_screen(InboxPicker(inboxes, mailbox.member_id), chosen)

        self.in_thread(mailbox.inboxes, then=loaded, group="inboxes", exclusive=True)

    def assign(self, conversation_ids: list[int], then: Callable[[], None]) -> None:
        """Ask whom of the team, then assign the conversations; `then` once done."""
        from app.ui.screens.team_pickers import NOBODY, AssignPicker
        from app.ui.text import literal

        mailbox = self.acting

        def loaded(people: list[MemberView]) -> None:
            if len(people) < 2:
                self.notify("Only a shared inbox assigns conversations: add a delegate to it first.")
                return

            def chosen(handle: str | None) -> None:
                if handle is None:
                    return

                def assigned(member: MemberView | None) -> None:
                    many = f" {len(conversation_ids)} conversations" if len(conversation_ids) > 1 else ""
                    if member is None:
                        self.notify(f"Unassigned{many}.")
                    else:
                        self.notify(f"Assigned{many} to {literal(member.name, one_line=True)}.")
                    then()

                self.in_thread(lambda: mailbox.assign(conversation_ids, None if handle == NOBODY else handle),
                               then=assigned, group="assign")

            self.push_screen(AssignPicker(people, mailbox.author_id, len(conversation_ids)), chosen)

        if conversation_ids:
            self.in_thread(mailbox.team, then=loaded, group="team", exclusive=True)

    def action_invitations(self) -> None:
        from app.ui.screens.invitations import InvitationsScreen

        self.push_screen(InvitationsScreen(self.acting))

    def invite(self, handle: str, name: str, then: Callable[[], None] | None = None) -> None:
        """Ask for a note, then invite the member to connect."""
        from app.ui.screens.invitations import InviteDialog

        def sent(invitation) -> None:
            if invitation is None:
                return
            from app.ui.text import literal

            self.notify(f"Invited {literal(invitation.name, one_line=True)} to connect.", markup=False)
            if then is not None:
                then()

        self.push_screen(InviteDialog(self.acting, handle, name), sent)

    def reload_settings(self) -> None:
        """Read the member's settings again (another connection may have changed them)."""
        self.in_thread(self.acting.settings, then=lambda settings: self.post_message(SettingsChanged(settings)),
                       group="settings", exclusive=True)

    def on_settings_changed(self, event: SettingsChanged) -> None:
        self.settings = event.settings
        for screen in self.screen_stack:
            screen.post_message(SettingsChanged(event.settings))

    # ------------------------------------------------------------------ shared actions

    def remember_undo(self, token: Any) -> int:
        """Keep a triage step for `z`; how many conversations it changed."""
        return self.undo_history.record(token)

    def undo_last(self, then: Callable[[], None]) -> None:
        """Undo the newest step, then call `then` (also when there is nothing to undo)."""
        token = self.undo_history.take()
        # `then` may redraw the screen's status line: the notice comes after it.
        if token is None:
            then()
            self.notify("Nothing to undo.")
            return
        mailbox = self.acting

        def undone(_) -> None:
            then()
            self.notify(undone_sentence(token.action, len(token.previous)))

        def failed(sentence: str) -> None:
            self.show_failure(sentence)
            then()

        self.in_thread(lambda: mailbox.undo(token), then=undone, failed=failed, group="undo")

    def report_conversation(self, conversation_id: int, then: Callable[[], None]) -> None:
        """Ask why (the Report dialog), then report: Spam, and the sender is blocked."""
        from app.ui.screens.report import ReportDialog

        mailbox = self.acting

        def chosen(reason: str | None) -> None:
            if not reason:
                return

            def reported(_) -> None:
                self.notify("Reported: moved to Spam, and the sender is blocked.")
                then()

            self.in_thread(lambda: mailbox.report(conversation_id, reason), then=reported, group="report")

        self.push_screen(ReportDialog(mailbox.report_reasons()), chosen)

    def thread_screen(self) -> ThreadScreen:
        """The one thread screen, built on first use and kept for every conversation."""
        from app.ui.screens.thread import ThreadScreen

        if not self.is_screen_installed("thread"):
            self.install_screen(ThreadScreen(self.acting), "thread")
        return self.get_screen("thread", ThreadScreen)

    def action_compose(self) -> None:
        self.open_compose()

    def open_compose(self, draft: DraftView | None = None) -> None:
        from app.ui.screens.compose import ComposeScreen

        def sent(result) -> None:
            if result is not None:
                self.notify("Sent.")
                self.post_message(StoreChanged({result.conversation}))

        self.push_screen(ComposeScreen(self.acting, draft=draft), sent)

    def reopen_draft(self, draft_id: int) -> None:
        """Open a draft where it was written: Compose with its fields, or its thread with the reply."""
        mailbox = self.acting

        def found(draft: DraftView) -> None:
            if draft.conversation_id is None:
                self.open_compose(draft)
                return
            thread = self.thread_screen()
            thread.show_conversation(draft.conversation_id, reply=True)
            self.push_screen(thread)

        self.in_thread(lambda: mailbox.draft(draft_id), then=found, group="draft")

    def action_settings(self, tab: str = "toggles") -> None:
        from app.ui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(self.acting, tab))

    def action_plan_and_credits(self) -> None:
        self.action_settings("plan")

    def action_blocked_members(self) -> None:
        self.action_settings("blocked")

    def action_audit(self) -> None:
        """Who did what in the whole inbox."""
        from app.ui.screens.team_thread import AuditScreen

        self.push_screen(AuditScreen(self.acting))

    def action_help(self) -> None:
        from app.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def run_app(target: str | None, as_handle: str | None) -> int:
    """Open the TUI on a store as a member (--as, then the config's "as", then "me")."""
    from app.config import ConfigError, load_config
    from app.core.errors import ParleyError
    from app.store.db import open_store
    from app.store.errors import NoStore, StoreError

    try:
        config = load_config()
        # Only the commands that make a store make one: opening the screens on a mistyped
        # path must not leave an empty store behind.
        store = open_store(target, create=False)
    except NoStore as exc:
        print(f"{exc} {FIRST_STEPS}", file=sys.stderr)
        return 2
    except (ConfigError, StoreError) as exc:
        print(str(exc), file=sys.stderr)
        return 2  # bad input, as for every other command (SPEC §9)
    try:
        handle = as_handle or config.get("as") or "me"
        try:
            mailbox = Mailbox.acting(handle)
            settings = mailbox.settings() if mailbox is not None else {}
        except ParleyError as exc:
            print(f"{exc} Choose who you are with --as HANDLE (parley member list shows them).",
                  file=sys.stderr)
            return 2
        except Exception as exc:
            sentence = failure_sentence(exc)
            if sentence is None:
                raise
            print(sentence, file=sys.stderr)
            return 2
        app = ParleyApp(mailbox.member if mailbox is not None else None, settings, config,
                        exit_on_first_paint=os.environ.get(EXIT_ON_FIRST_PAINT) == "1")
        app.run()
        return app.return_code or 0
    finally:
        store.close()
