"""The statements a send runs, each built once (``app.store.prepared``).

Sending is the store's busiest write: members, the route's facts, the pair's thread,
the message and everyone's view of it, the credit spent. Each of those reads and
writes is named here once, with slots for its values, so a send spends its time in
the database rather than in building SQL. The rules that use them stay where they
were (routing, messaging, credits); these are only their queries.
"""

from __future__ import annotations

from peewee import SQL, Select, fn

from app.store.models import (
    Block,
    Connection,
    Conversation,
    ConversationState,
    CreditDue,
    CreditLot,
    Delegate,
    Draft,
    InMail,
    LedgerEntry,
    Member,
    MemberSettings,
    Message,
)
from app.store.prepared import Prepared, Slot, locking, slots

# ---- members --------------------------------------------------------------------------------

MEMBER_BY_ID = Prepared(lambda: Member.select().where(Member.id == Slot("id")).limit(1))
MEMBERS_BY_HANDLE = Prepared(lambda n: Member.select().where(Member.handle.in_(slots("handles", n))))
# A sender and the members named, held for the unit in id order (as ``credits.lock_members``).
SENDER_AND_NAMED = Prepared(lambda n: locking(
    Member.select().where((Member.id == Slot("sender")) | Member.handle.in_(slots("handles", n))).order_by(Member.id)
))
BLOCKED_EITHER = Prepared(lambda: Block.select(Block.id).where(
    ((Block.blocker == Slot("a")) & (Block.blocked == Slot("b")))
    | ((Block.blocker == Slot("b")) & (Block.blocked == Slot("a")))
).limit(1).tuples())
BLOCKED_AMONG = Prepared(lambda n: Block.select(Block.blocker, Block.blocked).where(
    ((Block.blocker == Slot("member")) & Block.blocked.in_(slots("others", n)))
    | (Block.blocker.in_(slots("others", n)) & (Block.blocked == Slot("member")))
).tuples())
CONNECTED = Prepared(lambda: Connection.select(Connection.id).where(
    (Connection.member == Slot("a")) & (Connection.other == Slot("b"))
).limit(1).tuples())
# Both ties between two members, read together: a block either way, and a connection.
TIES = Prepared(lambda: Select(columns=[
    fn.EXISTS(BLOCKED_EITHER.build().select(SQL("1"))),
    fn.EXISTS(CONNECTED.build().select(SQL("1"))),
]).tuples())

# ---- a shared inbox: asked on every send and triage, to check and audit its author -----------------

INBOX_SHARED = Prepared(lambda: Delegate.select(Delegate.id).where(Delegate.inbox == Slot("inbox")).limit(1).tuples())
IS_DELEGATE = Prepared(lambda: Delegate.select(Delegate.id).where(
    (Delegate.inbox == Slot("inbox")) & (Delegate.staff == Slot("staff"))
).limit(1).tuples())

# ---- the route's facts about a pair ------------------------------------------------------------

# Each of the recipient's messages is checked for the sender's view of its conversation, by the
# (conversation, member) index: as ``IN (the sender's conversations)`` SQLite listed all of
# them first, a second for a sender in 1,000,000 conversations.
RECIPIENT_WROTE = Prepared(lambda not_written: Message.select(Message.id).where(
    (Message.sender == Slot("recipient"))
    & Message.kind.not_in(list(not_written))
    & fn.EXISTS(ConversationState.select(SQL("1")).where(
        (ConversationState.conversation == Message.conversation) & (ConversationState.member == Slot("sender"))
    ))
).limit(1).tuples())
INMAIL_WITH_STATUS = Prepared(lambda statuses: InMail.select(InMail.id).where(
    (InMail.sender == Slot("sender")) & (InMail.recipient == Slot("recipient")) & InMail.status.in_(list(statuses))
).limit(1).tuples())
SETTINGS = Prepared(lambda: MemberSettings.select().where(MemberSettings.member == Slot("member")).limit(1))

# ---- the thread and the message ---------------------------------------------------------------

