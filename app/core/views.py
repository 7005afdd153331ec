"""Plain dataclasses the core hands to the command line and the screens.

Widgets never hold ORM objects or open transactions: every query in the core
returns these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Filters in the order of SPEC §5; the keys 1..9 select them in this order.
FILTERS: tuple[str, ...] = (
    "all",
    "focused",
    "other",
    "unread",
    "connections",
    "inmail",
    "starred",
    "archived",
    "spam",
)
# Two more after the others, for a shared inbox: the conversations assigned to whoever is at
# the keyboard, and those assigned to nobody.
TEAM_FILTERS: tuple[str, ...] = ("mine", "unassigned")
FILTER_LABELS: dict[str, str] = {
    "all": "All",
    "focused": "Focused",
    "other": "Other",
    "unread": "Unread",
    "connections": "My connections",
    "inmail": "InMail",
    "starred": "Starred",
    "archived": "Archived",
    "spam": "Spam",
    "mine": "Mine",
    "unassigned": "Unassigned",
    "drafts": "Drafts",
}
# Drafts is a list of its own after the filters (key 0): messages kept while being written.
DRAFTS = "drafts"
LISTS: tuple[str, ...] = (*FILTERS, DRAFTS)
# The key that shows each list: 1…9 for the filters in their order, 0 for Drafts.
LIST_KEYS: dict[str, str] = {**{name: str(number) for number, name in enumerate(FILTERS, 1)}, DRAFTS: "0"}


@dataclass(frozen=True)
class MemberView:
    id: int
    handle: str
    name: str
    headline: str
    company: str
    position: str
    location: str
    plan: str
    open_profile: bool
    kind: str = "person"


# Which way an invitation goes, as one member sees it; POSSIBLE: none waits, one may be sent.
RECEIVED, SENT, POSSIBLE = "received", "sent", "possible"


@dataclass(frozen=True)
class InvitationView:
    """A connection request as one side sees it: ``handle`` and ``name`` are the other member's."""

    id: int
    handle: str
    name: str
    headline: str
    note: str
    sent_at: datetime
    direction: str  # received | sent
    status: str = "pending"


@dataclass(frozen=True)
class TemplateView:
    name: str
    subject: str
    body: str
    updated_at: datetime


@dataclass(frozen=True)
class RouteDecision:
    """What sending to a recipient would do (SPEC §2), before anything is sent."""

    route: str | None  # message | open-profile | inmail | None when refused
    cost: int
    folder: str | None  # focused | other
    refusal: str | None = None  # the exact sentence when refused

    @property
    def allowed(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class ConversationRow:
    """One line of the conversation list."""

    id: int
    title: str  # sender name, or the group title
    kind: str  # direct | inmail | open_profile | group | sponsored
    folder: str
    unread: int
    archived: bool
    starred: bool
    muted: bool
    spam: bool
    inmail: bool
    subject: str
    preview: str
    last_at: datetime
    inmail_status: str | None = None  # pending | accepted | ... for InMail conversations
    reminder: bool = False  # a pending InMail that has had its 3-day reminder
    has_attachment: bool = False
    match: str = ""  # in search results: the words around the newest match, when they are in its text
    assignee: str = ""  # in a shared inbox: the short name of whoever it is assigned to

    @property
    def cursor(self) -> tuple[datetime, int]:
        """The keyset position of this row, for fetching the next page."""
        return (self.last_at, self.id)


@dataclass(frozen=True)
class Counts:
    """How many conversations each filter holds, and how many are unread."""

    by_filter: dict[str, int]
    unread_by_filter: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.by_filter[name]


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    size: int
    mime: str


@dataclass(frozen=True)
class MessageView:
    id: int
    sender_id: int | None
    sender_handle: str | None
    sender_name: str
    kind: str  # message | inmail | open_profile | sponsored | system | note
    subject: str
    body: str  # "This message was deleted." when recalled
    at: datetime
    recalled: bool = False
    attachments: tuple[AttachmentView, ...] = ()
    seen: bool = False  # the other side has read it and both have read receipts on
    has_links: bool = False
    # In a shared inbox, for its team only: the teammate who wrote it for the inbox.
    author_handle: str | None = None
    author_name: str | None = None


@dataclass(frozen=True)
class ThreadView:
    id: int
    title: str
    kind: str
    subject: str
    folder: str
    archived: bool
    starred: bool
    muted: bool
    spam: bool
    participants: tuple[MemberView, ...]
    inmail_status: str | None = None
    inmail_sender_id: int | None = None
    can_quick_reply: bool = False  # the viewer is the recipient of a pending InMail
    link_warning: bool = False  # show "This message may contain unwanted or harmful content."
    message_count: int = 0


@dataclass(frozen=True)
class ProfileFacts:
    member: MemberView
    degree: str  # "1st" | "2nd" | "3rd+" | "you"
    shared: tuple[MemberView, ...]
    blocked: bool = False  # the viewer has blocked this member
    invitation: str | None = None  # "sent" | "received" | "possible" (to send now) | None


@dataclass(frozen=True)
class BlockedMember:
    member: MemberView
    since: datetime


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    kind: str
    amount: int
    reason: str
    balance: int  # running balance after this entry


@dataclass(frozen=True)
class ExpiringCredits:
    amount: int
    expires_at: datetime


@dataclass(frozen=True)
class CreditsView:
    plan: str
    plan_label: str
    balance: int
    cap: int
    monthly: int
    next_grant: datetime | None
    expiring: tuple[ExpiringCredits, ...]
    ledger: tuple[LedgerLine, ...]


@dataclass(frozen=True)
class DraftView:
    """A message kept while it was being written (compose closed before sending)."""

    id: int
    to_handles: tuple[str, ...]
    subject: str
    body: str
    conversation_id: int | None
    updated_at: datetime


@dataclass(frozen=True)
class SendResult:
    conversation: int
    message: int
    route: str  # message | open-profile | inmail
    credits_left: int
    spam: bool = False  # the recipient's copy went to Spam by the bulk rule
