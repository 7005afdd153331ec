"""InMail credits (SPEC §3), on a fixed clock that the tests move by hand."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from app.core import credits, messaging
from app.core.errors import BadInput, Refused
from app.core.members import add_member, set_plan
from app.store.models import ConversationState, CreditLot, InMail, LedgerEntry, database


def person(handle: str, plan: str = "basic"):
    return add_member(handle, handle.replace("-", " ").title(), plan=plan)


def ledger_kinds(member_id: int) -> list[tuple[str, int]]:
    return [(line.kind, line.amount) for line in credits.credits_view(member_id).ledger]


def inmail_to(sender, handle: str):
    """A new basic member, and an InMail to them from ``sender``."""
    recipient = person(handle)
    return recipient, messaging.send(sender.id, [handle], "Would you have a minute?", subject="A role")


def test_first_allotment_arrives_when_the_plan_starts(store):
    maya = person("maya", "premium-business")
    assert credits.balance(maya.id) == 15
    assert ledger_kinds(maya.id) == [("grant", 15)]


def test_monthly_grant_arrives_on_the_billing_day_at_the_plan_start_time(store, clock):
    maya = person("maya", "premium-career")
    clock("2026-04-02T08:59:59Z")
    assert credits.credits_view(maya.id).balance == 5
    clock("2026-04-02T09:00:00Z")
    view = credits.credits_view(maya.id)
    assert view.balance == 10
    assert view.next_grant == datetime(2026, 5, 2, 9, 0)


def test_billing_day_falls_on_the_last_day_of_short_months(store, clock):
    clock("2026-01-31T12:00:00Z")
    maya = person("maya", "premium-career")
    clock("2026-04-30T12:00:00Z")
    grants = [line.at for line in credits.credits_view(maya.id).ledger if line.kind == "grant"]
    assert grants == [
        datetime(2026, 1, 31, 12),
        datetime(2026, 2, 28, 12),
        datetime(2026, 3, 31, 12),
        datetime(2026, 4, 30, 12),
    ]


def test_a_grant_never_lifts_the_balance_above_the_cap(store, clock):
    maya = person("maya", "premium-career")
    clock("2026-05-02T09:00:00Z")
    assert credits.credits_view(maya.id).balance == 15
    clock("2026-06-02T09:00:00Z")
    view = credits.credits_view(maya.id)
    assert view.balance == 15
    assert [(line.kind, line.amount) for line in view.ledger[-2:]] == [("grant", 5), ("cap-trim", -5)]


def test_credits_expire_120_days_after_grant_to_the_second(store, clock):
    maya = person("maya", "sales-navigator")
    set_plan("maya", "premium-career")  # a plan whose monthly grants don't hide the expiry
    clock("2026-06-30T08:59:59Z")
    held = credits.credits_view(maya.id).balance
    clock("2026-06-30T09:00:00Z")
    view = credits.credits_view(maya.id)
    assert view.balance == held - 5
    assert view.ledger[-1].kind == "expire" and view.ledger[-1].amount == -5


def test_expiries_apply_before_grants_at_the_same_instant(store, clock):
    # Granted on the 31st, the first lot expires 120 days later on May 31: a billing day.
    clock("2026-01-31T09:00:00Z")
    maya = person("maya", "premium-career")
    clock("2026-05-31T09:00:00Z")
    view = credits.credits_view(maya.id)
    last_day = [(line.kind, line.amount) for line in view.ledger if line.at == datetime(2026, 5, 31, 9)]
    assert last_day == [("expire", -5), ("grant", 5)]
    assert view.balance == 15


def test_the_soonest_expiring_credit_is_spent_first(store, clock):
    maya = person("maya", "premium-career")
    clock("2026-04-10T10:00:00Z")
    inmail_to(maya, "ben")
    expiring = [(e.amount, e.expires_at) for e in credits.credits_view(maya.id).expiring]
    assert expiring == [(4, datetime(2026, 6, 30, 9)), (5, datetime(2026, 7, 31, 9))]


def test_refund_on_reply_within_90_days(store, clock):
    maya = person("maya", "premium-career")
    ben, sent = inmail_to(maya, "ben")
    assert sent.credits_left == 4
    clock("2026-05-30T08:00:00Z")
    messaging.reply(ben.id, sent.conversation, body="Happy to talk.")
    assert ledger_kinds(maya.id)[-1] == ("refund", 1)
    assert InMail.get().status == "replied" and InMail.get().refunded


@pytest.mark.parametrize("answer,status", [("accept", "accepted"), ("decline", "declined")])
def test_refund_on_quick_reply_within_90_days(store, clock, answer, status):
    maya = person("maya", "premium-career")
    ben, sent = inmail_to(maya, "ben")
    clock("2026-03-05T12:00:00Z")
    messaging.reply(ben.id, sent.conversation, **{answer: True})
    assert credits.balance(maya.id) == 5
    inmail = InMail.get()
    assert inmail.status == status and inmail.responded_at == datetime(2026, 3, 5, 12)


def test_no_refund_after_90_days(store, clock):
    maya = person("maya", "premium-career")
    ben, sent = inmail_to(maya, "ben")
    clock("2026-05-31T09:00:00Z")  # 90 days after sending
    messaging.reply(ben.id, sent.conversation, "Sorry, I only saw this now.")
    assert InMail.get().status == "expired"
    assert "refund" not in [kind for kind, _ in ledger_kinds(maya.id)]


def test_a_refund_is_given_once_per_inmail(store):
    maya = person("maya", "premium-career")
    ben, sent = inmail_to(maya, "ben")
    messaging.reply(ben.id, sent.conversation, "Yes")
    messaging.reply(ben.id, sent.conversation, "And one more thing")
    assert [kind for kind, _ in ledger_kinds(maya.id)].count("refund") == 1


def test_a_refund_is_trimmed_at_the_cap(store, clock):
    maya = person("maya", "premium-career")
    clock("2026-04-10T09:00:00Z")
    ben, sent = inmail_to(maya, "ben")
    clock("2026-06-05T09:00:00Z")  # the June grant brought the balance back to the cap
    messaging.reply(ben.id, sent.conversation, "Yes")
    assert credits.balance(maya.id) == 15
    assert ledger_kinds(maya.id)[-2:] == [("refund", 1), ("cap-trim", -1)]


def test_pending_inmail_expires_after_90_days(store, clock):
    maya = person("maya", "premium-career")
    inmail_to(maya, "ben")
    clock("2026-05-31T08:59:59Z")
    credits.settle()
    assert InMail.get().status == "pending"
    clock("2026-05-31T09:00:00Z")
    credits.settle()
    assert InMail.get().status == "expired"


def test_reminder_once_after_three_days(store, clock):
    maya = person("maya", "premium-career")
    ben, sent = inmail_to(maya, "ben")
    state = ConversationState.get(member=ben.id, conversation=sent.conversation)
    ConversationState.update(unread=0, has_unread=False).where(ConversationState.id == state.id).execute()
    clock("2026-03-05T08:59:59Z")
    credits.settle()
    assert InMail.get().reminded_at is None
    clock("2026-03-05T09:00:00Z")
    credits.settle()
    clock("2026-03-09T09:00:00Z")
    credits.settle()
    assert InMail.get().reminded_at == datetime(2026, 3, 5, 9)
    state = ConversationState.get_by_id(state.id)
    assert (state.unread, state.has_unread) == (1, True)


def test_upgrade_forfeits_credits_and_grants_the_new_allotment(store, clock):
    maya = person("maya", "premium-career")
    clock("2026-03-20T15:00:00Z")
    view = set_plan("maya", "sales-navigator")
    assert view.balance == 50
    assert [(line.kind, line.amount) for line in view.ledger[-2:]] == [("forfeit", -5), ("grant", 50)]
    assert view.next_grant == datetime(2026, 4, 20, 15)


def test_cancel_to_basic_zeroes_the_balance(store, clock):
    maya = person("maya", "premium-business")
    clock("2026-03-10T09:00:00Z")
    view = set_plan("maya", "basic")
    assert view.balance == 0 and view.next_grant is None
    clock("2026-08-10T09:00:00Z")
    assert credits.credits_view(maya.id).balance == 0


def test_changing_to_the_same_plan_is_bad_input(store):
    person("maya", "premium-career")
    with pytest.raises(BadInput, match="already on Premium Career"):
        set_plan("maya", "premium-career")


def test_unknown_plan_is_bad_input_with_the_choices(store):
    person("maya")
    with pytest.raises(BadInput, match="Unknown plan 'gold'; choose one of: basic"):
        set_plan("maya", "gold")


def test_forfeit_preview_spells_out_the_change(store, clock):
    maya = person("maya", "premium-career")
    assert credits.forfeit_preview(maya.id, "sales-navigator") == (
        "Changing to Sales Navigator forfeits your 5 InMail credits, then grants 50 "
        "and moves your billing day to day 2 of each month."
    )
    assert credits.forfeit_preview(maya.id, "basic") == (
        "Cancelling to Basic (free) sets your InMail credits to zero: you lose 5 InMail credits."
    )


def test_settle_twice_changes_nothing(store, clock):
    maya = person("maya", "premium-business")
    inmail_to(maya, "ben")
    clock("2027-03-02T09:00:00Z")
    assert credits.settle() > 0
    entries = LedgerEntry.select().count()
    assert credits.settle() == 0
    assert LedgerEntry.select().count() == entries


def test_the_balance_is_the_sum_of_the_ledger(store, clock):
    maya = person("maya", "premium-business")
    for handle in ("ben", "cara", "dev"):
        inmail_to(maya, handle)
    clock("2026-09-15T09:00:00Z")
    view = credits.credits_view(maya.id)
    assert view.balance == sum(line.amount for line in view.ledger) == view.ledger[-1].balance
    held = sum(lot.remaining for lot in CreditLot.select().where(CreditLot.member == maya.id))
    assert held == view.balance


def test_the_last_credit_is_spent_once_when_two_sends_race(store):
    maya = person("maya", "premium-career")
    for handle in ("ann", "bob", "cat", "dan"):
        inmail_to(maya, handle)
    person("eve")
    person("fay")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def send_to(handle: str) -> None:
        start.wait()
        try:
            messaging.send(maya.id, [handle], "Would you have a minute?", subject="A role")
            outcomes.append("sent")
        except Refused as refusal:
            outcomes.append(str(refusal))
        finally:
            database.obj.close()  # this thread's own connection

    racers = [threading.Thread(target=send_to, args=(h,)) for h in ("eve", "fay")]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(outcomes) == ["You have no InMail credits left; 5 more arrive on 2026-04-02.", "sent"]
    assert credits.balance(maya.id) == 0
