"""InMail credits: grants, spending, refunds, expiry and the ledger (SPEC §3).

The ledger is the truth: every change to a balance is one LedgerEntry and the
balance is their sum. Credit lots say which credits expire when, so spending
can take the soonest-expiring credit first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from app.core import clock, delivery, directory, statements
from app.core.errors import BadInput, Refused
from app.core.plans import LIMITS
from app.core.views import CreditsView, ExpiringCredits, LedgerLine
from app.store import backend
from app.store.bulk import insert_rows
from app.store.db import write, write_unit
from app.store.models import (
    ConversationState,
    CreditDue,
    CreditLot,
    InMail,
    LedgerEntry,
    Member,
    tuples,
)


def lock_member(member_id: int) -> None:
    """Hold the member's row until the transaction ends (where the store's write lock does not already)."""
    lock_members([member_id])


def lock_members(member_ids) -> None:
    """Hold the rows of the members whose credits or conversations a unit changes, in id order.

    Every writer takes them in that one order, in a unit that locked nothing before
    (settling is a unit of its own), so two sends never wait on each other in a circle.
    """
    ids = sorted(set(member_ids))
    if ids:
        backend.current().lock_rows(Member, ids)


# ---- balance and the ledger ----------------------------------------------------------


def balance(member_id: int) -> int:
    return int(statements.BALANCE.scalar(member=member_id) or 0)


CLOCK_BEHIND = (
    "The clock reads {at:%Y-%m-%d %H:%M} UTC, before {latest:%Y-%m-%d %H:%M} UTC when these credits last changed: "
    "Parley's clock never runs backwards for a store, so nothing was done."
)


def _check_clock(member_id: int, at: datetime) -> None:
    """The ledger is written in time order: a change dated before its latest entry is refused,
    or a send could spend credits granted later and a plan change could skip grants."""
    latest = statements.LATEST_ENTRY_AT.scalar(member=member_id)
    if latest is not None and at < latest:
        raise BadInput(CLOCK_BEHIND.format(at=at, latest=latest))


def _enter(member_id: int, at: datetime, kind: str, amount: int, reason: str, inmail_id: int | None = None) -> None:
    _check_clock(member_id, at)
    statements.ENTER.execute(member=member_id, at=at, kind=kind, amount=amount, reason=reason, inmail=inmail_id)


def _grant(member: Member, amount: int, at: datetime, kind: str, reason: str, inmail_id: int | None = None) -> None:
    """Add credits as one lot; what would lift the balance above the cap is trimmed and lost."""
    cap = directory.plan_for(member.plan).cap
    kept = max(0, min(amount, cap - balance(member.id)))
    _enter(member.id, at, kind, amount, reason, inmail_id)
    if kept < amount:
        lost = amount - kept
        _enter(member.id, at, "cap-trim", -lost, f"{lost} over the cap of {cap}", inmail_id)
    if kept:
        CreditLot.create(
            member=member.id,
            granted_at=at,
            expires_at=at + LIMITS.credit_lifetime,
            amount=kept,
            remaining=kept,
            source="refund" if kind == "refund" else "grant",
        )
    _note_due(member)


def _held_lots(member_id: int):
    return (
        CreditLot.select()
        .where((CreditLot.member == member_id) & (CreditLot.remaining > 0))
        .order_by(CreditLot.expires_at, CreditLot.id)
    )


def spend(member_id: int, inmail_id: int, at: datetime, reason: str) -> None:
    """Spend one credit on an InMail, taking the credit that expires soonest."""
    lot = statements.SOONEST_LOT.first(member=member_id)
    if lot is None:
        raise Refused("You have no InMail credits left.")
    statements.SPEND_FROM_LOT.execute(id=lot.id)
    _enter(member_id, at, "spend", -1, reason, inmail_id)


def refund(inmail: InMail, at: datetime, *, sender: Member | None = None, recipient: Member | None = None) -> bool:
    """Give the sender one credit back for a response within the refund window (once per InMail).

    ``sender`` and ``recipient`` are the InMail's, when the caller holds them already."""
    if not inmail.billed or inmail.refunded or at - inmail.sent_at >= LIMITS.refund_window:
        return False
    sender = sender or directory.member_by_id(inmail.sender_id)
    recipient = recipient or directory.member_by_id(inmail.recipient_id)
    _grant(sender, 1, at, "refund", f"{recipient.name} responded to your InMail", inmail.id)
    InMail.update(refunded=True).where(InMail.id == inmail.id).execute()
    inmail.refunded = True
    return True


# ---- plans and the billing day --------------------------------------------------------


