"""Eight processes send at once from one sender: every credit is spent exactly once."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from app.core import members, routing
from app.store.models import Message

from concurrent_writers import NO_CREDITS, Books, add_people, books, collect, send_inmails, send_messages

WRITERS = 8
ROOT = Path(__file__).resolve().parents[2]


def test_eight_writers_spend_fifteen_credits_exactly_once(store):
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-business")
    handles = add_people("lead", 40)
    assert books(sender.id).balance == 15

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    writers = [
        ctx.Process(
            target=send_inmails,
            args=(store.target, os.environ["PARLEY_NOW"], sender.id, handles[n::WRITERS], barrier, results),
        )
        for n in range(WRITERS)
    ]
    outcomes = [outcome for report in collect(writers, results) for outcome in report]

    sent = [handle for handle, outcome, _ in outcomes if outcome == "sent"]
    refusals = [detail for _, outcome, detail in outcomes if outcome == "refused"]
    assert len(outcomes) == 40
    assert len(sent) == 15 and len(set(sent)) == 15
    assert len(refusals) == 25
    no_credits = routing.route(sender.id, members.add_member("late", "Late Lead").id).refusal
    assert no_credits.startswith(NO_CREDITS)
    assert set(refusals) == {no_credits}
    assert books(sender.id) == Books(
        balance=0, ledger_sum=0, held_in_lots=0, spends=15, refunds=0, inmails=15, messages=15
    )


def test_eight_writers_throughput(store, backend, capsys):
    """Sends per second with eight processes writing at once (reported, and all must land)."""
    colleagues = add_people("desk", 3)
    senders = add_people("agent", WRITERS)
    for agent in senders:
        for colleague in colleagues:
            members.connect(agent, colleague)
    ids = [members.member_by_handle(agent).id for agent in senders]
    per_writer = 12

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WRITERS), ctx.Queue()
    writers = [
        ctx.Process(
            target=send_messages,
            args=(store.target, os.environ["PARLEY_NOW"], sender_id, colleagues, per_writer, barrier, results),
        )
        for sender_id in ids
    ]
    reports = collect(writers, results)

    total = sum(count for count, _, _ in reports)
    elapsed = max(end for _, _, end in reports) - min(start for _, start, _ in reports)
    assert total == Message.select().count() == WRITERS * per_writer
    with capsys.disabled():
        print(f"\n{backend}: {total / elapsed:.0f} sends/s with {WRITERS} writers")


def test_eight_parley_commands_at_once_never_say_locked(store):
    """Eight `parley send` commands started together: each ends with its own sentence."""
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-career")
    handles = add_people("lead", WRITERS)
    env = {**os.environ, "PARLEY_DB": store.target, "PYTHONPATH": str(ROOT)}
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "app", "--as", "rita", "send", "--to", handle,
             "--subject", "A role", "--body", f"Hello {handle}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for handle in handles
    ]
    finished = [(command.wait(120), *command.communicate()) for command in commands]

    assert sorted(code for code, _, _ in finished) == [0] * 5 + [3] * 3
    refusals = {err.strip() for code, _, err in finished if code == 3}
    assert len(refusals) == 1 and refusals.pop().startswith(NO_CREDITS)
    assert not any("locked" in out + err for _, out, err in finished)
    assert books(sender.id) == Books(
        balance=0, ledger_sum=0, held_in_lots=0, spends=5, refunds=0, inmails=5, messages=5
    )
