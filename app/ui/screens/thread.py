"""One conversation: its messages, quick replies, the link banner, a reply box, the profile."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static, TextArea

from app.core.plans import LIMITS
from app.core.views import MessageView as MessageRecord
from app.core.views import DraftView, ThreadView
from app.ui.changes import StoreChanged
from app.ui.editor import edit_box
from app.ui.keymap import THREAD_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.text import glyphs, literal
from app.ui.undo import TriageSteps, done_sentence
from app.ui.widgets.message_view import PAGE_SIZE, MessageView
from app.ui.screens.team_thread import AuditScreen, NoteDialog
from app.ui.screens.thread_social import ThreadSocial
from app.ui.widgets.profile_panel import ProfilePanel
from app.ui.widgets.text_areas import ReplyBox
from app.ui.widgets.work import RunsWork

if TYPE_CHECKING:
    from app.ui.app import ParleyApp

BANNER = "This message may contain unwanted or harmful content."
# How many of the newest loaded messages are refetched when the conversation changes:
# enough to catch a recall within its window and any "Seen" moving.
TAIL = 50


class ThreadScreen(ThreadSocial, RunsWork, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [*THREAD_BINDINGS]

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.conversation_id: int | None = None
        self.view: ThreadView | None = None
        self.response: str | None = None  # "accept" / "decline" once a quick reply is chosen
        self._opening = False
        self._want_reply = False
        self._want_profile = False
        self._loading_older = False
        self._saving: list[int] = []
        self._reply_draft = False  # the reply box holds this conversation's draft
        self.steps = TriageSteps()

    def show_conversation(self, conversation_id: int, *, reply: bool = False, profile: bool = False) -> None:
        """Show another conversation. One thread screen serves every conversation, so
        opening one costs a query, not building the screen's widgets again."""
        if self.conversation_id != conversation_id:
            self.keep_reply()
        self.conversation_id = conversation_id
        self.view = None
        self.response = None
        self._opening = True
        self._want_reply = reply
        self._want_profile = profile
        self._loading_older = False
        self._saving = []

    def compose(self) -> ComposeResult:
        yield Static("", id="thread-title", markup=False)
        with Horizontal(id="banner"):
            yield Static(BANNER, id="banner-text", markup=False)
            yield Button("Report", id="banner-report", compact=True, variant="error")
            yield Button("Mark safe", id="banner-safe", compact=True)
        with Horizontal(id="thread-body"):
            yield MessageView(self.mailbox.member_id, author_id=self.mailbox.author_id, id="messages")
            yield ProfilePanel(id="profile")
        with Horizontal(id="quick-replies"):
            yield Static("Quick reply (y / n):", id="quick-label", markup=False)
            yield Button("Yes, interested", id="quick-accept", compact=True, variant="success")
            yield Button("No thanks", id="quick-decline", compact=True)
        # Focus must not select the text: a quick reply is there to be edited, not replaced.
        yield Input(id="save-path", compact=True, select_on_focus=False,
                    placeholder="Save to… (enter saves, escape cancels)")
        yield Static("", id="presence", markup=False)
        yield Static("", id="typing", markup=False)
        enter_sends = bool(self.parley.config.get("enter-sends", True))
        yield ReplyBox(id="reply", enter_sends=enter_sends, placeholder=(
            "Write a reply… (enter or ctrl+s sends, ctrl+j new line, r to focus)" if enter_sends
            else "Write a reply… (ctrl+s sends, r to focus)"))
        yield Static("", id="reply-counter", markup=False)
        yield Static("", id="thread-error", markup=False)
        yield Footer()

    @property
    def shown_id(self) -> int:
        """The conversation on show: show_conversation names it before the screen is first shown."""
        assert self.conversation_id is not None
        return self.conversation_id

    @property
    def parley(self) -> ParleyApp:
        """The app, for the undo and report it keeps for every screen."""
        return cast("ParleyApp", self.app)

    @property
    def message_view(self) -> MessageView:
        return self.query_one(MessageView)

    def on_screen_resume(self) -> None:
        if self._opening:
            self.open_shown()

    def open_shown(self) -> None:
        """Draw the conversation show_conversation named, from a clean screen."""
        self._opening = False
        for state in ("-banner", "-quick", "-saving", "-error"):
            self.remove_class(state)
        self.query_one("#thread-title", Static).update("")
        self.query_one("#reply", ReplyBox).value = ""
        self._reply_draft = False
        self.query_one(ProfilePanel).remove_class("-open")
        self.message_view.set_messages([], has_older=False)
        self.message_view.focus()
        self.load()
        self.start_typing()
        want_profile = self._want_profile
        if self._want_reply:
            self.action_reply()
        if want_profile:
            self.action_profile()

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        """The header and the newest page of messages, then mark the conversation read."""
        mailbox, conversation_id = self.mailbox, self.shown_id

        def fetch():
            view = mailbox.thread(conversation_id)
            newest = mailbox.messages(conversation_id, limit=PAGE_SIZE)
            mailbox.mark_read(conversation_id)
            return view, newest, mailbox.reply_draft(conversation_id)

        def shown(result) -> None:
            if conversation_id != self.conversation_id:
                return  # the screen has moved on to another conversation
            view, newest, draft = result
            self.show_header(view)
            self.bring_back_reply(draft)
            self.message_view.set_messages(newest, has_older=view.message_count > len(newest))

        self.in_thread(fetch, then=shown, failed=self._gone(conversation_id), group="thread-load",
                       exclusive=True)

    def _gone(self, conversation_id: int):
        """What to do when the conversation can't be read: say why and go back."""

        def failed(sentence: str) -> None:
            if conversation_id == self.conversation_id:
                # Back to the list first: the sentence then shows on its status line.
                self.dismiss_thread()
                self.app.notify(sentence, severity="error")

        return failed

    def show_header(self, view: ThreadView) -> None:
        self.view = view
        g = glyphs()
        title = Text(" " + literal(view.title, one_line=True), "bold", end="")
        if view.kind == "inmail":
            title.append(" [InMail]", "bold")
            if view.inmail_status:
                title.append(f" ({view.inmail_status})")
        if view.kind == "sponsored":
            title.append(" [Sponsored]")
        if view.subject:
            title.append(" · " + literal(view.subject, one_line=True))
        for flag, mark in ((view.muted, g.muted), (view.starred, g.star)):
            if flag:
                title.append(" " + mark)
        for flag, word in ((view.archived, "Archived"), (view.spam, "Spam")):
            if flag:
                title.append(f" · {word}")
        self.query_one("#thread-title", Static).update(title)
        self.set_class(view.link_warning, "-banner")
        self.set_class(view.can_quick_reply, "-quick")

    def on_store_changed(self, event: StoreChanged) -> None:
        """The conversation changed: refetch the header and the newest messages."""
        if self.conversation_id in event.conversation_ids:
            self.refresh_tail()

    def refresh_tail(self) -> None:
        mailbox, conversation_id = self.mailbox, self.shown_id
        loaded = self.message_view.messages
        after = loaded[-TAIL - 1].id if len(loaded) > TAIL else None
        first = loaded[-TAIL].id if len(loaded) > TAIL else None

        def fetch():
            view = mailbox.thread(conversation_id)
            if after is None:
                tail = mailbox.messages(conversation_id, limit=PAGE_SIZE)
            else:
                tail = mailbox.messages(conversation_id, after_id=after, limit=PAGE_SIZE * 5)
            if self.app.screen is self:
                mailbox.mark_read(conversation_id)
            return view, tail

        def shown(result) -> None:
            if conversation_id != self.conversation_id:
                return
            view, tail = result
            self.show_header(view)
            has_older = view.message_count > len(tail) if first is None else None
            self.message_view.replace_tail(first, tail, has_older=has_older)

        self.in_thread(fetch, then=shown, failed=self._gone(conversation_id), group="thread-tail",
                       exclusive=True)

    def on_message_view_near_top(self, event: MessageView.NearTop) -> None:
        view = self.message_view
        if self._loading_older or not view.has_older or not view.messages:
            return
        self._loading_older = True
        mailbox, conversation_id, oldest = self.mailbox, self.shown_id, view.messages[0].id

        def shown(older: list[MessageRecord]) -> None:
            self._loading_older = False
            if conversation_id != self.conversation_id:
                return
            view.prepend(older, has_older=len(older) == PAGE_SIZE)

        def older_failed(sentence: str) -> None:
            self._loading_older = False
            self.show_failure(sentence)

        self.in_thread(lambda: mailbox.messages(conversation_id, before_id=oldest, limit=PAGE_SIZE),
                       then=shown, failed=older_failed, group="thread-older")

    # ------------------------------------------------------------------ replying

    def action_reply(self) -> None:
        self.query_one("#reply", ReplyBox).focus()

    def action_quick_reply(self, response: str) -> None:
        if self.view is None or not self.view.can_quick_reply:
            return
        self.response = response
        box = self.query_one("#reply", ReplyBox)
        box.value = self.mailbox.quick_reply_text(response)
        box.focus()

    def bring_back_reply(self, draft: DraftView | None) -> None:
        """The reply left half-written here comes back in the box."""
        box = self.query_one("#reply", ReplyBox)
        if draft is None or box.text.strip():
            return
        self._reply_draft = True
        box.value = draft.body
        self.update_reply_counter()

    def keep_reply(self) -> None:
        """Leaving the conversation: a half-written reply is kept as its draft (and one line says so)."""
        if self.conversation_id is None or not self.is_mounted:
            return
        box = self.query_one("#reply", ReplyBox)
        text, had_draft = box.text, self._reply_draft
        if not text.strip() and not had_draft:
            return
        mailbox, conversation_id = self.mailbox, self.conversation_id
        box.value = ""
        self._reply_draft = False
        note = "Your reply is kept as a draft (0 lists drafts)." if text.strip() else "The reply's draft is removed."
        def kept(_) -> None:
            self.app.notify(note, timeout=3)
            self.app.post_message(StoreChanged({conversation_id}))  # the Drafts count moved

        self.parley.in_thread(lambda: mailbox.save_draft([], "", text, conversation_id), then=kept,
                              group="reply-draft")

    def update_reply_counter(self) -> None:
        used = len(self.query_one("#reply", ReplyBox).text)
        limit = self.reply_limit
        counter = self.query_one("#reply-counter", Static)
        counter.update(f"{used:,} / {limit:,}")
        counter.display = bool(used)
        counter.set_class(used > limit, "-over")

    @property
    def reply_limit(self) -> int:
        """What a reply here may hold: an InMail's limit while the reply would be one (the
        sender writing again before an answer), a message's otherwise."""
        view = self.view
        if (view is not None and view.inmail_status == "pending"
                and view.inmail_sender_id == self.mailbox.member_id):
            return LIMITS.inmail_body_max
        return LIMITS.message_body_max

    @on(Button.Pressed, "#quick-accept")
    def _accept_pressed(self) -> None:
        self.action_quick_reply("accept")

    @on(Button.Pressed, "#quick-decline")
    def _decline_pressed(self) -> None:
        self.action_quick_reply("decline")

    @on(TextArea.Changed, "#reply")
    def _reply_changed(self, event: TextArea.Changed) -> None:
        if not event.text_area.text.strip():
            self.response = None
        self.show_error(None)
        self.update_reply_counter()
        self.typing_key(self.reply_text())

    @on(ReplyBox.EditRequested)
    def _edit_reply(self, event: ReplyBox.EditRequested) -> None:
        edit_box(self.app, self.query_one("#reply", ReplyBox), self.show_error)

    @on(ReplyBox.Submitted)
    def _send(self, event: ReplyBox.Submitted) -> None:
        event.stop()
        body = event.value
        mailbox, conversation_id, response = self.mailbox, self.shown_id, self.response
        # The box empties at once, so what is typed while the reply goes out is kept.
        box = self.query_one("#reply", ReplyBox)
        box.value = ""

        def sent(result) -> None:
            self._reply_draft = False  # sending removed the draft
            self.typing_stopped()
            note = "Sent."
            if response == "accept":
                note = "Accepted: your reply was sent."
            elif response == "decline":
                note = "Declined: your reply was sent."
            self.app.notify(note)
            self.refresh_tail()

        def failed(sentence: str) -> None:
            if conversation_id == self.conversation_id and not box.text:
                with box.prevent(TextArea.Changed):  # the error stays until the reply is edited
                    box.value = body  # back as it was, to be put right
                self.response = response
                self.update_reply_counter()
            self.show_error(sentence)

        self.in_thread(
            lambda: mailbox.reply(conversation_id, body, response=response),
            then=sent, failed=failed, group="send",
        )

    def show_error(self, sentence: str | None) -> None:
        self.query_one("#thread-error", Static).update(literal(sentence or "", one_line=True))
        self.set_class(bool(sentence), "-error")

    # ------------------------------------------------------------------ attachments

    def _attachment_message(self) -> MessageRecord | None:
        """The highlighted message's attachments: never another message's."""
        current = self.message_view.current
        if current is not None:
            return current if current.attachments else None
        return next((m for m in reversed(self.message_view.messages) if m.attachments), None)

    def action_save_attachment(self) -> None:
        message = self._attachment_message()
        if message is None:
            self.app.notify("This message has no attachment." if self.message_view.current is not None
                            else "No attachments in this conversation.")
            return
        self._saving = [attachment.id for attachment in message.attachments]
        path = self.query_one("#save-path", Input)
        target = Path(os.getcwd())
        if len(message.attachments) == 1:
            target = target / message.attachments[0].name
        path.value = str(target)
        path.cursor_position = len(path.value)
        self.add_class("-saving")
        path.focus()

    @on(Input.Submitted, "#save-path")
    def _save(self, event: Input.Submitted) -> None:
        event.stop()
        mailbox, ids, dest = self.mailbox, list(self._saving), event.value.strip()
        if not dest:
            return

        def save():
            return mailbox.save_attachments(ids, dest)

        def saved(paths) -> None:
            self._close_save()
            self.app.notify("Saved " + ", ".join(str(p) for p in paths))

        self.in_thread(save, then=saved, failed=self.show_error, group="save")

    def _close_save(self) -> None:
        self.remove_class("-saving")
        self._saving = []
        self.message_view.focus()

    # ------------------------------------------------------------------ other actions

    def action_back(self) -> None:
        if self.has_class("-error"):
            self.show_error(None)
        if self.has_class("-saving"):
            self._close_save()
        elif self.focused is not None and self.focused.id == "reply":
            self.message_view.focus()
        elif self.query_one(ProfilePanel).has_class("-open"):
            self.query_one(ProfilePanel).remove_class("-open")
        else:
            self.dismiss_thread()

    # ------------------------------------------------------------------ reading in a row

    def _list_screen(self):
        """The inbox beneath, whose list J, K and N walk."""
        from app.ui.screens.inbox import InboxScreen

        return next((screen for screen in reversed(self.app.screen_stack) if isinstance(screen, InboxScreen)), None)

    def _step(self, step: int) -> None:
        inbox = self._list_screen()
        if inbox is None or not inbox.open_neighbour(step):
            self.app.notify("This is the last conversation of the list." if step > 0
                            else "This is the first conversation of the list.")

    def action_next_conversation(self) -> None:
        self._step(1)

    def action_previous_conversation(self) -> None:
        self._step(-1)

    def action_next_unread(self) -> None:
        inbox = self._list_screen()
        if inbox is not None:
            inbox.action_next_unread()

    def dismiss_thread(self) -> None:
        if self.app.screen is self:
            self.keep_reply()
            self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        # A dialog over the thread keeps it open (and its signals on); leaving it ends them.
        if self not in self.app.screen_stack:
            self.end_typing()

    def reply_text(self) -> str:
        return self.query_one("#reply", ReplyBox).value

    def set_reply_text(self, text: str) -> None:
        box = self.query_one("#reply", ReplyBox)
        box.value = text
        box.focus()

    def profile_member_id(self) -> int | None:
        current = self.message_view.current
        if current is not None and current.sender_id and current.sender_id != self.mailbox.member_id:
            return current.sender_id
        if self.view is None:
            return None
        others = [p for p in self.view.participants if p.id != self.mailbox.member_id]
        return others[0].id if others else None

    def action_profile(self) -> None:
        panel = self.query_one(ProfilePanel)
        if panel.has_class("-open") and not self._want_profile:
            panel.remove_class("-open")
            return
        self._want_profile = False
        panel.add_class("-open")
        member_id = self.profile_member_id()
        if member_id is None:
            if self.view is None:
                self._want_profile = True  # the header is still loading: show it then
            panel.show_facts(None)
            return
        mailbox = self.mailbox
        self.in_thread(lambda: mailbox.profile(member_id), then=panel.show_facts,
                       group="profile", exclusive=True)

    def on_message_view_highlighted(self, event: MessageView.Highlighted) -> None:
        if self._want_profile and self.view is not None:
            self.action_profile()
        elif self.query_one(ProfilePanel).has_class("-open"):
            message = event.message
            panel = self.query_one(ProfilePanel)
            if message is not None and message.sender_id and message.sender_id != self.mailbox.member_id and (
                    panel.facts is None or panel.facts.member.id != message.sender_id):
                self._want_profile = True
                self.action_profile()

    def action_recall(self) -> None:
        current = self.message_view.current
        mine = [m for m in self.message_view.messages
                if m.sender_id == self.mailbox.member_id and not m.recalled and m.kind != "note"]
        target = current if current is not None and current in mine else (mine[-1] if mine else None)
        if target is None:
            self.app.notify("You have no message here to recall.")
            return
        mailbox = self.mailbox

        def recalled(_) -> None:
            self.app.notify("Message recalled.")
            self.refresh_tail()

        self.in_thread(lambda: mailbox.recall(target.id), then=recalled)

    def _act(self, action: str, *, leave: bool = False, toggle: bool = False) -> None:
        """Queue one triage step on this conversation; each waits for the one before it."""

        def step(finished) -> None:
            if self.app.screen is not self or self.conversation_id is None:
                finished()  # a step before this one left the thread
                return
            mailbox, conversation_id = self.mailbox, self.shown_id
            work = (lambda: mailbox.toggle(action, [conversation_id])) if toggle else (
                lambda: mailbox.apply(action, [conversation_id]))

            def done(token) -> None:
                changed = self.parley.remember_undo(token)
                # Archiving leaves the thread; taking it out of the archive stays. The notice
                # comes after, so that it lands on the screen the user is left on.
                if leave and token.action in ("archive", "delete", "unread"):
                    self.dismiss_thread()
                else:
                    self.refresh_tail()
                self.app.notify(done_sentence(token.action, changed))
                finished()

            def failed(sentence: str) -> None:
                self.show_failure(sentence)
                finished()

            self.in_thread(work, then=done, failed=failed, group="triage")

        self.steps.add(step)

    def action_archive(self) -> None:
        self._act("archive", leave=True, toggle=True)

    def action_delete(self) -> None:
        self._act("delete", leave=True)

    def action_mute(self) -> None:
        self._act("mute", toggle=True)

    def action_star(self) -> None:
        self._act("star", toggle=True)

    def action_toggle_read(self) -> None:
        self._act("unread", leave=True)

    def action_mark_read(self) -> None:
        self._act("read")

    def action_mark_unread(self) -> None:
        self._act("unread", leave=True)

    def action_block_sender(self, blocking: bool) -> None:
        """Block (or unblock) the member the profile panel shows, else the other side."""
        member_id = self.profile_member_id()
        if member_id is None:
            self.app.notify("There is nobody here to block.")
            return
        mailbox = self.mailbox

        def block() -> str:
            return mailbox.block(mailbox.profile(member_id).member.handle, blocking)

        self.in_thread(block, then=self._blocked)

    def action_toggle_block(self) -> None:
        member_id = self.profile_member_id()
        if member_id is None:
            self.app.notify("There is nobody here to block.")
            return
        mailbox = self.mailbox

        def toggle() -> str:
            facts = mailbox.profile(member_id)
            return mailbox.block(facts.member.handle, not facts.blocked)

        self.in_thread(toggle, then=self._blocked)

    def _blocked(self, sentence: str) -> None:
        self.app.notify(sentence)
        panel = self.query_one(ProfilePanel)
        if panel.has_class("-open") and panel.facts is not None:
            mailbox, member_id = self.mailbox, panel.facts.member.id
            self.in_thread(lambda: mailbox.profile(member_id), then=panel.show_facts, group="profile",
                           exclusive=True)

    def action_mark_spam(self) -> None:
        self._act("spam")

    def action_not_spam(self) -> None:
        # Mark safe: out of Spam, or, for a conversation with the link banner, its links trusted.
        if self.view is not None and self.view.link_warning and not self.view.spam:
            self._banner_safe()
        else:
            self._act("not-spam")

    def action_report(self) -> None:
        if self.view is not None and self.view.spam:
            self._act("not-spam")
            return
        self.parley.report_conversation(self.shown_id, self.dismiss_thread)

    def action_assign(self) -> None:
        self.parley.assign([self.shown_id], lambda: None)

    def action_undo(self) -> None:
        def step(finished) -> None:
            def undone() -> None:
                if self.app.screen is self:
                    self.refresh_tail()
                finished()

            self.parley.undo_last(undone)

        self.steps.add(step)

    @on(Button.Pressed, "#banner-report")
    def _banner_report(self) -> None:
        self.action_report()

    @on(Button.Pressed, "#banner-safe")
    def _banner_safe(self) -> None:
        mailbox, conversation_id = self.mailbox, self.shown_id

        def safe(_) -> None:
            self.remove_class("-banner")
            self.refresh_tail()

        self.in_thread(lambda: mailbox.mark_safe(conversation_id), then=safe)

    # ------------------------------------------------------------------ the team: notes and history

    def action_note(self) -> None:
        """Write an internal note here: for the inbox's team, or in one's own inbox, for oneself."""
        mailbox, conversation_id = self.mailbox, self.shown_id
        enter_sends = bool(self.parley.config.get("enter-sends", True))

        def ask(shared: bool) -> None:
            if self.app.screen is self and conversation_id == self.conversation_id:
                self.app.push_screen(NoteDialog(mailbox, conversation_id, shared=shared, enter_sends=enter_sends),
                                     lambda saved: noted(saved, shared))

        def noted(saved: bool | None, shared: bool) -> None:
            if not saved:
                return
            self.app.notify("Note saved: only your team sees it." if shared else "Note saved: only you see it.")
            if conversation_id == self.conversation_id:
                self.refresh_tail()

        self.in_thread(mailbox.is_shared, then=ask, group="note", exclusive=True)

    def action_history(self) -> None:
        """Who did what in this conversation."""
        title = self.view.title if self.view is not None else ""
        self.app.push_screen(AuditScreen(self.mailbox, self.shown_id, title=title))