def grant_time(plan_started_at: datetime, months: int) -> datetime:
    """The grant ``months`` after the plan started: same day of month (or the month's last), same time."""
    index = plan_started_at.month - 1 + months
    year, month = plan_started_at.year + index // 12, index % 12 + 1
    day = min(plan_started_at.day, calendar.monthrange(year, month)[1])
    return plan_started_at.replace(year=year, month=month, day=day)


def _grant_after(plan_started_at: datetime, after: datetime) -> datetime:
    months = max(0, (after.year - plan_started_at.year) * 12 + after.month - plan_started_at.month)
    while grant_time(plan_started_at, months) <= after:
        months += 1
    return grant_time(plan_started_at, months)


def _due_grant(member: Member, last_grant_at: datetime | None) -> datetime | None:
    """When the member's next monthly grant falls, whether or not it is due yet."""
    if directory.plan_for(member.plan).monthly <= 0:
        return None
    if last_grant_at is None or last_grant_at < member.plan_started_at:
        return member.plan_started_at
    return _grant_after(member.plan_started_at, last_grant_at)


def _last_grant_at(member_id: int) -> datetime | None:
    return (
        LedgerEntry.select(fn.MAX(LedgerEntry.at))
        .where((LedgerEntry.member == member_id) & (LedgerEntry.kind == "grant"))
        .scalar()
    )


def next_grant(member_id: int, now: datetime | None = None) -> datetime | None:
    """When credits next arrive after ``now`` (None on a plan that grants none)."""
    return grant_after(directory.member_by_id(member_id), now or clock.now())


def grant_after(member: Member, at: datetime) -> datetime | None:
    """``next_grant`` for a member already loaded."""
    if directory.plan_for(member.plan).monthly <= 0:
        return None
    return _grant_after(member.plan_started_at, at)


def start_plan(member: Member, now: datetime) -> None:
    """The plan's first allotment arrives when the plan starts."""
    allotment = directory.plan_for(member.plan).monthly
    if allotment:
        _grant(member, allotment, now, "grant", f"{directory.plan_for(member.plan).label} allotment")


def _forfeit_all(member: Member, at: datetime, reason: str) -> None:
    held = balance(member.id)
    if held:
        _enter(member.id, at, "forfeit", -held, reason)
    CreditLot.update(remaining=0).where((CreditLot.member == member.id) & (CreditLot.remaining > 0)).execute()


def change_plan(member_id: int, plan_name: str, now: datetime | None = None) -> CreditsView:
    """Forfeit the credits held, then start the new plan (its allotment, its billing day)."""
    at = now or clock.now()
    chosen = directory.plan_for(plan_name)
    with write():
        settle(at)
        lock_member(member_id)
        member = directory.member_by_id(member_id)
        if member.plan == chosen.name:
            raise BadInput(f"{member.handle} is already on {chosen.label}.")
        _forfeit_all(member, at, f"plan changed to {chosen.label}")
        member.plan = chosen.name
        member.plan_started_at = at
        fields = [Member.plan, Member.plan_started_at]
        if not chosen.premium and member.open_profile:
            # Open Profile is a premium feature; it ends with the plan.
            member.open_profile = False
            fields.append(Member.open_profile)
        member.save(only=fields)
        start_plan(member, at)
        _note_due(member)
    return credits_view(member_id, at)


def forfeit_preview(member_id: int, plan_name: str) -> str:
    """What a plan change will do, in one sentence for the confirm dialog."""
    member = directory.member_by_id(member_id)
    chosen = directory.plan_for(plan_name)
    if member.plan == chosen.name:
        return f"You are already on {chosen.label}."
    held = balance(member_id)
    held_text = f"{held} InMail credit{'' if held == 1 else 's'}"
    if not chosen.premium:
        return f"Cancelling to {chosen.label} sets your InMail credits to zero: you lose {held_text}."
    return (
        f"Changing to {chosen.label} forfeits your {held_text}, then grants {chosen.monthly} "
        f"and moves your billing day to day {clock.now().day} of each month."
    )


# ---- settling time-driven effects ----------------------------------------------------


# Rows written per statement when settling: well under every store's limit on parameters.
WRITE_BATCH = 1000


@dataclass
class _HeldLot:
    id: int | None  # None: granted while settling, not yet written
    granted_at: datetime
    expires_at: datetime
    amount: int
    remaining: int


