"""What a thread adds for the people in it: "Ben is typing…", "Omar Haddad is viewing" in a
shared inbox, inviting the profile's member to connect (`C`), and inserting a saved reply
into the reply box (`ctrl+t`).

The typing indicator and the teammates on the conversation are polled together twice a
second on one worker; a key in the reply box signals at most every two seconds (the
rules are in app.core.typing_indicator and app.core.presence); leaving the thread or
sending the reply ends the signals at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.timer import Timer
from textual.widgets import Static

from app.core.views import POSSIBLE, RECEIVED, SENT

if TYPE_CHECKING:
    from app.core.presence import Presence
    from app.core.typing_indicator import Typing
    from app.core.views import ThreadView
    from app.ui.mailbox import Mailbox

TYPING_POLL = 0.5


class ThreadSocial:
    """Mixed into the thread screen, which provides the attributes declared here."""

    mailbox: Mailbox
    view: ThreadView | None
    conversation_id: int | None
    _typing: Typing | None = None
    _presence: Presence | None = None
    _typing_timer: Timer | None = None

    if TYPE_CHECKING:
        app: Any

        def in_thread(self, fn, *, then=None, failed=None, group: str = "store", exclusive: bool = False): ...
        def query_one(self, selector, expect_type=None) -> Any: ...
        def reply_text(self) -> str: ...
        def set_reply_text(self, text: str) -> None: ...
        def profile_member_id(self) -> int | None: ...

    # ---- typing, and who else is on it ---------------------------------------------------

    def start_typing(self) -> None:
        """Begin listening (and signalling) for the conversation now shown: the other side's
        typing, and the teammates on it in a shared inbox."""
        self.end_typing()
        mailbox, conversation_id = self.mailbox, self.conversation_id
        if conversation_id is None:
            return

        def open_both() -> tuple[Typing, Presence]:
            typing = mailbox.typing(conversation_id)
            presence = mailbox.presence(conversation_id)
            presence.open()
            return typing, presence

        def opened(both: tuple[Typing, Presence]) -> None:
            typing, presence = both
            if conversation_id != self.conversation_id:
                self.in_thread(typing.close, group="typing-close")
                self.in_thread(presence.close, group="presence-close")
                return
            self._typing, self._presence = typing, presence
            if typing.other_id is not None or presence.active:
                self._typing_timer = cast(Any, self).set_interval(TYPING_POLL, self._poll_typing)
            self.presence_reply(self.reply_text())  # a draft brought back is a reply under way

        self.in_thread(open_both, then=opened, group="typing-open", exclusive=True)

    def _poll_typing(self) -> None:
        typing, presence = self._typing, self._presence
        if typing is None or presence is None:
            return

        def poll() -> tuple[str | None, str | None]:
            presence.beat()
            return typing.who(), presence.who()

        def show(lines: tuple[str | None, str | None]) -> None:
            self.show_typing(lines[0])
            self.show_presence(lines[1])

        self.in_thread(poll, then=show, group="typing-poll", exclusive=True)

    def show_typing(self, who: str | None) -> None:
        from app.ui.text import literal

        self.query_one("#typing", Static).update(literal(who or "", one_line=True))
        cast(Any, self).set_class(bool(who), "-typing")

    def show_presence(self, who: str | None) -> None:
        from app.ui.text import literal

        self.query_one("#presence", Static).update(literal(who or "", one_line=True))
        cast(Any, self).set_class(bool(who), "-presence")

    def typing_key(self, text: str) -> None:
        """The reply box changed: a key signals; an emptied box stops the indicator."""
        self.presence_reply(text)
        typing = self._typing
        if typing is None or typing.other_id is None:
            return
        if not text.strip():
            self.in_thread(typing.stopped, group="typing-key")
        elif typing.due():  # most keys fall between two signals: no worker for them
            self.in_thread(typing.key, group="typing-key")

    def presence_reply(self, text: str) -> None:
        """Teammates see a reply under way for as long as the box holds text."""
        presence, replying = self._presence, bool(text.strip())
        if presence is not None and presence.due(replying):  # no worker for most keys
            self.in_thread(lambda: presence.reply(replying), group="presence-key")

    def typing_stopped(self) -> None:
        typing = self._typing
        if typing is not None:
            self.in_thread(typing.stopped, group="typing-key")
        self.presence_reply(self.reply_text())

    def end_typing(self) -> None:
        """Leaving the conversation: the other side's indicator and the teammates' view of
        it go, and listening stops."""
        if self._typing_timer is not None:
            self._typing_timer.stop()
            self._typing_timer = None
        typing, self._typing = self._typing, None
        presence, self._presence = self._presence, None
        if typing is not None:
            self.in_thread(typing.close, group="typing-close")
        if presence is not None:
            self.in_thread(presence.close, group="presence-close")
        try:
            self.show_typing(None)
            self.show_presence(None)
        except Exception:  # the screen is not mounted yet
            pass

    # ---- connect and templates ---------------------------------------------------------------

    def action_connect(self) -> None:
        """Invite the profile's member (or the other side) to connect, with a note."""
        member_id = self.profile_member_id()
        if member_id is None:
            return
        mailbox = self.mailbox

        def state(found: tuple[str | None, Any]) -> None:
            invitation, person = found
            if invitation == POSSIBLE:
                self.app.invite(person.handle, person.name)
            elif invitation == SENT:
                self.app.notify("Your invitation is waiting for their answer.")
            elif invitation == RECEIVED:
                self.app.notify("They invited you: answer on the Invitations page (i).")
            else:
                self.app.notify("You can't invite this member to connect.")

        self.in_thread(lambda: (mailbox.invitation_state(member_id), mailbox.profile(member_id).member),
                       then=state, group="connect", exclusive=True)

    def action_template(self) -> None:
        """Pick a saved reply and put it in the reply box, filled for the other side."""
        from app.ui.screens.templates import TemplatePicker

        view = self.view
        others = [p for p in view.participants if p.id != self.mailbox.member_id] if view else []
        if not others:
            return
        mailbox, recipient = self.mailbox, others[0].handle

        def chosen(template) -> None:
            if template is None:
                return
            self.in_thread(lambda: mailbox.filled_template(template.name, recipient),
                           then=lambda filled: self.set_reply_text(filled[1]), group="template")

        self.app.push_screen(TemplatePicker(mailbox), chosen)
