"""Peewee models of the Parley store.

Times are naive UTC datetimes. Booleans that a filter reads are kept beside a
derived `box` column on ConversationState so that every inbox filter is an
equality prefix of one composite index (no scan, no partial-index tricks, the
same plan on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from peewee import (
    AutoField,
    BaseQuery,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateTimeField,
    Expression,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    SQL,
    TextField,
    fn,
)

database = DatabaseProxy()


def tuples(query: BaseQuery) -> Iterable[tuple[Any, ...]]:
    """The query's rows as tuples.

    The same as ``query.tuples()``: peewee's stubs type that as yielding model instances.
    """
    return cast(Iterable[tuple[Any, ...]], query.tuples())


class BaseModel(Model):
    # Peewee adds the key of every model that names none, and beside each foreign key the
    # ``<name>_id`` it reads without loading the row; both are declared for the type checker.
    id: AutoField[int]

    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the store itself (schema version, creation time)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Member(BaseModel):
    handle = CharField(max_length=100, unique=True)
    name = CharField(max_length=200)
    headline = CharField(max_length=300, default="")
    company = CharField(max_length=200, default="", index=True)
    position = CharField(max_length=200, default="")
    location = CharField(max_length=200, default="")
    plan = CharField(max_length=32, default="basic")
    # When the current plan started: the billing day and time of day of its grants.
    plan_started_at = DateTimeField()
    open_profile = BooleanField(default=False)
    # person | company (sends sponsored messages) | anonymous ("LinkedIn Member")
    kind = CharField(max_length=16, default="person")
    profile_url = CharField(max_length=500, default="")
    created_at = DateTimeField()


class MemberSettings(BaseModel):
    member = ForeignKeyField(Member, primary_key=True, backref="settings", on_delete="CASCADE")
    allow_inmail = BooleanField(default=True)
    allow_open_profile = BooleanField(default=True)
    allow_sponsored = BooleanField(default=True)
    focused_inbox = BooleanField(default=True)
    read_receipts = BooleanField(default=True)
    notifications = BooleanField(default=True)
    # With a default in the table too: the bulk writers leave it out of their inserts.
    desktop_notifications = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])


class Connection(BaseModel):
    """One row per direction: (a, b) and (b, a) both exist for a connection."""

    member = ForeignKeyField(Member, backref="connections", on_delete="CASCADE")
    member_id: int
    other = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    other_id: int
    connected_at = DateTimeField()

    class Meta:
        indexes = ((("member", "other"), True), (("other", "member"), False))


class Block(BaseModel):
    blocker = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    blocker_id: int
    blocked = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    blocked_id: int
    at = DateTimeField()

    class Meta:
        indexes = ((("blocker", "blocked"), True), (("blocked", "blocker"), False))


# An invitation's status: waiting, or how it was answered.
INVITATION_PENDING, INVITATION_ACCEPTED, INVITATION_IGNORED, INVITATION_WITHDRAWN = (
    "pending", "accepted", "ignored", "withdrawn")


class Invitation(BaseModel):
    """A connection request: pending until its recipient accepts or ignores it, or its sender
    withdraws it. Answered ones are kept, with when."""

    sender = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    sender_id: int
    recipient = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    recipient_id: int
    note = TextField(default="")
    sent_at = DateTimeField()
    status = CharField(max_length=10, default=INVITATION_PENDING)
    answered_at = DateTimeField(null=True)
    external_id = CharField(max_length=200, null=True, unique=True)

    class Meta:
        indexes = ((("recipient", "status", "sent_at"), False), (("sender", "status", "sent_at"), False))


class Template(BaseModel):
    """A member's saved reply: a name, an optional subject and a body with placeholders."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    member_id: int
    name = CharField(max_length=100)
    subject = CharField(max_length=200, default="")
    body = TextField()
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("member", "name"), True),)


