"""Conversation actions (SPEC §6): archive, mute, star, read, spam, delete, report, mark safe.

Triage works on many conversations at once, in one transaction. Each action
returns an UndoToken holding every touched conversation's previous flags, so
undo puts back exactly what was there (a delete is undone this way until the app
closes). ``box`` is re-derived in the same statement as the flags it depends on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from peewee import Case

from app.core import clock, team
from app.core.errors import BadInput
from app.core.directory import member_state, not_found
from app.store.db import write
from app.store.models import (
    BOX_INBOX,
    BOX_PRECEDENCE,
    REPORT_REASONS,
    Block,
    ConversationState,
    Member,
    Message,
    Report,
    tuples,
)

ACTIONS = ("archive", "unarchive", "mute", "unmute", "star", "unstar", "read", "unread", "spam", "not-spam", "delete")

S = ConversationState

# The flags an action sets; "read" also moves the read position (below).
SETS: dict[str, dict[str, object]] = {
    "archive": {"archived": True},
    "unarchive": {"archived": False},
    "mute": {"muted": True},
    "unmute": {"muted": False},
    "star": {"starred": True},
    "unstar": {"starred": False},
    "read": {"unread": 0, "has_unread": False},
    "unread": {"has_unread": True},
    "spam": {"spam": True},
    "not-spam": {"spam": False},
    "delete": {"deleted": True},
}
# Everything an action can change, and so everything undo puts back.
KEPT = ("archived", "muted", "starred", "unread", "has_unread", "read_upto", "spam", "deleted", "box")

# Sent in a batch of ids so a long selection stays under the store's parameter limits.
BATCH = 500

# The model's box rule, as SQL, so a bulk update keeps the box in step with its flags.
DERIVED_BOX = Case(None, tuple((getattr(S, flag) == True, box) for flag, box in BOX_PRECEDENCE), BOX_INBOX)  # noqa: E712


@dataclass(frozen=True)
class UndoToken:
    """What one action changed: the flags from before it of each conversation it changed
    (a conversation already as the action leaves it is not in it)."""

    member_id: int
    action: str
    previous: tuple[tuple[int, tuple], ...]  # (conversation id, values of KEPT)

    @property
    def conversation_ids(self) -> tuple[int, ...]:
        return tuple(conversation_id for conversation_id, _ in self.previous)


def _batches(values: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), BATCH):
        yield list(values[start : start + BATCH])


def _conversation_ids(conversation_ids) -> list[int]:
    """The ids asked for, each once, in order; anything that is not a number is not found."""
    wanted: list[int] = []
    for raw in conversation_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise not_found(raw) from None
        if value not in wanted:
            wanted.append(value)
    return wanted


def _previous(member_id: int, wanted: list[int]) -> dict[int, tuple]:
    """The member's current flags for each conversation; NotFound names the first one missing."""
    fields = [getattr(S, name) for name in KEPT]
    found: dict[int, tuple] = {}
    for batch in _batches(wanted):
        query = S.select(S.conversation, *fields).where((S.member == member_id) & S.conversation.in_(batch))
        for conversation_id, *values in tuples(query):
            found[conversation_id] = tuple(values)
    for conversation_id in wanted:
        if conversation_id not in found:
            raise not_found(conversation_id)
    return found


def _latest_message():
    return Message.select(Message.id).where(Message.conversation == S.conversation).order_by(Message.id.desc()).limit(1)


def apply(member_id: int, action: str, conversation_ids, now: datetime | None = None, *,
          author_id: int | None = None) -> UndoToken:
    """Apply one action to many conversations of ``member_id`` in one transaction; in a shared
    inbox the audit notes it with its author (``author_id``: who is at the keyboard)."""
    with write():
        token = _apply(member_id, action, conversation_ids)
        team.record(member_id, author_id, action, token.conversation_ids, now)
    return token


