"""Connection requests: one member invites another, with an optional note; accepting
connects them, and from then on they message each other for free (SPEC §2's first row).

An invitation is pending until its recipient accepts or ignores it, or its sender
withdraws it. Only one can be pending between two members, whichever way it goes.
"""

from __future__ import annotations

from datetime import datetime

from app.core import clock
from app.core.directory import member_by_handle, member_by_id
from app.core.errors import BadInput, NotFound, Refused
from app.core.members import answer_waiting, connect_ids, is_blocked_either, is_connected
from app.core.views import POSSIBLE, RECEIVED, SENT, InvitationView
from app.store.db import write
from app.store.models import INVITATION_IGNORED, INVITATION_PENDING, INVITATION_WITHDRAWN, Invitation, Member

NOTE_MAX = 300


def invite(member_id: int, handle: str, note: str = "", now: datetime | None = None) -> InvitationView:
    """Send ``handle`` an invitation to connect; the rules below say when one cannot be sent."""
    at = now or clock.now()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise BadInput(f"An invitation's note can be at most {NOTE_MAX} characters; this one has {len(note)}.")
    sender = member_by_id(member_id)
    other = member_by_handle(handle)
    with write():
        _check_can_invite(sender, other)
        invitation = Invitation.create(sender=sender.id, recipient=other.id, note=note, sent_at=at)
    return _view(invitation, other, SENT)


def _check_can_invite(sender: Member, other: Member) -> None:
    if other.id == sender.id:
        raise Refused("You can't invite yourself.")
    if other.kind == "company" or sender.kind == "company":
        raise Refused(f"{other.name} is a company page: it can be followed, not invited to connect."
                      if other.kind == "company" else "A company page can't invite members to connect.")
    if is_blocked_either(sender.id, other.id):
        raise Refused(f"You can't invite {other.name}: one of you has blocked the other.")
    if is_connected(sender.id, other.id):
        raise Refused(f"You and {other.name} are already connected.")
    if _pending(other.id, sender.id) is not None:
        raise Refused(f"{other.name} has already invited you: accept their invitation instead.")
    if _pending(sender.id, other.id) is not None:
        raise Refused(f"You have already invited {other.name}; the invitation is waiting for an answer.")


def accept(member_id: int, handle: str, now: datetime | None = None) -> InvitationView:
    """Accept the invitation ``handle`` sent: the two are connected (1st degree, both ways)."""
    at = now or clock.now()
    sender = member_by_handle(handle)
    with write():
        invitation = _received(member_id, sender)
        connect_ids(sender.id, member_id, at)  # which answers the invitation: accepted
    return _view(Invitation.get_by_id(invitation.id), sender, RECEIVED)


def ignore(member_id: int, handle: str, now: datetime | None = None) -> InvitationView:
    """Ignore the invitation ``handle`` sent: it is no longer pending, and its sender is not told."""
    at = now or clock.now()
    sender = member_by_handle(handle)
    with write():
        invitation = _received(member_id, sender)
        answer_waiting(sender.id, member_id, INVITATION_IGNORED, at)
    return _view(Invitation.get_by_id(invitation.id), sender, RECEIVED)


def withdraw(member_id: int, handle: str, now: datetime | None = None) -> InvitationView:
    """Take back the invitation sent to ``handle``."""
    at = now or clock.now()
    recipient = member_by_handle(handle)
    with write():
        invitation = _pending(member_id, recipient.id)
        if invitation is None:
            raise NotFound(f"You have no pending invitation to {recipient.name}.")
        answer_waiting(member_id, recipient.id, INVITATION_WITHDRAWN, at)
    return _view(Invitation.get_by_id(invitation.id), recipient, SENT)


def pending(member_id: int, *, sent: bool = False) -> list[InvitationView]:
    """Pending invitations the member received (or sent), newest first."""
    mine, theirs = (Invitation.sender, Invitation.recipient) if sent else (Invitation.recipient, Invitation.sender)
    rows = (
        Invitation.select(Invitation, Member)
        .join(Member, on=(theirs == Member.id), attr="other")
        .where((mine == member_id) & (Invitation.status == INVITATION_PENDING))
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
    )
    direction = SENT if sent else RECEIVED
    return [_view(invitation, getattr(invitation, "other"), direction) for invitation in rows]


def pending_count(member_id: int) -> int:
    """How many invitations wait for this member's answer (the status line's figure)."""
    waiting = (Invitation.recipient == member_id) & (Invitation.status == INVITATION_PENDING)
    return Invitation.select().where(waiting).count()


def pending_between(member_id: int, other_id: int) -> str | None:
    """Which way an invitation is pending between the two (``sent`` by the member or
    ``received``), or None."""
    if _pending(member_id, other_id) is not None:
        return SENT
    if _pending(other_id, member_id) is not None:
        return RECEIVED
    return None


def invitation_state(member_id: int, other_id: int) -> str | None:
    """What the profile panel and Compose offer: an invitation ``sent`` or ``received`` and
    waiting, one that is ``possible`` to send now, or None (connected, blocked, a company…)."""
    waiting = pending_between(member_id, other_id)
    if waiting is not None:
        return waiting
    try:
        _check_can_invite(member_by_id(member_id), member_by_id(other_id))
    except Refused:
        return None
    return POSSIBLE


def _pending(sender_id: int, recipient_id: int) -> Invitation | None:
    return Invitation.get_or_none(
        (Invitation.sender == sender_id) & (Invitation.recipient == recipient_id)
        & (Invitation.status == INVITATION_PENDING)
    )


def _received(member_id: int, sender: Member) -> Invitation:
    invitation = _pending(sender.id, member_id)
    if invitation is None:
        raise NotFound(f"{sender.name} has no pending invitation to you.")
    return invitation


def _view(invitation: Invitation, other: Member, direction: str) -> InvitationView:
    return InvitationView(
        id=invitation.id,
        handle=other.handle,
        name=other.name,
        headline=other.headline,
        note=invitation.note,
        sent_at=invitation.sent_at,
        direction=direction,
        status=invitation.status,
    )