class Conversation(BaseModel):
    # direct | inmail | open_profile | group | sponsored
    kind = CharField(max_length=16, default="direct")
    title = CharField(max_length=300, default="")
    subject = CharField(max_length=300, default="")
    created_by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    created_by_id: int | None
    created_at = DateTimeField()
    last_at = DateTimeField()
    preview = CharField(max_length=300, default="")
    message_count = IntegerField(default=0)
    # Stable key from an imported archive, so a second import adds nothing.
    external_id = CharField(max_length=200, null=True, unique=True)


# ConversationState.box values: which top-level box a conversation sits in for a member.
BOX_INBOX, BOX_ARCHIVED, BOX_SPAM, BOX_DELETED = 0, 1, 2, 3
# The first flag that is set decides the box; none set means the inbox.
BOX_PRECEDENCE = (("deleted", BOX_DELETED), ("spam", BOX_SPAM), ("archived", BOX_ARCHIVED))


def box_for(*, deleted: bool, spam: bool, archived: bool) -> int:
    flags = {"deleted": deleted, "spam": spam, "archived": archived}
    return next((box for flag, box in BOX_PRECEDENCE if flags[flag]), BOX_INBOX)


class ConversationState(BaseModel):
    """One member's view of one conversation (§5)."""

    # Both keys lead a composite index below, which serves their lookups too.
    conversation = ForeignKeyField(Conversation, backref="states", on_delete="CASCADE", index=False)
    conversation_id: int
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE", index=False)
    member_id: int
    folder = CharField(max_length=8, default="focused")  # focused | other
    unread = IntegerField(default=0)
    has_unread = BooleanField(default=False)
    archived = BooleanField(default=False)
    muted = BooleanField(default=False)
    starred = BooleanField(default=False)
    spam = BooleanField(default=False)
    deleted = BooleanField(default=False)
    # Derived from archived/spam/deleted: always set through refresh_box().
    box = SmallIntegerField(default=BOX_INBOX)
    # Denormalised for filters: the other side in a 1:1 conversation, whether it is a
    # 1st-degree connection, whether the conversation is InMail.
    peer = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    peer_id: int | None
    connected = BooleanField(default=False)
    inmail = BooleanField(default=False)
    has_attachment = BooleanField(default=False)
    last_at = DateTimeField()
    read_upto = BigIntegerField(default=0)  # id of the last message this member has read
    marked_safe = BooleanField(default=False)
    left = BooleanField(default=False)
    # In a shared inbox: the teammate the conversation is assigned to (none: unassigned).
    assignee = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL", index=False)
    assignee_id: int | None

    def refresh_box(self) -> int:
        self.box = box_for(deleted=self.deleted, spam=self.spam, archived=self.archived)
        return self.box

    class Meta:
        indexes = (
            (("conversation", "member"), True),
            (("member", "box", "last_at", "id"), False),
            (("member", "box", "folder", "last_at", "id"), False),
            (("member", "box", "has_unread", "last_at", "id"), False),
            (("member", "box", "connected", "last_at", "id"), False),
            (("member", "box", "inmail", "last_at", "id"), False),
            (("member", "box", "starred", "last_at", "id"), False),
            (("member", "box", "assignee", "last_at", "id"), False),
            (("member", "peer"), False),
            # Covering index for the filter counts.
            (("member", "box", "folder", "has_unread", "connected", "inmail", "starred"), False),
        )


class StateCount(BaseModel):
    """How many of a member's conversations share one combination of what the filters read.

    Kept by the store's triggers as conversation states are written (``app.store.counts``),
    in the same transaction, so every filter's count is a sum over a few rows of the
    member's own, whatever the size of their inbox.
    """

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE", index=False)
    member_id: int
    box = SmallIntegerField()
    folder = CharField(max_length=8)
    has_unread = BooleanField()
    connected = BooleanField()
    inmail = BooleanField()
    starred = BooleanField()
    n = IntegerField()

    class Meta:
        primary_key = CompositeKey("member", "box", "folder", "has_unread", "connected", "inmail", "starred")