def _apply(member_id: int, action: str, conversation_ids) -> UndoToken:
    if action not in SETS:
        raise BadInput(f"Unknown action {action!r}; choose one of: {', '.join(ACTIONS)}.")
    wanted = _conversation_ids(conversation_ids)
    if not wanted:
        raise BadInput("Choose at least one conversation.")
    with write():
        previous = _previous(member_id, wanted)
        values = dict(SETS[action])
        if action == "read":
            values["read_upto"] = _latest_message()
        for batch in _batches(wanted):
            mine = (S.member == member_id) & S.conversation.in_(batch)
            S.update(values).where(mine).execute()
            if action == "unread":
                S.update(unread=1).where(mine & (S.unread == 0)).execute()
            S.update(box=DERIVED_BOX).where(mine).execute()
        after = _previous(member_id, wanted)
    # Only what the action changed is put back: undoing a repeat of it does nothing, and says so.
    return UndoToken(member_id, action, tuple((cid, previous[cid]) for cid in wanted if after[cid] != previous[cid]))


# The actions one key both gives and takes back: the state that says a conversation has it already,
# and the action that takes it back.
TOGGLES = {
    "archive": (S.archived == True, "unarchive"),  # noqa: E712
    "mute": (S.muted == True, "unmute"),  # noqa: E712
    "star": (S.starred == True, "unstar"),  # noqa: E712
    "read": (S.has_unread == False, "unread"),  # noqa: E712
    "spam": (S.spam == True, "not-spam"),  # noqa: E712
}


def toggle(member_id: int, action: str, conversation_ids, now: datetime | None = None, *,
           author_id: int | None = None) -> UndoToken:
    """One key for an action and its reverse: ``action`` when any of the conversations lacks it
    (mark read when any is unread), otherwise the reverse for all of them (mark all unread)."""
    if action not in TOGGLES:
        raise BadInput(f"Unknown action {action!r}; choose one of: {', '.join(TOGGLES)}.")
    has, reverse = TOGGLES[action]
    wanted = _conversation_ids(conversation_ids)
    with write():
        lacking = any(
            S.select().where((S.member == member_id) & S.conversation.in_(batch) & ~has).exists()
            for batch in _batches(wanted)
        )
        return apply(member_id, action if lacking else reverse, wanted, now=now, author_id=author_id)


def undo(member_id: int, token: UndoToken, now: datetime | None = None, *, author_id: int | None = None) -> None:
    """Put every conversation the action touched back exactly as it was."""
    if token.member_id != member_id:
        raise BadInput("That undo belongs to another member.")
    with write():
        team.record(member_id, author_id, team.UNDO, token.conversation_ids, now, token.action)
        for conversation_id, values in token.previous:
            S.update(dict(zip(KEPT, values))).where(
                (S.member == member_id) & (S.conversation == conversation_id)
            ).execute()


def _reported_member(state: ConversationState) -> int | None:
    """Who is reported: the other side of a 1:1, else the last other member who wrote."""
    if state.peer_id is not None:
        return state.peer_id
    row = (
        Message.select(Message.sender)
        .where((Message.conversation == state.conversation_id) & (Message.sender != state.member_id))
        .order_by(Message.id.desc())
        .first()
    )
    return row.sender_id if row else None


def sender_handle(member_id: int, conversation_id) -> str | None:
    """The member a block from this conversation applies to (as a report would name them)."""
    state = member_state(member_id, conversation_id)
    other = _reported_member(state)
    if other is None or other == member_id:
        return None
    return Member.get_by_id(other).handle


def report(member_id: int, conversation_id, reason: str, now: datetime | None = None, *,
           author_id: int | None = None) -> None:
    """Report a conversation: it moves to Spam and its sender is blocked (no more messages)."""
    at = now or clock.now()
    if reason not in REPORT_REASONS:
        raise BadInput(f"Choose a reason: {', '.join(REPORT_REASONS)}.")
    with write():
        state = member_state(member_id, conversation_id)
        reported = _reported_member(state)
        Report.create(reporter=member_id, reported=reported, conversation=state.conversation_id, reason=reason, at=at)
        if reported is not None and reported != member_id:
            already = Block.select().where((Block.blocker == member_id) & (Block.blocked == reported)).exists()
            if not already:
                Block.create(blocker=member_id, blocked=reported, at=at)
        _apply(member_id, "spam", [state.conversation_id])
        team.record(member_id, author_id, "report", [state.conversation_id], at, reason)


def mark_safe(member_id: int, conversation_id, now: datetime | None = None) -> None:
    """The member trusts this conversation's links: no more warning banner."""
    with write():
        state = member_state(member_id, conversation_id)
        S.update(marked_safe=True).where(S.id == state.id).execute()

