"""Who can message whom, and at what cost (SPEC §2). The first matching rule wins."""

from __future__ import annotations

from datetime import datetime

from app.core import clock, credits
from app.core.members import is_blocked_either, is_connected, member_by_id
from app.core.plans import plan
from app.core.views import RouteDecision
from app.store.models import ConversationState, InMail, MemberSettings, Message

CANT_MESSAGE = "You can't message this member."
CANT_MESSAGE_YOURSELF = "You can't message yourself."
INMAIL_NEEDS_PREMIUM = "InMail needs a Premium plan."
INMAIL_TURNED_OFF = "This member doesn't accept InMail."
INMAIL_AWAITS_RESPONSE = "You already sent this member an InMail; wait for a response before sending another."
ANSWERED = ("replied", "accepted", "declined")
# Broadcasts and notices are not the recipient writing to the sender.
NOT_WRITTEN = ("sponsored", "system")

MESSAGE = RouteDecision(route="message", cost=0, folder="focused")
OPEN_PROFILE = RouteDecision(route="open-profile", cost=0, folder="other")
INMAIL = RouteDecision(route="inmail", cost=1, folder="focused")


def refused(sentence: str) -> RouteDecision:
    return RouteDecision(route=None, cost=0, folder=None, refusal=sentence)


def no_credits_sentence(sender_id: int, now: datetime) -> str:
    arrives = credits.next_grant(sender_id, now)
    if arrives is None:
        return "You have no InMail credits left; your plan grants none."
    monthly = plan(member_by_id(sender_id).plan).monthly
    return f"You have no InMail credits left; {monthly} more arrive on {arrives:%Y-%m-%d}."


def recipient_has_answered(sender_id: int, recipient_id: int) -> bool:
    """They share a conversation in which the recipient has written, or answered an InMail."""
    shared_conversations = ConversationState.select(ConversationState.conversation).where(
        ConversationState.member == sender_id
    )
    wrote = Message.select().where(
        (Message.sender == recipient_id)
        & Message.kind.not_in(NOT_WRITTEN)
        & Message.conversation.in_(shared_conversations)
    )
    if wrote.exists():
        return True
    answered = InMail.select().where(
        (InMail.sender == sender_id) & (InMail.recipient == recipient_id) & InMail.status.in_(ANSWERED)
    )
    return answered.exists()


def opens_profile_to(recipient_id: int) -> bool:
    """The recipient is premium with Open Profile on and accepts Open Profile messages."""
    recipient = member_by_id(recipient_id)
    if not (plan(recipient.plan).premium and recipient.open_profile):
        return False
    settings = MemberSettings.get_or_none(MemberSettings.member == recipient_id)
    return settings is None or settings.allow_open_profile


def accepts_inmail(recipient_id: int) -> bool:
    settings = MemberSettings.get_or_none(MemberSettings.member == recipient_id)
    return settings is None or settings.allow_inmail


def awaiting_response(sender_id: int, recipient_id: int) -> bool:
    return (
        InMail.select()
        .where((InMail.sender == sender_id) & (InMail.recipient == recipient_id) & (InMail.status == "pending"))
        .exists()
    )


def inmail_route(sender_id: int, recipient_id: int, now: datetime) -> RouteDecision:
    """InMail, or the one reason the sender can't send one."""
    if not plan(member_by_id(sender_id).plan).premium:
        return refused(INMAIL_NEEDS_PREMIUM)
    if not accepts_inmail(recipient_id):
        return refused(INMAIL_TURNED_OFF)
    if awaiting_response(sender_id, recipient_id):
        return refused(INMAIL_AWAITS_RESPONSE)
    if credits.balance(sender_id) < INMAIL.cost:
        return refused(no_credits_sentence(sender_id, now))
    return INMAIL


def route(sender_id: int, recipient_id: int, now: datetime | None = None) -> RouteDecision:
    """What sending from ``sender_id`` to ``recipient_id`` would do, decided before sending."""
    at = now or clock.now()
    member_by_id(sender_id)
    member_by_id(recipient_id)
    if sender_id == recipient_id:
        return refused(CANT_MESSAGE_YOURSELF)
    if is_blocked_either(sender_id, recipient_id):
        return refused(CANT_MESSAGE)
    if is_connected(sender_id, recipient_id) or recipient_has_answered(sender_id, recipient_id):
        return MESSAGE
    if opens_profile_to(recipient_id):
        return OPEN_PROFILE
    return inmail_route(sender_id, recipient_id, at)
