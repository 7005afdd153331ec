"""What happens to a member's inbox, as a stream of events (``parley watch``).

The store's change feed says which conversations changed; each is compared with how
the member last saw it, so that one write becomes the events a person would name: a
message arrived, a conversation was read, archived, starred, muted, marked spam,
deleted, a message was recalled, a conversation of a shared inbox was assigned to the
member watching. Changes that belong to no conversation become
``invitation`` (a new connection request) and ``credits`` (the balance moved).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from app.core import clock, invitations, team
from app.core.credits import balance as balance_of
from app.core.delivery import one_line
from app.store.live import ChangeWatcher
from app.store.models import BOX_DELETED, ConversationState, Member, Message, delivered_to, tuples

PREVIEW_LENGTH = 120

# (flag, event when it turns on, event when it turns off), in the order they are told.
FLAGS = (
    ("read", "read", "unread"),
    ("archived", "archive", "unarchive"),
    ("starred", "star", "unstar"),
    ("muted", "mute", "unmute"),
    ("spam", "spam", "not-spam"),
    ("deleted", "delete", "restore"),
)


@dataclass(frozen=True)
class Event:
    at: datetime
    event: str
    conversation: int | None = None
    message: int | None = None
    sender: str | None = None  # the sender's handle
    sender_name: str | None = None
    preview: str = ""


@dataclass(frozen=True)
class _Seen:
    read: bool
    archived: bool
    starred: bool
    muted: bool
    spam: bool
    deleted: bool
    assignee: int | None = None


class Watch:
    """Events for one member since the watch began, read with ``poll``."""

    def __init__(self, member_id: int, author_id: int | None = None):
        """``author_id``: who watches, when it is another member's inbox (whose assignments are theirs)."""
        self.member_id = member_id
        self.author_id = member_id if author_id is None else author_id
        self._watcher = ChangeWatcher(member_id)
        # Only what happens from now on is news: the newest message so far, every view as it is.
        self._last_message = Message.select(fn.MAX(Message.id)).scalar() or 0
        self._started = clock.now()
        self._seen: dict[int, _Seen] = {
            conversation_id: _Seen(read=not unread, archived=archived, starred=starred, muted=muted, spam=spam,
                                   deleted=box == BOX_DELETED, assignee=assignee)
            for conversation_id, unread, archived, starred, muted, spam, box, assignee in tuples(
                ConversationState.select(ConversationState.conversation, ConversationState.unread,
                                         ConversationState.archived, ConversationState.starred,
                                         ConversationState.muted, ConversationState.spam, ConversationState.box,
                                         ConversationState.assignee)
                .where(ConversationState.member == member_id)
            )
        }
        self._recalled: set[int] = set()
        self._told: dict[int, int] = {}  # per conversation, the newest message told
        self._invitations = {i.id for i in invitations.pending(member_id)}
        self._balance = balance_of(member_id)

    def poll(self) -> list[Event]:
        # A delegate's access ends at once: their watch stops with the sentence that says so.
        if self.author_id != self.member_id:
            team.check_may_work_in(self.author_id, self.member_id)
        changed = self._watcher.poll()
        if changed is None:
            return []
        if not changed:
            return self._member_events()
        events: list[Event] = []
        for conversation_id in sorted(changed):
            events.extend(self._conversation_events(conversation_id))
        # A change for everyone (a bulk load) names no conversation; credits may move with a message.
        events.extend(self._member_events())
        return events

    def close(self) -> None:
        self._watcher.close()

    # ---- conversations ------------------------------------------------------------------------

    def _conversation_events(self, conversation_id: int) -> Iterator[Event]:
        state = ConversationState.get_or_none(
            (ConversationState.member == self.member_id) & (ConversationState.conversation == conversation_id)
        )
        if state is None:
            return
        now = clock.now()
        new = list(self._new_messages(conversation_id))
        for message_id, sender_handle, sender_name, body, sent_at in new:
            self._told[conversation_id] = max(self._told.get(conversation_id, 0), message_id)
            yield Event(sent_at, "message", conversation_id, message_id, sender_handle, sender_name,
                        one_line(body)[:PREVIEW_LENGTH])
        seen = _Seen(read=not state.unread, archived=state.archived, starred=state.starred, muted=state.muted,
                     spam=state.spam, deleted=state.box == BOX_DELETED, assignee=state.assignee_id)
        # A conversation new since the watch began is told by its messages alone.
        before = self._seen.get(conversation_id, seen)
        self._seen[conversation_id] = seen
        for flag, on, off in FLAGS:
            was, now_is = getattr(before, flag), getattr(seen, flag)
            if was != now_is:
                # A message from someone else makes the conversation unread: the message says it.
                if flag == "read" and not now_is and new:
                    continue
                yield Event(now, on if now_is else off, conversation_id)
        if seen.assignee == self.author_id and before.assignee != seen.assignee:
            yield Event(now, "assign", conversation_id)
        for (message_id,) in tuples(
            Message.select(Message.id).where(
                (Message.conversation == conversation_id) & (Message.recalled_at >= self._started)
                & Message.id.not_in(list(self._recalled) or [0])
            ).order_by(Message.id)
        ):
            self._recalled.add(message_id)
            yield Event(now, "recall", conversation_id, message_id)

    def _new_messages(self, conversation_id: int) -> Iterator[tuple]:
        sender = Member.alias("sender")
        rows = tuples(
            Message.select(Message.id, sender.handle, sender.name, Message.body, Message.sent_at)
            .join(sender, on=(Message.sender == sender.id))
            .where((Message.conversation == conversation_id)
                   & (Message.id > self._told.get(conversation_id, self._last_message))
                   & (Message.sender != self.member_id) & Message.recalled_at.is_null()
                   & delivered_to(self.member_id))
            .order_by(Message.sent_at, Message.id)
        )
        for row in rows:
            yield row

    # ---- the member ---------------------------------------------------------------------------

    def _member_events(self) -> list[Event]:
        events = []
        now = clock.now()
        pending = invitations.pending(self.member_id)
        for invitation in reversed(pending):
            if invitation.id not in self._invitations:
                events.append(Event(invitation.sent_at, "invitation", sender=invitation.handle,
                                    sender_name=invitation.name, preview=one_line(invitation.note)[:PREVIEW_LENGTH]))
        self._invitations = {i.id for i in pending}
        # Read as the ledger stands: a watcher only listens, it never settles (writes) itself.
        balance = balance_of(self.member_id)
        if balance != self._balance:
            events.append(Event(now, "credits", preview=f"{balance} InMail credits"))
            self._balance = balance
        return events
