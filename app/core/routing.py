"""Who can message whom, and at what cost (SPEC §2). The first matching rule wins.

``decide`` is the one decision: the compose screen's route line asks it through
``route``, and a send asks it on the members it has already loaded. Each fact it
reads about the pair is read from the store once, when first needed, so a
connection is never asked whether it accepts InMail.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from app.core import clock, credits, statements
from app.core.delivery import RESPONSES, folder_for
from app.core.directory import members_by_id
from app.core.plans import plan
from app.core.views import RouteDecision
from app.store.models import Member, MemberSettings

CANT_MESSAGE = "You can't message this member."
CANT_MESSAGE_YOURSELF = "You can't message yourself."
COMPANY_ACCOUNT = "A company account can't be messaged or sent InMail; it only sends sponsored messages."
COMPANY_SENDS_SPONSORED_ONLY = "A company account only sends sponsored messages."
INMAIL_NEEDS_PREMIUM = "InMail needs a Premium plan."
INMAIL_TURNED_OFF = "This member doesn't accept InMail."
INMAIL_AWAITS_RESPONSE = "You already sent this member an InMail; wait for a response before sending another."
# Broadcasts, notices and a shared inbox's internal notes are not the recipient writing to the sender.
NOT_WRITTEN = ("sponsored", "system", "note")

MESSAGE = RouteDecision(route="message", cost=0, folder=folder_for("message"))
OPEN_PROFILE = RouteDecision(route="open-profile", cost=0, folder=folder_for("open-profile"))
INMAIL = RouteDecision(route="inmail", cost=1, folder=folder_for("inmail"))


def refused(sentence: str) -> RouteDecision:
    return RouteDecision(route=None, cost=0, folder=None, refusal=sentence)


class Pair:
    """A sender and a recipient, and the facts about them the route depends on."""

    def __init__(self, sender: Member, recipient: Member) -> None:
        self.sender = sender
        self.recipient = recipient

    @cached_property
    def _ties(self) -> tuple[bool, bool]:
        # Every route that gets past a block asks about a connection next: both in one read.
        blocked, connected = statements.TIES.rows(a=self.sender.id, b=self.recipient.id)[0]
        return bool(blocked), bool(connected)

    @property
    def blocked(self) -> bool:
        return self._ties[0]

    @property
    def connected(self) -> bool:
        return self._ties[1]

    @cached_property
    def answered(self) -> bool:
        """They share a conversation in which the recipient has written, or answered an InMail."""
        pair = {"sender": self.sender.id, "recipient": self.recipient.id}
        if statements.RECIPIENT_WROTE.first((NOT_WRITTEN,), **pair) is not None:
            return True
        return statements.INMAIL_WITH_STATUS.first((RESPONSES,), **pair) is not None

    @cached_property
    def settings(self) -> MemberSettings:
        # A member without a settings row (an imported one) has the defaults.
        return statements.SETTINGS.first(member=self.recipient.id) or MemberSettings()

    @cached_property
    def awaiting_response(self) -> bool:
        return statements.INMAIL_WITH_STATUS.first(
            (("pending",),), sender=self.sender.id, recipient=self.recipient.id
        ) is not None

    @cached_property
    def balance(self) -> int:
        return credits.balance(self.sender.id)

    @property
    def opens_profile(self) -> bool:
        """The recipient is premium with Open Profile on and accepts Open Profile messages."""
        recipient = self.recipient
        return plan(recipient.plan).premium and recipient.open_profile and self.settings.allow_open_profile


def no_credits_sentence(sender: Member, now: datetime) -> str:
    arrives = credits.grant_after(sender, now)
    if arrives is None:
        return "You have no InMail credits left; your plan grants none."
    return f"You have no InMail credits left; {plan(sender.plan).monthly} more arrive on {arrives:%Y-%m-%d}."


def inmail_route(pair: Pair, now: datetime) -> RouteDecision:
    """InMail, or the one reason the sender can't send one."""
    if not plan(pair.sender.plan).premium:
        return refused(INMAIL_NEEDS_PREMIUM)
    if not pair.settings.allow_inmail:
        return refused(INMAIL_TURNED_OFF)
    if pair.awaiting_response:
        return refused(INMAIL_AWAITS_RESPONSE)
    if pair.balance < INMAIL.cost:
        return refused(no_credits_sentence(pair.sender, now))
    return INMAIL


def decide(pair: Pair, now: datetime) -> RouteDecision:
    """What sending from the pair's sender to its recipient does, decided before sending."""
    if pair.sender.id == pair.recipient.id:
        return refused(CANT_MESSAGE_YOURSELF)
    if pair.blocked:
        return refused(CANT_MESSAGE)
    # Company accounts reach members by sponsored messages only, never by the route.
    if pair.recipient.kind == "company":
        return refused(COMPANY_ACCOUNT)
    if pair.sender.kind == "company":
        return refused(COMPANY_SENDS_SPONSORED_ONLY)
    if pair.connected or pair.answered:
        return MESSAGE
    if pair.opens_profile:
        return OPEN_PROFILE
    return inmail_route(pair, now)


def route(sender_id: int, recipient_id: int, now: datetime | None = None) -> RouteDecision:
    """What sending from ``sender_id`` to ``recipient_id`` would do (the compose screen's route line)."""
    sender, recipient = members_by_id(sender_id, recipient_id)
    return decide(Pair(sender, recipient), now or clock.now())
