"""The Parley app: who is acting, the screens, global keys, live updates, the palette.

Start-up stays lean: the core modules that screens need are imported where they
are first used (mostly inside thread workers), so the first page of the inbox is
painted soon after Textual itself is ready.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Callable

from textual import work
from textual.app import App, ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from app.core.views import MemberView
from app.ui.keymap import APP_BINDINGS, BINDING_IDS, keymap_from_config
from app.ui.text import choose_glyphs, use_glyphs
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.work import RunsWork

POLL_SECONDS = 0.5
EXIT_ON_FIRST_PAINT = "PARLEY_EXIT_ON_FIRST_PAINT"

GETTING_STARTED = (
    "No members yet. Run `parley demo` to explore, or `parley import linkedin EXPORT.zip`, "
    "or `parley member add …`."
)


def styles_dir() -> Path:
    """Stylesheets ship as the package app.styles; in a source checkout they sit in styles/."""
    try:
        import app.styles as shipped

        return Path(shipped.__file__).parent
    except ImportError:
        return Path(__file__).resolve().parents[2] / "styles"


class StoreChanged(Message):
    """Another connection changed these conversations (an empty set: something else)."""

    def __init__(self, conversation_ids: set[int], news: list) -> None:
        super().__init__()
        self.conversation_ids = conversation_ids
        self.news = news


class ActionsProvider(Provider):
    """Every Parley action bound on the current screen, by its description, with its key."""

    def _actions(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        found: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Parley's own actions only: not the text boxes' cursor keys and the like.
            if not active.enabled or binding.id not in BINDING_IDS or binding.action == "command_palette":
                continue
            ident = binding.id or binding.action
            if ident in seen:
                continue
            seen.add(ident)
            key = app.get_key_display(binding)
            found.append((binding.description, key, partial(app.run_action, binding.action, active.node)))
        return found

    async def discover(self) -> Hits:
        for name, key, run in self._actions():
            yield DiscoveryHit(name, run, help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, key, run in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=f"key: {key}")


class GettingStartedScreen(Screen):
    BINDINGS = [APP_BINDINGS[0]]

    def compose(self) -> ComposeResult:
        yield Static(GETTING_STARTED, id="getting-started", markup=False)
        yield Footer()


class ParleyApp(RunsWork, App):
    TITLE = "Parley"
    CSS_PATH = [styles_dir() / "app.tcss", styles_dir() / "inbox.tcss", styles_dir() / "thread.tcss"]
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {ActionsProvider}

    def __init__(self, member: MemberView | None, settings: dict[str, bool] | None = None,
                 config: dict[str, Any] | None = None, *, live: bool = True,
                 exit_on_first_paint: bool = False) -> None:
        super().__init__()
        self.member = member
        self.settings = settings or {}
        self.config = config or {}
        self.live = live
        self.exit_on_first_paint = exit_on_first_paint
        self.undo_stack: list[tuple[str, Any, int]] = []
        self._stop_watching = threading.Event()
        use_glyphs(choose_glyphs(self.config.get("glyphs")))

    def on_mount(self) -> None:
        keymap, unknown = keymap_from_config(self.config)
        if keymap:
            self.set_keymap(keymap)
        if unknown:
            self.notify(f"The config's [keys] table names unknown actions: {', '.join(unknown)}.",
                        severity="warning")
        if self.member is None:
            self.push_screen(GettingStartedScreen())
            if self.exit_on_first_paint:
                self.call_after_refresh(self.exit)
            return
        from app.ui.screens.inbox import InboxScreen

        self.push_screen(InboxScreen(self.member, self.settings))
        if not self.exit_on_first_paint:
            self._settle()
            if self.live:
                self._watch()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a member (an empty store) there is nobody to compose or configure for.
        if action in ("compose", "settings") and self.member is None:
            return False
        return True

    def on_unmount(self) -> None:
        self._stop_watching.set()

    def on_conversation_list_first_page(self, event: ConversationList.FirstPage) -> None:
        if self.exit_on_first_paint:
            self.exit()

    # ------------------------------------------------------------------ live

    @work(thread=True, group="settle", exit_on_error=False)
    def _settle(self) -> None:
        """Apply due grants, expiries and reminders; the watcher then shows what changed."""
        from app.core import credits

        credits.settle()

    @work(thread=True, group="live", exclusive=True)
    def _watch(self) -> None:
        from peewee import OperationalError

        from app.core import clock
        from app.store.errors import StoreError
        from app.store.live import ChangeWatcher

        worker = get_current_worker()
        started = clock.now() - timedelta(seconds=2)
        newest_seen: dict[int, int] = {}
        with ChangeWatcher(self.member.id) as watcher:
            while not worker.is_cancelled and not self._stop_watching.is_set():
                try:
                    changed = watcher.poll()
                    if changed is not None:
                        news = self._news(changed, started, newest_seen)
                        self.post_message(StoreChanged(changed, news))
                except (OperationalError, StoreError):
                    pass  # a busy store: look again at the next poll
                self._stop_watching.wait(POLL_SECONDS)

    def _news(self, changed: set[int], started, newest_seen: dict[int, int]) -> list:
        """The changed conversations whose newest message is someone else's, new, and
        worth a notification (unread, not muted, not spam)."""
        from app.core import inbox

        member_id = self.member.id
        news = []
        for row in inbox.rows_for(member_id, sorted(changed)):
            latest = inbox.messages(member_id, row.id, limit=1)
            if not latest:
                continue
            message = latest[-1]
            fresh = message.id > newest_seen.get(row.id, -1) and (
                row.id in newest_seen or message.at >= started)
            newest_seen[row.id] = message.id
            if (fresh and message.sender_id != member_id and not message.recalled
                    and row.unread and not row.muted and not row.spam):
                news.append(row)
        return news

    def on_store_changed(self, event: StoreChanged) -> None:
        for screen in reversed(self.screen_stack):
            if hasattr(screen, "store_changed"):
                screen.store_changed(event.conversation_ids)
                break
        open_thread = getattr(self.screen, "conversation_id", None)
        news = [row for row in event.news if row.id != open_thread]
        if news and self.settings.get("notifications", True):
            from app.ui.text import literal

            for row in news[:3]:
                self.notify(literal(row.preview, one_line=True), title=literal(row.title, one_line=True),
                            markup=False)
            self.bell()

    def reload_settings(self, then: Callable[[dict[str, bool]], None] | None = None) -> None:
        from app.core import members

        member_id = self.member.id

        def loaded(settings: dict[str, bool]) -> None:
            self.settings = settings
            if then is not None:
                then(settings)

        self.in_thread(lambda: members.get_settings(member_id), then=loaded, group="settings",
                       exclusive=True)

    # ------------------------------------------------------------------ shared actions

    def remember_undo(self, action: str, token: Any, count: int) -> None:
        self.undo_stack.append((action, token, count))

    def undo_last(self, then: Callable[[], None]) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        from app.core import moderation

        action, token, count = self.undo_stack.pop()
        member_id = self.member.id

        def undone(_) -> None:
            what = "conversation" if count == 1 else "conversations"
            verb = "Unarchived" if action == "archive" else "Restored"
            self.notify(f"{verb} {count} {what}.")
            then()

        self.in_thread(lambda: moderation.undo(member_id, token), then=undone, group="undo")

    def report_conversation(self, conversation_id: int, then: Callable[[], None]) -> None:
        """Ask why (the Report dialog), then report: Spam, and the sender is blocked."""
        from app.ui.screens.report import ReportDialog

        def chosen(reason: str | None) -> None:
            if not reason:
                return
            from app.core import moderation

            member_id = self.member.id

            def reported(_) -> None:
                self.notify("Reported: moved to Spam, and the sender is blocked.")
                then()

            self.in_thread(lambda: moderation.report(member_id, conversation_id, reason),
                           then=reported, group="report")

        self.push_screen(ReportDialog(), chosen)

    def thread_screen(self):
        """The one thread screen, built on first use and kept for every conversation."""
        from app.ui.screens.thread import ThreadScreen

        if not self.is_screen_installed("thread"):
            self.install_screen(ThreadScreen(self.member), "thread")
        return self.get_screen("thread")

    def action_compose(self) -> None:
        from app.ui.screens.compose import ComposeScreen

        def sent(result) -> None:
            if result is not None:
                self.notify("Sent.")
                self._refresh_current()

        self.push_screen(ComposeScreen(self.member.id), sent)

    def _refresh_current(self) -> None:
        for screen in reversed(self.screen_stack):
            refresh = getattr(screen, "refresh_from_store", None) or getattr(screen, "refresh_tail", None)
            if refresh is not None:
                refresh()
                return

    def action_settings(self) -> None:
        from app.ui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(self.member.id))

    def action_help(self) -> None:
        from app.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())


def _acting_member(handle: str):
    """The acting member's view, None for an empty store; NotFound when the handle is unknown."""
    from app.core import members
    from app.core.errors import NotFound

    try:
        return members.member_view(members.member_by_handle(handle))
    except NotFound:
        if not members.list_members():
            return None
        raise


def run_app(target: str | None, as_handle: str | None) -> int:
    """Open the TUI on a store as a member (--as, then the config's "as", then "me")."""
    from app.config import ConfigError, load_config
    from app.core.errors import ParleyError
    from app.store.db import open_store
    from app.store.errors import StoreError

    try:
        config = load_config()
        store = open_store(target)
    except (ConfigError, StoreError) as exc:
        print(str(exc), file=sys.stderr)
        return 2  # bad input, as for every other command (SPEC §9)
    try:
        handle = as_handle or config.get("as") or "me"
        try:
            member = _acting_member(handle)
        except ParleyError as exc:
            print(f"{exc} Choose who you are with --as HANDLE (parley member list shows them).",
                  file=sys.stderr)
            return 2
        settings = {}
        if member is not None:
            from app.core import members

            settings = members.get_settings(member.id)
        app = ParleyApp(member, settings, config,
                        exit_on_first_paint=os.environ.get(EXIT_ON_FIRST_PAINT) == "1")
        app.run()
        return app.return_code or 0
    finally:
        store.close()
