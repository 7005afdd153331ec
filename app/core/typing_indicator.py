"""Typing indicators: "Ben is typing…" in the other side's open thread.

Only in a one-to-one conversation that is not an InMail, and only when both members have
"Read receipts and typing indicators" on. A key in the reply box signals at once, then at
most once every ``SIGNAL_EVERY`` seconds; the other side shows the indicator until
``SHOWN_FOR`` seconds after the last signal, or until the typist sends or leaves. Every
time here is the real monotonic clock, never the store's clock (which may be fixed).
"""

from __future__ import annotations

import time

from app.core.inbox import ONE_TO_ONE_KINDS
from app.store import backend
from app.store.backend import Signals
from app.store.models import Conversation, ConversationState, Member, MemberSettings, tuples

TYPING = "typing"
SIGNAL_EVERY = 2.0
SHOWN_FOR = 5.0


def allowed(member_id: int, conversation_id: int) -> int | None:
    """The other member of the conversation, when typing indicators go between the two; else None."""
    conversation = Conversation.get_or_none(Conversation.id == conversation_id)
    if conversation is None or conversation.kind not in ONE_TO_ONE_KINDS:
        return None
    state = ConversationState.get_or_none(
        (ConversationState.conversation == conversation_id) & (ConversationState.member == member_id)
    )
    if state is None or state.peer_id is None or state.inmail:
        return None
    settings = dict(tuples(
        MemberSettings.select(MemberSettings.member, MemberSettings.read_receipts)
        .where(MemberSettings.member.in_([member_id, state.peer_id]))
    ))
    # A member without a settings row has the defaults: on.
    if not all(settings.get(member, True) for member in (member_id, state.peer_id)):
        return None
    return state.peer_id


class Typing:
    """One open thread's typing: signalling the member's own keys, hearing the other side's."""

    def __init__(self, member_id: int, conversation_id: int, signals: Signals | None = None):
        self.member_id = member_id
        self.conversation_id = conversation_id
        self.other_id = allowed(member_id, conversation_id)
        self._signals = signals if signals is not None else backend.current().signals()
        self._last_signal: float | None = None
        self._other_name: str | None = None
        if self.other_id is not None:
            other = Member.get_or_none(Member.id == self.other_id)
            self._other_name = other.name if other else None

    def due(self) -> bool:
        """Whether a key now would send a signal (none went out moments ago): no I/O, so the
        screen asks before handing the key to a worker."""
        if self.other_id is None:
            return False
        return self._last_signal is None or time.monotonic() - self._last_signal >= SIGNAL_EVERY

    def key(self) -> None:
        """A key in the reply box: signal now, unless a signal went out moments ago."""
        if not self.due():
            return
        self._last_signal = time.monotonic()
        self._signals.send(TYPING, self.conversation_id, self.member_id)

    def stopped(self) -> None:
        """The reply was sent or the box emptied or left: the indicator goes at once."""
        if self._last_signal is not None:
            self._last_signal = None
            self._signals.send(TYPING, self.conversation_id, self.member_id, on=False)

    def who(self) -> str | None:
        """ "Ben Okafor is typing…" while the other side types, else None."""
        if self.other_id is None:
            return None
        sent = self._signals.heard(self.conversation_id).get((TYPING, self.other_id))
        if sent is None or time.monotonic() - sent > SHOWN_FOR:
            return None
        return f"{self._other_name or 'They'} is typing…"

    def close(self) -> None:
        self.stopped()
        self._signals.close()
