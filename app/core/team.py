"""Shared inboxes: members who work in another member's inbox, and what they do there.

A member's inbox becomes shared when it has delegates. A delegate works in it as the
inbox member: a message goes out from the inbox, spending its credits, with the delegate
kept as its author, which only the inbox's team (the inbox member and its delegates) is
shown. Only the inbox member adds or removes delegates.

In a shared inbox a conversation can be assigned to one of the team, a teammate can
leave an internal note in it (a message of kind ``note``, which the store delivers to
its inbox alone: see ``app.store.models.delivered_to``), and every action is recorded
with its author and time in the audit. Every write that names an author who is not
the inbox member checks, in its own transaction, that the author still works there:
removing a delegate ends their access at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from app.core import clock, statements
from app.core.delivery import is_blank
from app.core.directory import member_by_handle, member_by_id, member_state
from app.core.errors import BadInput, NotFound, Refused
from app.core.plans import LIMITS
from app.store.db import write
from app.store.models import (
    NOTE,
    AuditEntry,
    ConversationState,
    Delegate,
    Member,
    Message,
    tuples,
)
from app.store.search import index_message, people_of

CANT_WORK_HERE = "You can't work in this inbox."

# What the audit calls each action (triage actions keep their own names).
SEND, REPLY, ASSIGN, NOTED, UNDO = "send", "reply", "assign", NOTE, "undo"
DELEGATE_ADD, DELEGATE_REMOVE = "delegate", "undelegate"


@dataclass(frozen=True)
class DelegateView:
    inbox_handle: str
    inbox_name: str
    handle: str
    name: str
    since: datetime


@dataclass(frozen=True)
class AuditView:
    at: datetime
    author_handle: str | None  # None: the author's account is gone
    author_name: str
    action: str
    conversation: int | None
    detail: str = ""


# ---- who works where -----------------------------------------------------------------------


def is_delegate(inbox_id: int, member_id: int) -> bool:
    return statements.IS_DELEGATE.first(inbox=inbox_id, staff=member_id) is not None


def may_work_in(member_id: int, inbox_id: int) -> bool:
    """The member's own inbox, or one they are a delegate of."""
    return member_id == inbox_id or is_delegate(inbox_id, member_id)


def check_may_work_in(member_id: int, inbox_id: int) -> None:
    if not may_work_in(member_id, inbox_id):
        raise Refused(CANT_WORK_HERE)


def inbox_for(member_id: int, inbox_handle: str) -> Member:
    """The inbox ``member_id`` asks to work in; one that does not exist is refused the same way
    as one they may not enter, so asking tells a stranger nothing."""
    try:
        inbox = member_by_handle(inbox_handle)
    except NotFound:
        raise Refused(CANT_WORK_HERE) from None
    check_may_work_in(member_id, inbox.id)
    return inbox


def is_shared(inbox_id: int) -> bool:
    return statements.INBOX_SHARED.first(inbox=inbox_id) is not None


def team(inbox_id: int) -> frozenset[int]:
    """Everyone who works in the inbox: its member and its delegates."""
    staff = {staff_id for (staff_id,) in tuples(Delegate.select(Delegate.staff).where(Delegate.inbox == inbox_id))}
    return frozenset({inbox_id, *staff})


def inboxes_for(member_id: int) -> list[Member]:
    """The inboxes the member may work in: their own first, then the others by name."""
    others = list(
        Member.select().join(Delegate, on=(Delegate.inbox == Member.id))
        .where(Delegate.staff == member_id).order_by(Member.name, Member.id)
    )
    return [member_by_id(member_id), *others]


def delegates(inbox_id: int | None, viewer_id: int) -> list[DelegateView]:
    """The delegates of one inbox (its team may ask), or of every inbox the viewer works in."""
    if inbox_id is not None:
        check_may_work_in(viewer_id, inbox_id)
        inboxes = [inbox_id]
    else:
        inboxes = [inbox.id for inbox in inboxes_for(viewer_id)]
    inbox, staff = Member.alias("inbox"), Member.alias("staff")
    rows = tuples(
        Delegate.select(inbox.handle, inbox.name, staff.handle, staff.name, Delegate.added_at)
        .join(inbox, on=(Delegate.inbox == inbox.id))
        .join(staff, on=(Delegate.staff == staff.id), src=Delegate)
        .where(Delegate.inbox.in_(inboxes))
        .order_by(inbox.name, inbox.id, staff.name, staff.id)
    )
    return [DelegateView(*row) for row in rows]


def _check_owner(acting_id: int, inbox: Member) -> None:
    if acting_id != inbox.id:
        raise Refused(f"Only {inbox.name} can add or remove the delegates of their inbox.")


def add_delegate(acting_id: int, inbox_handle: str, staff_handle: str, now: datetime | None = None) -> None:
    at = now or clock.now()
    inbox, staff = member_by_handle(inbox_handle), member_by_handle(staff_handle)
    _check_owner(acting_id, inbox)
    if staff.id == inbox.id:
        raise BadInput("An inbox's own member works in it already; name someone else.")
    if staff.kind != "person":
        raise Refused(f"{staff.name} is a company page; only people can work in an inbox.")
    with write():
        if is_delegate(inbox.id, staff.id):
            raise BadInput(f"{staff.name} already works in this inbox.")
        Delegate.create(inbox=inbox.id, staff=staff.id, added_at=at)
        _record(inbox.id, acting_id, DELEGATE_ADD, [None], at, staff.handle)


