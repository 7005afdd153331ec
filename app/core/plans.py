"""Every number of the messaging rules, in one place (SPEC §1-§4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Plan:
    name: str
    label: str
    monthly: int
    cap: int

    @property
    def premium(self) -> bool:
        return self.name != "basic"


PLANS: dict[str, Plan] = {
    p.name: p
    for p in (
        Plan("basic", "Basic (free)", 0, 0),
        Plan("premium-career", "Premium Career", 5, 15),
        Plan("premium-business", "Premium Business", 15, 45),
        Plan("sales-navigator", "Sales Navigator", 50, 150),
        Plan("recruiter-lite", "Recruiter Lite", 30, 90),
    )
}
BASIC = "basic"


@dataclass(frozen=True)
class Limits:
    credit_lifetime: timedelta = timedelta(days=120)
    refund_window: timedelta = timedelta(days=90)
    inmail_expiry: timedelta = timedelta(days=90)
    reminder_after: timedelta = timedelta(days=3)
    recall_window: timedelta = timedelta(minutes=60)
    subject_max: int = 200
    inmail_body_max: int = 2_000
    message_body_max: int = 28_000
    attachment_max_bytes: int = 25 * 1024 * 1024
    inmail_attachment_max_bytes: int = 5 * 1024 * 1024
    group_max_members: int = 50
    bulk_spam_copies: int = 5
    bulk_spam_window: timedelta = timedelta(hours=24)
    handle_max: int = 60
    preview_stored: int = 140  # characters of the latest message a conversation keeps
    preview_shown: int = 120  # characters of it a list row shows
    search_max_chars: int = 500  # a search's text, so that no query can keep the store busy for long
    search_max_terms: int = 20  # words, phrases, exclusions and operators in one search


LIMITS = Limits()


class UnknownPlan(ValueError):
    pass


def plan(name: str) -> Plan:
    try:
        return PLANS[name]
    except KeyError:
        choices = ", ".join(PLANS)
        raise UnknownPlan(f"Unknown plan {name!r}; choose one of: {choices}.") from None