class _Settling:
    """One member's lots and balance, held in memory while their due grants and expiries are
    worked out, then written at once: a jump of decades is a few statements, not a few per month.

    It writes the rows that ``_grant`` and expiring one lot at a time would write, in the same order.
    """

    def __init__(self, member: Member) -> None:
        self.member = member
        self.plan = directory.plan_for(member.plan)
        self.balance = balance(member.id)
        self.held = [
            _HeldLot(lot.id, lot.granted_at, lot.expires_at, lot.amount, lot.remaining)
            for lot in CreditLot.select()
            .where((CreditLot.member == member.id) & (CreditLot.remaining > 0))
            .order_by(CreditLot.id)
        ]
        self.granted: list[_HeldLot] = []  # every lot granted while settling, spent or not
        self.expired_ids: list[int] = []
        self.entries: list[tuple] = []

    def _enter(self, at: datetime, kind: str, amount: int, reason: str) -> None:
        self.entries.append((self.member.id, at, kind, amount, reason))
        self.balance += amount

    def next_expiry(self) -> datetime | None:
        return min((lot.expires_at for lot in self.held), default=None)

    def expire(self, at: datetime) -> int:
        """Every lot that has expired by ``at`` is gone."""
        gone = [lot for lot in self.held if lot.expires_at <= at]
        for lot in gone:
            self._enter(at, "expire", -lot.remaining, f"credits granted {lot.granted_at:%Y-%m-%d} expired")
            lot.remaining = 0
            if lot.id is not None:
                self.expired_ids.append(lot.id)
        self.held = [lot for lot in self.held if lot.remaining]
        return len(gone)

    def grant(self, at: datetime) -> None:
        """The monthly allotment, trimmed to the cap as ``_grant`` trims it."""
        amount, cap = self.plan.monthly, self.plan.cap
        kept = max(0, min(amount, cap - self.balance))
        self._enter(at, "grant", amount, f"{self.plan.label} monthly allotment")
        if kept < amount:
            lost = amount - kept
            self._enter(at, "cap-trim", -lost, f"{lost} over the cap of {cap}")
        if kept:
            lot = _HeldLot(None, at, at + LIMITS.credit_lifetime, kept, kept)
            self.held.append(lot)
            self.granted.append(lot)

    def write(self) -> None:
        _insert(LedgerEntry, ("member", "at", "kind", "amount", "reason"), self.entries)
        for start in range(0, len(self.expired_ids), WRITE_BATCH):
            batch = self.expired_ids[start : start + WRITE_BATCH]
            CreditLot.update(remaining=0).where(CreditLot.id.in_(batch)).execute()
        member = self.member.id
        _insert(
            CreditLot,
            ("member", "granted_at", "expires_at", "amount", "remaining", "source"),
            [(member, lot.granted_at, lot.expires_at, lot.amount, lot.remaining, "grant") for lot in self.granted],
        )


