"""Credits when the clock misbehaves: it never runs backwards for a store, it reads only
sensible years, and a jump of decades settles quickly into the ledger month-by-month settling writes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from app.cli import main
from app.core import clock, credits, members, messaging
from app.core.errors import BadInput
from app.store.db import open_store, write
from app.store.models import ALL_MODELS, CreditLot, LedgerEntry

T0 = datetime(2026, 3, 2, 9, 0)


def snapshot() -> dict:
    return {model.__name__: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS}


def stored_snapshot(target: str) -> dict:
    """The snapshot of the store a command line run used (and closed)."""
    store = open_store(target)
    try:
        return snapshot()
    finally:
        store.close()


def ledger(member_id: int) -> list[tuple]:
    return list(
        LedgerEntry.select(LedgerEntry.at, LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.reason)
        .where(LedgerEntry.member == member_id)
        .order_by(LedgerEntry.id)
        .tuples()
    )


def lots(member_id: int) -> list[tuple]:
    return list(
        CreditLot.select(CreditLot.granted_at, CreditLot.expires_at, CreditLot.amount, CreditLot.remaining,
                         CreditLot.source)
        .where(CreditLot.member == member_id)
        .order_by(CreditLot.id)
        .tuples()
    )


@pytest.fixture
def recruiter(store):
    """Ana on Premium Career since T0, and Ben, who takes InMail."""
    ana = members.add_member("ana", "Ana Ruiz", plan="premium-career", now=T0).id
    members.add_member("ben", "Ben Okafor", now=T0)
    return ana


# ---- the clock never runs backwards for a store ------------------------------------------------------


def test_a_send_dated_before_the_ledgers_latest_entry_is_refused_and_changes_nothing(recruiter):
    credits.settle(T0 + timedelta(days=70))  # two more monthly grants
    before = snapshot()
    with pytest.raises(BadInput, match="Parley's clock never runs backwards for a store"):
        messaging.send(recruiter, ["ben"], "Hello Ben", subject="Role", now=T0 + timedelta(days=1))
    assert snapshot() == before
    sent = messaging.send(recruiter, ["ben"], "Hello Ben", subject="Role", now=T0 + timedelta(days=70))
    assert sent.route == "inmail"


def test_a_plan_change_dated_before_the_ledgers_latest_entry_is_refused_and_changes_nothing(recruiter):
    credits.settle(T0 + timedelta(days=70))
    before = snapshot()
    for plan in ("sales-navigator", "basic"):
        with pytest.raises(BadInput, match="before 2026-05-02 09:00 UTC when these credits last changed"):
            credits.change_plan(recruiter, plan, now=T0 + timedelta(days=10))
    assert snapshot() == before


def test_settling_to_an_earlier_time_than_before_changes_nothing(recruiter):
    credits.settle(T0 + timedelta(days=200))
    before = snapshot()
    assert credits.settle(T0 + timedelta(days=40)) == 0
    assert snapshot() == before


def test_the_running_balance_never_goes_below_zero_whatever_the_clock_did(recruiter):
    credits.settle(T0 + timedelta(days=70))
    for days in (1, 30, 60):
        with pytest.raises(BadInput):
            messaging.send(recruiter, ["ben"], "Hello", subject="Role", now=T0 + timedelta(days=days))
    assert min(line.balance for line in credits.credits_view(recruiter, T0 + timedelta(days=70)).ledger) >= 0


def test_a_command_dated_before_the_ledger_exits_2_with_a_sentence(store_target, recruiter, monkeypatch, capsys,
                                                                     tmp_path):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "none.toml"))
    credits.settle(T0 + timedelta(days=70))
    before = snapshot()
    monkeypatch.setenv("PARLEY_NOW", "2026-03-03T09:00:00Z")
    capsys.readouterr()
    code = main(["--db", store_target, "--as", "ana", "send", "--to", "ben", "--subject", "Hi", "--body", "Hello"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "The clock reads 2026-03-03 09:00 UTC, before 2026-05-02 09:00 UTC when these credits last changed: "
        "Parley's clock never runs backwards for a store, so nothing was done.\n"
    )
    assert stored_snapshot(store_target) == before


# ---- the clock reads sensible years ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59Z", "0001-01-01", "1969-12-31T23:59:59Z", "9000-01-01T00:00:00Z",
              "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"]
)
def test_a_clock_outside_the_years_it_can_read_is_refused(monkeypatch, value):
    monkeypatch.setenv("PARLEY_NOW", value)
    with pytest.raises(clock.ClockError, match="is outside the years 1970 to 8999 that Parley's clock can read."):
        clock.now()


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59Z", "0001-01-01", "tomorrow", "2026-13-01"])
def test_an_absurd_clock_exits_2_with_a_sentence_and_changes_nothing(store_target, recruiter, monkeypatch, capsys,
                                                                      tmp_path, value):
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "none.toml"))
    before = snapshot()
    monkeypatch.setenv("PARLEY_NOW", value)
    capsys.readouterr()
    started = time.monotonic()
    code = main(["--db", store_target, "--as", "ana", "credits"])
    out, err = capsys.readouterr()
    assert time.monotonic() - started < 5
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(repr(value))
    assert stored_snapshot(store_target) == before


# ---- a jump of decades -------------------------------------------------------------------------------


def test_a_jump_of_decades_settles_quickly_into_the_ledger_that_settling_step_by_step_writes(store):
    plans = ("premium-career", "premium-business", "sales-navigator", "recruiter-lite")
    starts = (T0, datetime(2026, 1, 31, 23, 30), datetime(2024, 2, 29, 12), T0)
    pairs = [
        tuple(members.add_member(f"{side}{n}", f"{side} {n}", plan=p, now=s).id for side in ("j", "s"))
        for n, (p, s) in enumerate(zip(plans, starts))
    ]
    # Credits spent and refunded first, so lots of every age and kind are held.
    ben = members.add_member("ben", "Ben Okafor", now=T0).id
    for sender in pairs[0]:
        sent = messaging.send(sender, ["ben"], "Hello", subject="Role", now=T0 + timedelta(days=3))
        messaging.reply(ben, sent.conversation, "Hi", now=T0 + timedelta(days=4))
    decades = T0 + timedelta(days=365 * 20)
    with write():
        for jumper, stepper in pairs:
            at = T0 + timedelta(days=4)
            while at < decades:
                at = min(at + timedelta(days=11), decades)
                credits._settle_member(stepper, at)
            started = time.monotonic()
            credits._settle_member(jumper, decades)
            assert time.monotonic() - started < 0.5
            assert (ledger(jumper), lots(jumper)) == (ledger(stepper), lots(stepper))
            assert len([row for row in ledger(jumper) if row[1] == "grant"]) >= 20 * 12

    started = time.monotonic()
    credits.settle(decades + timedelta(days=365 * 60))
    assert time.monotonic() - started < 0.5 * len(pairs) * 2