def remove_delegate(acting_id: int, inbox_handle: str, staff_handle: str, now: datetime | None = None) -> None:
    """The delegate's access ends at once; what was assigned to them is unassigned."""
    at = now or clock.now()
    inbox, staff = member_by_handle(inbox_handle), member_by_handle(staff_handle)
    _check_owner(acting_id, inbox)
    with write():
        removed = Delegate.delete().where((Delegate.inbox == inbox.id) & (Delegate.staff == staff.id)).execute()
        if not removed:
            raise BadInput(f"{staff.name} does not work in this inbox.")
        ConversationState.update(assignee=None).where(
            (ConversationState.member == inbox.id) & (ConversationState.assignee == staff.id)
        ).execute()
        _record(inbox.id, acting_id, DELEGATE_REMOVE, [None], at, staff.handle)


# ---- the audit -----------------------------------------------------------------------------


def record(inbox_id: int, author_id: int | None, action: str, conversation_ids: Iterable[int | None],
           at: datetime | None = None, detail: str = "", *, always: bool = False) -> None:
    """Note an action in the inbox's audit, inside the caller's transaction.

    ``author_id`` is who is at the keyboard (None: the inbox member). A delegate whose access
    has ended is refused here, so the whole action is undone. An inbox with no team keeps no
    audit, unless ``always``.
    """
    author = inbox_id if author_id is None else author_id
    if author != inbox_id:
        check_may_work_in(author, inbox_id)
    elif not always and not is_shared(inbox_id):
        return
    _record(inbox_id, author, action, conversation_ids, at or clock.now(), detail)


def _record(inbox_id: int, author_id: int, action: str, conversation_ids: Iterable[int | None], at: datetime,
            detail: str) -> None:
    rows = [(inbox_id, author_id, action, conversation_id, detail[:300], at) for conversation_id in conversation_ids]
    if rows:
        AuditEntry.insert_many(rows, fields=[AuditEntry.inbox, AuditEntry.author, AuditEntry.action,
                                             AuditEntry.conversation, AuditEntry.detail, AuditEntry.at]).execute()


def audit(inbox_id: int, viewer_id: int, *, conversation_id: int | None = None, since: datetime | None = None,
          limit: int | None = None) -> list[AuditView]:
    """The inbox's actions, oldest first; its team alone may read them."""
    check_may_work_in(viewer_id, inbox_id)
    author = Member.alias("author")
    condition = AuditEntry.inbox == inbox_id
    if conversation_id is not None:
        condition &= AuditEntry.conversation == conversation_id
    if since is not None:
        condition &= AuditEntry.at >= since
    query = (
        AuditEntry.select(AuditEntry.at, author.handle, author.name, AuditEntry.action, AuditEntry.conversation,
                          AuditEntry.detail)
        .join(author, JOIN.LEFT_OUTER, on=(AuditEntry.author == author.id))
        .where(condition)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    found = [AuditView(at, handle, name or "A former member", action, conversation, detail)
             for at, handle, name, action, conversation, detail in tuples(query)]
    found.reverse()
    return found


# ---- assignment and notes ------------------------------------------------------------------


def assign(inbox_id: int, author_id: int | None, conversations, assignee_handle: str | None,
           now: datetime | None = None) -> Member | None:
    """Give the conversation, or each of a list of them, to one of the inbox's team (None: to
    nobody), all in one transaction; the assignee is returned."""
    wanted = list(conversations) if isinstance(conversations, (list, tuple, set)) else [conversations]
    at = now or clock.now()
    assignee = None
    if assignee_handle is not None:
        try:
            assignee = member_by_handle(assignee_handle)
        except NotFound:
            raise BadInput(f"There is no member {assignee_handle!r}.") from None
    with write():
        states = [member_state(inbox_id, conversation_id) for conversation_id in wanted]
        if assignee is not None and not may_work_in(assignee.id, inbox_id):
            raise Refused(f"{assignee.name} doesn't work in this inbox; add them as a delegate first.")
        ConversationState.update(assignee=assignee.id if assignee else None).where(
            ConversationState.id.in_([state.id for state in states])
        ).execute()
        record(inbox_id, author_id, ASSIGN, [state.conversation_id for state in states], at,
               assignee.handle if assignee else "")
    return assignee


def note(inbox_id: int, author_id: int | None, conversation_id, body: str | None, now: datetime | None = None) -> int:
    """Leave an internal note in the thread: for the inbox's team only. It is never delivered,
    never counted as a response, and moves neither the list's order nor its unread counts."""
    at = now or clock.now()
    if body is None or is_blank(body):
        raise BadInput("A note can't be empty.")
    if len(body) > LIMITS.message_body_max:
        raise BadInput(f"A note can be at most {LIMITS.message_body_max:,} characters.")
    with write():
        state = member_state(inbox_id, conversation_id)
        # Always in the audit, whose new row is also what wakes the team's open screens.
        record(inbox_id, author_id, NOTED, [state.conversation_id], at, always=True)
        message = Message.create(
            conversation=state.conversation_id, sender=inbox_id, author=author_id or inbox_id, kind=NOTE,
            subject="", body=body, sent_at=at,
        )
        index_message(message.id, "", body, lambda: people_of(state.conversation_id, inbox_id))
    return message.id