class Message(BaseModel):
    # Both keys lead a composite index below, which serves their lookups too.
    conversation = ForeignKeyField(Conversation, backref="messages", on_delete="CASCADE", index=False)
    conversation_id: int
    sender = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL", index=False)
    sender_id: int | None
    # message | inmail | open_profile | sponsored | system | note (a shared inbox's own)
    kind = CharField(max_length=16, default="message")
    subject = CharField(max_length=300, default="")
    body = TextField()
    sent_at = DateTimeField()
    recalled_at = DateTimeField(null=True)
    has_links = BooleanField(default=False)
    # Hash of the body with case and white space folded: the bulk-outreach rule.
    body_hash = CharField(max_length=64, default="")
    # Stable key from an imported archive. Not indexed: an import compares keys within
    # the conversations it adds to, and an index over every message would slow it down.
    external_id = CharField(max_length=200, null=True)
    # In a shared inbox: the teammate who wrote it for the sender (none: the sender did).
    author = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL", index=False)
    author_id: int | None

    class Meta:
        indexes = (
            (("conversation", "sent_at", "id"), False),
            # A sender's messages by time.
            (("sender", "sent_at"), False),
            # The bulk-outreach rule: a sender's copies of one text within a window, found
            # without reading the rest of what they sent (``_copies_indexed``, schema step 9).
            (("sender", "body_hash", "sent_at"), False),
        )


class Attachment(BaseModel):
    message = ForeignKeyField(Message, backref="attachments", on_delete="CASCADE")
    message_id: int
    name = CharField(max_length=255)
    size = IntegerField()
    mime = CharField(max_length=120, default="application/octet-stream")
    data = BlobField()


INMAIL_STATUSES = ("pending", "accepted", "declined", "replied", "expired")


class InMail(BaseModel):
    message = ForeignKeyField(Message, unique=True, backref="+", on_delete="CASCADE")
    message_id: int
    conversation = ForeignKeyField(Conversation, backref="+", on_delete="CASCADE")
    conversation_id: int
    sender = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    sender_id: int
    recipient = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    recipient_id: int
    sent_at = DateTimeField()
    status = CharField(max_length=10, default="pending")
    responded_at = DateTimeField(null=True)
    refunded = BooleanField(default=False)
    reminded_at = DateTimeField(null=True)
    # False for InMail recognised in an imported archive: it never touches credits.
    billed = BooleanField(default=True)

    class Meta:
        table_name = "inmail"
        indexes = (
            (("status", "sent_at"), False),
            # The reminders due: pending, billed, not yet reminded, oldest first.
            (("status", "billed", "reminded_at", "sent_at"), False),
            (("sender", "recipient", "status"), False),
            (("recipient", "status"), False),
        )


class CreditLot(BaseModel):
    """Credits granted together, spent soonest-expiring first."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    member_id: int
    granted_at = DateTimeField()
    expires_at = DateTimeField()
    amount = IntegerField()
    remaining = IntegerField()
    source = CharField(max_length=10, default="grant")  # grant | refund

    class Meta:
        indexes = ((("member", "remaining", "expires_at"), False),)


class CreditDue(BaseModel):
    """When a member's credits next change by themselves (a monthly grant or a lot expiring).

    No row: nothing will. Settling finds the members due through the index on
    ``due_at`` and writes each one's next time as it settles them; a time earlier
    than the real one only costs a settle that finds nothing, never a missed effect.
    """

    member = ForeignKeyField(Member, primary_key=True, backref="+", on_delete="CASCADE")
    member_id: int
    due_at = DateTimeField(index=True)


LEDGER_KINDS = ("grant", "spend", "refund", "expire", "forfeit", "cap-trim")


class LedgerEntry(BaseModel):
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    member_id: int
    at = DateTimeField()
    kind = CharField(max_length=10)
    amount = IntegerField()
    reason = CharField(max_length=300, default="")
    inmail = ForeignKeyField(InMail, null=True, backref="+", on_delete="SET NULL")
    inmail_id: int | None

    class Meta:
        indexes = ((("member", "at", "id"), False),)


REPORT_REASONS = (
    "spam",
    "scam or fraud",
    "harassment",
    "fake account",
    "inappropriate content",
    "something else",
)


class Report(BaseModel):
    reporter = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    reporter_id: int
    reported = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    reported_id: int | None
    conversation = ForeignKeyField(Conversation, backref="+", on_delete="CASCADE")
    conversation_id: int
    reason = CharField(max_length=40)
    at = DateTimeField()


class Withheld(BaseModel):
    """A group message never delivered to a member because a block stood between that member
    and its sender when it was sent. It stays held back after an unblock: it never arrived."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    member_id: int
    message = ForeignKeyField(Message, backref="+", on_delete="CASCADE")
    message_id: int

    class Meta:
        primary_key = CompositeKey("member", "message")