PAIR_THREAD = Prepared(lambda kinds: (
    ConversationState.select(ConversationState, Conversation)
    .join(Conversation)
    .where(
        (ConversationState.member == Slot("sender"))
        & (ConversationState.peer == Slot("recipient"))
        & Conversation.kind.in_(list(kinds))
    )
    .order_by(ConversationState.last_at.desc(), ConversationState.id.desc())
    .limit(1)
))
START_CONVERSATION = Prepared(lambda: Conversation.insert(
    kind=Slot("kind"), title=Slot("title"), subject=Slot("subject"), created_by=Slot("created_by"),
    created_at=Slot("at"), last_at=Slot("at"),
))
OPEN_STATE = Prepared(lambda: ConversationState.insert(
    conversation=Slot("conversation"), member=Slot("member"), peer=Slot("peer"), connected=Slot("connected"),
    inmail=Slot("inmail"), last_at=Slot("at"), folder=Slot("folder"), unread=Slot("unread"),
    has_unread=Slot("has_unread"), archived=Slot("archived"), spam=Slot("spam"), deleted=Slot("deleted"),
    box=Slot("box"),
))
ADD_MESSAGE = Prepared(lambda: Message.insert(
    conversation=Slot("conversation"), sender=Slot("sender"), kind=Slot("kind"), subject=Slot("subject"),
    body=Slot("body"), sent_at=Slot("at"), has_links=Slot("has_links"), body_hash=Slot("body_hash"),
    author=Slot("author"),
))
CONVERSATION_GREW = Prepared(lambda: Conversation.update(
    last_at=Slot("at"), preview=Slot("preview"), message_count=Conversation.message_count + 1
).where(Conversation.id == Slot("conversation")))
PRESENT_STATES = Prepared(lambda: ConversationState.select().where(
    (ConversationState.conversation == Slot("conversation")) & (ConversationState.left == False)  # noqa: E712
))
# A view as a message leaves it: only what delivering changes, so nothing else is written over.
DELIVERED_VIEW = Prepared(lambda: ConversationState.update(
    folder=Slot("folder"), unread=Slot("unread"), has_unread=Slot("has_unread"), archived=Slot("archived"),
    spam=Slot("spam"), deleted=Slot("deleted"), box=Slot("box"), last_at=Slot("at"),
    has_attachment=Slot("has_attachment"),
).where(ConversationState.id == Slot("id")))
# Other non-connections the sender sent this text to within the window. The index on
# (sender, body_hash, sent_at) finds the sender's copies of this text alone.
BULK_COPIES = Prepared(lambda: ConversationState.select(fn.COUNT(fn.DISTINCT(ConversationState.member)))
    .join(Message, on=(Message.conversation == ConversationState.conversation))
    .where(
        (Message.sender == Slot("sender"))
        & (Message.body_hash == Slot("body_hash"))
        & (Message.sent_at > Slot("since"))
        & (ConversationState.peer == Slot("sender"))
        & (ConversationState.member != Slot("recipient"))
        & (ConversationState.connected == False)  # noqa: E712
    ).tuples())
SEND_INMAIL = Prepared(lambda: InMail.insert(
    message=Slot("message"), conversation=Slot("conversation"), sender=Slot("sender"),
    recipient=Slot("recipient"), sent_at=Slot("at"),
))
DROP_DRAFT_TO = Prepared(lambda: Draft.delete().where(
    (Draft.member == Slot("member")) & Draft.conversation.is_null() & (Draft.to_handles == Slot("to_handles"))
))
DROP_DRAFT_IN = Prepared(lambda: Draft.delete().where(
    (Draft.member == Slot("member")) & (Draft.conversation == Slot("conversation"))
))
DROP_DRAFT = Prepared(lambda: Draft.delete().where((Draft.member == Slot("member")) & (Draft.id == Slot("id"))))

# ---- credits ----------------------------------------------------------------------------------------

BALANCE = Prepared(lambda: LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount), 0)).where(
    LedgerEntry.member == Slot("member")
).tuples())
LATEST_ENTRY_AT = Prepared(lambda: LedgerEntry.select(fn.MAX(LedgerEntry.at)).where(
    LedgerEntry.member == Slot("member")
).tuples())
ENTER = Prepared(lambda: LedgerEntry.insert(
    member=Slot("member"), at=Slot("at"), kind=Slot("kind"), amount=Slot("amount"), reason=Slot("reason"),
    inmail=Slot("inmail"),
))
SOONEST_LOT = Prepared(lambda: CreditLot.select().where(
    (CreditLot.member == Slot("member")) & (CreditLot.remaining > 0)
).order_by(CreditLot.expires_at, CreditLot.id).limit(1))
SPEND_FROM_LOT = Prepared(lambda: CreditLot.update(remaining=CreditLot.remaining - 1).where(CreditLot.id == Slot("id")))


def _first_due():
    # Each as its index's first entry, ordered by all of the index's columns (PostgreSQL reads a
    # MIN under ``reminded_at IS NULL`` by aggregating every pending InMail). No value is a
    # parameter, so PostgreSQL plans the statement once per connection rather than on each run.
    pending = InMail.status == SQL("'pending'")
    first = SQL("1")
    reminder = InMail.select(InMail.sent_at).where(
        pending & (InMail.billed == SQL("TRUE")) & InMail.reminded_at.is_null()
    ).order_by(InMail.status, InMail.billed, InMail.reminded_at, InMail.sent_at).limit(first)
    return Select(columns=[
        CreditDue.select(CreditDue.due_at).order_by(CreditDue.due_at).limit(first),
        reminder,
        InMail.select(InMail.sent_at).where(pending).order_by(InMail.status, InMail.sent_at).limit(first),
    ]).tuples()


# The earliest time a member, a reminder and an InMail's expiry fall due, each the first entry of an index.
FIRST_DUE = Prepared(_first_due)
