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
from textual.widgets import Button, Footer, Input, Static

from app.core.views import MessageView as MessageRecord
from app.core.views import ThreadView
from app.ui.changes import StoreChanged
from app.ui.keymap import REPLY_BINDINGS, THREAD_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.text import glyphs, literal
from app.ui.widgets.message_view import PAGE_SIZE, MessageView
from app.ui.screens.thread_social import ThreadSocial
from app.ui.widgets.profile_panel import ProfilePanel
from app.ui.widgets.work import RunsWork

if TYPE_CHECKING:
    from app.ui.app import ParleyApp

BANNER = "This message may contain unwanted or harmful content."
# How many of the newest loaded messages are refetched when the conversation changes:
# enough to catch a recall within its window and any "Seen" moving.
TAIL = 50


class ReplyBox(Input):
    BINDINGS: ClassVar[list[BindingType]] = [*REPLY_BINDINGS]

    def action_send(self) -> None:
        self.post_message(self.Submitted(self, self.value))


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

    def show_conversation(self, conversation_id: int, *, reply: bool = False, profile: bool = False) -> None:
        """Show another conversation. One thread screen serves every conversation, so
        opening one costs a query, not building the screen's widgets again."""
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
            yield MessageView(self.mailbox.member_id, id="messages")
            yield ProfilePanel(id="profile")
        with Horizontal(id="quick-replies"):
            yield Static("Quick reply (y / n):", id="quick-label", markup=False)
            yield Button("Yes, interested", id="quick-accept", compact=True, variant="success")
            yield Button("No thanks", id="quick-decline", compact=True)
        # Focus must not select the text: a quick reply is there to be edited, not replaced.
        yield Input(id="save-path", compact=True, select_on_focus=False,
                    placeholder="Save to… (enter saves, escape cancels)")
        yield Static("", id="typing", markup=False)
        yield ReplyBox(id="reply", compact=True, select_on_focus=False,
                       placeholder="Write a reply… (enter or ctrl+s sends, r to focus)")
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
        if not self._opening:
            return
        self._opening = False
        for state in ("-banner", "-quick", "-saving", "-error"):
            self.remove_class(state)
        self.query_one("#thread-title", Static).update("")
        self.query_one("#reply", ReplyBox).value = ""
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
            return view, newest

        def shown(result) -> None:
            if conversation_id != self.conversation_id:
                return  # the screen has moved on to another conversation
            view, newest = result
            self.show_header(view)
            self.message_view.set_messages(newest, has_older=view.message_count > len(newest))

        self.in_thread(fetch, then=shown, failed=self._gone(conversation_id), group="thread-load",
                       exclusive=True)

    def _gone(self, conversation_id: int):
        """What to do when the conversation can't be read: say why and go back."""

        def failed(sentence: str) -> None:
            if conversation_id == self.conversation_id:
                self.app.notify(sentence, severity="error")
                self.dismiss_thread()

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
        box.cursor_position = len(box.value)
        box.focus()

    @on(Button.Pressed, "#quick-accept")
    def _accept_pressed(self) -> None:
        self.action_quick_reply("accept")

    @on(Button.Pressed, "#quick-decline")
    def _decline_pressed(self) -> None:
        self.action_quick_reply("decline")

    @on(Input.Changed, "#reply")
    def _reply_changed(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self.response = None
        self.show_error(None)
        self.typing_key(event.value)

    @on(Input.Submitted, "#reply")
    def _send(self, event: Input.Submitted) -> None:
        event.stop()
        body = event.value
        mailbox, conversation_id, response = self.mailbox, self.shown_id, self.response

        def sent(result) -> None:
            self.response = None
            self.typing_stopped()
            box = self.query_one("#reply", ReplyBox)
            box.value = ""
            note = "Sent."
            if response == "accept":
                note = "Accepted: your reply was sent."
            elif response == "decline":
                note = "Declined: your reply was sent."
            self.app.notify(note)
            self.refresh_tail()

        self.in_thread(
            lambda: mailbox.reply(conversation_id, body, response=response),
            then=sent, failed=self.show_error, group="send", exclusive=True,
        )

    def show_error(self, sentence: str | None) -> None:
        self.query_one("#thread-error", Static).update(literal(sentence or "", one_line=True))
        self.set_class(bool(sentence), "-error")

    # ------------------------------------------------------------------ attachments

    def _attachment_message(self) -> MessageRecord | None:
        current = self.message_view.current
        if current is not None and current.attachments:
            return current
        return next((m for m in reversed(self.message_view.messages) if m.attachments), None)

    def action_save_attachment(self) -> None:
        message = self._attachment_message()
        if message is None:
            self.app.notify("No attachments in this conversation.")
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
        if self.has_class("-saving"):
            self._close_save()
        elif self.focused is not None and self.focused.id == "reply":
            self.message_view.focus()
        elif self.query_one(ProfilePanel).has_class("-open"):
            self.query_one(ProfilePanel).remove_class("-open")
        else:
            self.dismiss_thread()

    def dismiss_thread(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        self.end_typing()

    def reply_text(self) -> str:
        return self.query_one("#reply", ReplyBox).value

    def set_reply_text(self, text: str) -> None:
        box = self.query_one("#reply", ReplyBox)
        box.value = text
        box.cursor_position = len(text)
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
        mine = [m for m in self.message_view.messages if m.sender_id == self.mailbox.member_id and not m.recalled]
        target = current if current is not None and current in mine else (mine[-1] if mine else None)
        if target is None:
            self.app.notify("You have no message here to recall.")
            return
        mailbox = self.mailbox

        def recalled(_) -> None:
            self.app.notify("Message recalled.")
            self.refresh_tail()

        self.in_thread(lambda: mailbox.recall(target.id), then=recalled)

    def _act(self, action: str, *, leave: bool = False) -> None:
        mailbox, conversation_id = self.mailbox, self.shown_id

        def done(token) -> None:
            if action in ("archive", "delete"):
                self.parley.remember_undo(action, token, 1)
            from app.ui.screens.inbox import done_sentence

            self.app.notify(done_sentence(action, 1))
            if leave:
                self.dismiss_thread()
            else:
                self.refresh_tail()

        self.in_thread(lambda: mailbox.apply(action, [conversation_id]), then=done)

    def action_archive(self) -> None:
        archived = self.view is not None and self.view.archived
        self._act("unarchive" if archived else "archive", leave=not archived)

    def action_delete(self) -> None:
        self._act("delete", leave=True)

    def action_mute(self) -> None:
        self._act("unmute" if self.view is not None and self.view.muted else "mute")

    def action_star(self) -> None:
        self._act("unstar" if self.view is not None and self.view.starred else "star")

    def action_toggle_read(self) -> None:
        self._act("unread", leave=True)

    def action_report(self) -> None:
        if self.view is not None and self.view.spam:
            self._act("not-spam")
            return
        self.parley.report_conversation(self.shown_id, self.dismiss_thread)

    def action_undo(self) -> None:
        self.parley.undo_last(self.refresh_tail)

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