NOTE = "note"


def delivered_to(member) -> Expression:
    """The message (``Message``) reached this member: no block held it back, and it is not an
    internal note of another member's inbox (a note is its inbox's alone). The same rule in
    SQL for the full-text backends is ``app.store.search.DELIVERED``."""
    return ((Message.kind != NOTE) | (Message.sender == member)) & ~fn.EXISTS(
        Withheld.select(SQL("1")).where((Withheld.member == member) & (Withheld.message == Message.id))
    )


class Delegate(BaseModel):
    """A member who may work in another member's inbox: the inbox is then shared."""

    inbox = ForeignKeyField(Member, backref="+", on_delete="CASCADE", index=False)
    inbox_id: int
    staff = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    staff_id: int
    added_at = DateTimeField()

    class Meta:
        indexes = ((("inbox", "staff"), True),)


class AuditEntry(BaseModel):
    """One action in a shared inbox: who did it, when, to which conversation."""

    inbox = ForeignKeyField(Member, backref="+", on_delete="CASCADE", index=False)
    inbox_id: int
    author = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL", index=False)
    author_id: int | None
    action = CharField(max_length=16)
    conversation = ForeignKeyField(Conversation, null=True, backref="+", on_delete="SET NULL", index=False)
    conversation_id: int | None
    detail = CharField(max_length=300, default="")
    at = DateTimeField()

    class Meta:
        table_name = "audit"
        indexes = (
            (("inbox", "at", "id"), False),
            (("inbox", "conversation", "at", "id"), False),
        )


class Draft(BaseModel):
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    member_id: int
    conversation = ForeignKeyField(Conversation, null=True, backref="+", on_delete="CASCADE")
    conversation_id: int | None
    to_handles = CharField(max_length=2000, default="")
    subject = CharField(max_length=300, default="")
    body = TextField(default="")
    updated_at = DateTimeField()
    external_id = CharField(max_length=200, null=True, unique=True)


class Change(BaseModel):
    """The feed of writes, read by open screens to refresh live: written by the store's
    triggers (``app.store.changes``), its oldest rows pruned as it grows."""

    at = DateTimeField()
    member = ForeignKeyField(Member, null=True, backref="+", on_delete="CASCADE")
    member_id: int | None
    conversation = ForeignKeyField(Conversation, null=True, backref="+", on_delete="CASCADE")
    conversation_id: int | None
    kind = CharField(max_length=16)  # message | state | credits | member

    class Meta:
        indexes = ((("member", "id"), False),)


ALL_MODELS = [
    Meta,
    Member,
    MemberSettings,
    Connection,
    Block,
    Invitation,
    Template,
    Conversation,
    ConversationState,
    StateCount,
    Message,
    Attachment,
    InMail,
    CreditLot,
    CreditDue,
    LedgerEntry,
    Report,
    Withheld,
    Delegate,
    AuditEntry,
    Draft,
    Change,
]
