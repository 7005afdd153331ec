"""Settling finds what is due through an index: its cost follows the work due, not the members."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from app.bench.run import median
from app.core import credits, members, messaging
from app.core.credits import grant_time
from app.core.plans import LIMITS
from app.store.bulk import insert_rows
from app.store.db import SCHEMA_VERSION, open_store, write
from app.store.models import CreditDue, CreditLot, LedgerEntry, Member, Meta

NOW = datetime(2026, 3, 2, 9, 0)
SENDS = 21


def add_paying_members(count: int, first: int) -> None:
    """``count`` members on Premium Business since last month, their allotment held, as the store keeps them."""
    started = NOW - timedelta(days=20)
    ids = range(first, first + count)
    with write(bulk=True):
        insert_rows(Member, ("id", "handle", "name", "headline", "company", "position", "location", "plan",
                             "plan_started_at", "open_profile", "kind", "profile_url", "created_at"),
                    [(i, f"buyer-{i}", f"Ζωή Παπαδοπούλου {i}", "", "", "", "", "premium-business", started,
                      False, "person", "", started) for i in ids])
        insert_rows(LedgerEntry, ("member", "at", "kind", "amount", "reason"),
                    [(i, started, "grant", 15, "Premium Business allotment") for i in ids])
        insert_rows(CreditLot, ("member", "granted_at", "expires_at", "amount", "remaining", "source"),
                    [(i, started, started + LIMITS.credit_lifetime, 15, 15, "grant") for i in ids])
        insert_rows(CreditDue, ("member", "due_at"), [(i, grant_time(started, 1)) for i in ids])


def send_times(sender_id: int, handle: str) -> list[float]:
    times = []
    for n in range(SENDS):
        started = time.perf_counter()
        messaging.send(sender_id, [handle], f"Статус заявки {n} 🙂", now=NOW)
        times.append(time.perf_counter() - started)
    return times


def test_a_send_takes_as_long_among_thousands_of_paying_members(store):
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-business", now=NOW - timedelta(days=1))
    members.add_member("li-wei", "李伟, Support", now=NOW - timedelta(days=1))
    members.connect("rita", "li-wei")
    add_paying_members(200, first=1000)
    few = median(send_times(sender.id, "li-wei"))
    add_paying_members(20_000, first=2000)
    many = median(send_times(sender.id, "li-wei"))
    # Walking every paying member on each send cost tens of milliseconds more at 20,000 of them;
    # the margin is for a busy machine's noise.
    assert many < few * 2 + 0.005


def test_a_member_whose_grant_is_not_due_is_not_settled(store, monkeypatch):
    add_paying_members(30, first=1000)
    settled: list[int] = []
    original = credits._settle_member
    monkeypatch.setattr(credits, "_settle_member", lambda member_id, now: settled.append(member_id)
                        or original(member_id, now))
    assert credits.settle(NOW) == 0
    assert settled == []
    month_later = NOW + timedelta(days=11)
    assert credits.settle(month_later) == 30
    assert settled == list(range(1000, 1030))
    assert credits.balance(1000) == 30
    assert credits.settle(month_later) == 0
    assert len(settled) == 30


def test_a_refund_is_due_to_expire_with_its_lot(store):
    rita = members.add_member("rita", "Rita Recruiter", plan="premium-career", now=NOW)
    lead = members.add_member("olga", "Ольга Смирнова", now=NOW)
    sent = messaging.send(rita.id, ["olga"], "Здравствуйте, Ольга!", subject="Вакансия", now=NOW)
    messaging.reply(lead.id, sent.conversation, "Да, давайте поговорим.", now=NOW + timedelta(hours=1))
    member = Member.get_by_id(rita.id)
    assert CreditDue.get_by_id(rita.id).due_at == credits.next_due(member) == grant_time(NOW, 1)
    credits.change_plan(rita.id, "basic", NOW + timedelta(days=2))
    # A plan with no grants and no credits held: nothing is ever due.
    assert CreditDue.get_or_none(CreditDue.member == rita.id) is None


def test_a_store_from_before_the_index_grants_what_falls_due(store):
    rita = members.add_member("rita", "Rita Recruiter", plan="premium-career", now=NOW)
    members.add_member("basil", "Basil Brown", now=NOW)
    with write():
        store.db.execute_sql("DROP TABLE credit_due")
        Meta.update(value="7").where(Meta.key == "schema_version").execute()  # before step 8 made the index
    store.close()
    again = open_store(store.target)
    try:
        assert Meta.get(Meta.key == "schema_version").value == str(SCHEMA_VERSION)
        assert credits.balance(rita.id) == 5
        assert credits.settle(NOW + timedelta(days=31)) == 1
        assert credits.balance(rita.id) == 10
        assert [row.member_id for row in CreditDue.select()] == [rita.id]
    finally:
        again.close()
