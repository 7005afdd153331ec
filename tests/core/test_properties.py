"""Properties of the credit ledger that hold whatever members do, and whenever."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings, strategies as st

from app.core import credits, messaging
from app.core.errors import ParleyError
from app.core.members import add_member
from app.core.plans import PLANS, plan
from app.store.db import open_store
from app.store.models import CreditLot, InMail, LedgerEntry, Member

START = datetime(2026, 1, 31, 9, 0)
RECIPIENTS = 4

steps = st.lists(
    st.one_of(
        st.tuples(st.just("jump"), st.integers(min_value=1, max_value=200 * 24 * 3600)),
        st.tuples(st.just("plan"), st.sampled_from(sorted(PLANS))),
        st.tuples(st.just("send"), st.integers(min_value=0, max_value=RECIPIENTS - 1)),
        st.tuples(st.just("respond"), st.integers(min_value=0, max_value=RECIPIENTS - 1)),
        st.tuples(st.just("settle"), st.just(0)),
    ),
    max_size=14,
)


def snapshot(member_id: int):
    """Everything settling could change, as plain values."""
    return (
        list(LedgerEntry.select().where(LedgerEntry.member == member_id).order_by(LedgerEntry.id).tuples()),
        list(CreditLot.select().order_by(CreditLot.id).tuples()),
        list(InMail.select(InMail.id, InMail.status, InMail.reminded_at).order_by(InMail.id).tuples()),
    )


def apply(step, sender_id: int, now: datetime) -> datetime:
    action, value = step
    try:
        if action == "jump":
            return now + timedelta(seconds=value)
        if action == "plan":
            credits.change_plan(sender_id, value, now)
        elif action == "send":
            messaging.send(sender_id, [f"lead-{value}"], "Would you talk?", subject="A role", now=now)
        elif action == "respond":
            lead = Member.get(Member.handle == f"lead-{value}")
            inmail = InMail.get_or_none((InMail.recipient == lead.id) & (InMail.status == "pending"))
            if inmail is not None:
                messaging.reply(lead.id, inmail.conversation_id, accept=value % 2 == 0, now=now)
        else:
            credits.settle(now)
    except ParleyError:
        pass  # a refusal (no credits, same plan, …) is a valid outcome; the ledger must still hold
    return now


def check_ledger(sender_id: int) -> None:
    """Balance is the ledger's sum and the credits held; never negative, never above the cap.

    Every step settles before it acts, so checking after each step checks right after
    every grant it applied.
    """
    balance = credits.balance(sender_id)
    ledger_sum = sum(e.amount for e in LedgerEntry.select().where(LedgerEntry.member == sender_id))
    held = sum(lot.remaining for lot in CreditLot.select().where(CreditLot.member == sender_id))
    assert balance == ledger_sum == held
    assert 0 <= balance <= plan(Member.get_by_id(sender_id).plan).cap


@settings(max_examples=40, deadline=None)
@given(start_plan=st.sampled_from(sorted(PLANS)), script=steps)
def test_the_ledger_holds_through_any_sequence(start_plan, script):
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "parley.db"))
        try:
            sender = add_member("maya", "Maya", plan=start_plan, now=START)
            for i in range(RECIPIENTS):
                add_member(f"lead-{i}", f"Lead {i}", now=START)
            now = START
            for step in script:
                now = apply(step, sender.id, now)
                check_ledger(sender.id)
            credits.settle(now)
            check_ledger(sender.id)
            once = snapshot(sender.id)
            assert credits.settle(now) == 0
            assert snapshot(sender.id) == once
        finally:
            store.close()