def _insert(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    for start in range(0, len(rows), WRITE_BATCH):
        insert_rows(model, names, rows[start : start + WRITE_BATCH])


def _settle_member(member_id: int, now: datetime) -> int:
    """Apply the member's due grants and expiries in time order; expiries first at one instant."""
    lock_member(member_id)
    member = Member.get_by_id(member_id)  # read after the lock: another writer may have settled it
    settling = _Settling(member)
    applied = 0
    grant_at = _due_grant(member, _last_grant_at(member.id))
    while True:
        expiry = settling.next_expiry()
        if expiry is not None and expiry > now:
            expiry = None
        if grant_at is not None and grant_at > now:
            grant_at = None
        if expiry is None and grant_at is None:
            break
        if expiry is not None and (grant_at is None or expiry <= grant_at):
            applied += settling.expire(expiry)
        elif grant_at is not None:
            settling.grant(grant_at)
            applied += 1
            grant_at = _grant_after(member.plan_started_at, grant_at)
    settling.write()
    _note_due(member)
    return applied


def next_due(member: Member) -> datetime | None:
    """When the member's credits next change by themselves: a held lot expiring or a monthly grant."""
    expiry = CreditLot.select(fn.MIN(CreditLot.expires_at)).where(
        (CreditLot.member == member.id) & (CreditLot.remaining > 0)
    ).scalar()
    times = [t for t in (expiry, _due_grant(member, _last_grant_at(member.id))) if t is not None]
    return min(times, default=None)


def _note_due(member: Member) -> None:
    """Write down when the member is next due, for settling to find by index (after every change
    that can bring it forward: a grant, a refund, a plan change, a settle)."""
    due_at = next_due(member)
    if due_at is None:
        CreditDue.delete().where(CreditDue.member == member.id).execute()
    elif CreditDue.update(due_at=due_at).where(CreditDue.member == member.id).execute() == 0:
        CreditDue.insert(member=member.id, due_at=due_at).execute()


def _due_members(now: datetime):
    return CreditDue.select(CreditDue.member).where(CreditDue.due_at <= now)


def _members_with_due_credits(now: datetime) -> list[int]:
    """Ids of members with a lot expired or a monthly grant fallen due by ``now``, in id order:
    read from the index of due times, so its cost is the number due, not the number of members."""
    return [member_id for (member_id,) in tuples(_due_members(now).order_by(CreditDue.member))]


def _reminders_due(now: datetime):
    return InMail.select().where(
        (InMail.status == "pending")
        & InMail.reminded_at.is_null()
        & (InMail.billed == True)  # noqa: E712 (a SQL comparison)
        & (InMail.sent_at <= now - LIMITS.reminder_after)
    )


def _inmail_expiring(now: datetime):
    return InMail.select().where((InMail.status == "pending") & (InMail.sent_at <= now - LIMITS.inmail_expiry))


def _remind_pending(now: datetime) -> int:
    """One reminder to the recipient of each InMail still pending after the reminder delay."""
    reminded = 0
    due = list(_reminders_due(now))
    # A reminder changes its recipient's view, which a send to them rewrites: hold them as a send does.
    lock_members(inmail.recipient_id for inmail in due)
    for inmail in due:
        reminded_at = delivery.reminder_at(inmail.sent_at)
        # Only the writer that marks it reminded counts the reminder: another may be settling too.
        if not InMail.update(reminded_at=reminded_at).where(
            (InMail.id == inmail.id) & InMail.reminded_at.is_null()
        ).execute():
            continue
        ConversationState.update(unread=ConversationState.unread + 1, has_unread=True).where(
            (ConversationState.conversation == inmail.conversation_id)
            & (ConversationState.member == inmail.recipient_id)
        ).execute()
        reminded += 1
    return reminded


def _expire_inmail(now: datetime) -> int:
    """InMail without a response after the window is expired; its credit is gone."""
    return InMail.update(status="expired").where(InMail.id.in_(_inmail_expiring(now).select(InMail.id))).execute()


def _anything_due(now: datetime) -> bool:
    """Whether settling has work, in one statement: the earliest time a member, a reminder and an
    InMail's expiry fall due, each the first entry of an index. The times are compared here, so
    the query's plan never depends on them."""
    due, reminder, expiry = (CreditDue.due_at.python_value(t) for t in statements.FIRST_DUE.rows()[0])
    return any(t is not None and t <= cut for t, cut in (
        (due, now), (reminder, now - LIMITS.reminder_after), (expiry, now - LIMITS.inmail_expiry)))


def settle(now: datetime | None = None) -> int:
    """Apply every time-driven effect due by ``now``; running it again changes nothing.

    Credits are settled member by member (members' balances are independent), each
    in time order; reminders precede InMail expiry since they fall 3 days after
    sending and expiry 90 days after.
    """
    at = now or clock.now()
    if not _anything_due(at):
        return 0  # nothing to write: don't queue behind other writers for the write lock

    def unit() -> int:
        # Members are locked one by one in id order; reminders and expiry each change a row
        # only if it still needs it, so settlers running side by side apply each effect once.
        applied = 0
        for member_id in _members_with_due_credits(at):
            applied += _settle_member(member_id, at)
        return applied + _remind_pending(at) + _expire_inmail(at)

    return write_unit(unit)


# ---- what the member sees --------------------------------------------------------------


def _ledger_lines(member_id: int) -> tuple[LedgerLine, ...]:
    running = 0
    lines = []
    entries = LedgerEntry.select().where(LedgerEntry.member == member_id).order_by(LedgerEntry.at, LedgerEntry.id)
    for entry in entries:
        running += entry.amount
        lines.append(
            LedgerLine(at=entry.at, kind=entry.kind, amount=entry.amount, reason=entry.reason, balance=running)
        )
    return tuple(lines)


def _expiring(member_id: int) -> tuple[ExpiringCredits, ...]:
    by_time: dict[datetime, int] = {}
    for lot in _held_lots(member_id):
        by_time[lot.expires_at] = by_time.get(lot.expires_at, 0) + lot.remaining
    return tuple(ExpiringCredits(amount=n, expires_at=t) for t, n in by_time.items())


def credits_view(member_id: int, now: datetime | None = None) -> CreditsView:
    """Plan, balance, cap, next grant, credits expiring soonest and the ledger (settled to ``now``)."""
    at = now or clock.now()
    settle(at)
    member = directory.member_by_id(member_id)
    chosen = directory.plan_for(member.plan)
    return CreditsView(
        plan=member.plan,
        plan_label=chosen.label,
        balance=balance(member_id),
        cap=chosen.cap,
        monthly=chosen.monthly,
        next_grant=next_grant(member_id, at),
        expiring=_expiring(member_id),
        ledger=_ledger_lines(member_id),
    )
