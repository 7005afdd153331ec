"""A writer killed mid-transaction leaves no partial message and no lost or extra credit."""

from __future__ import annotations

import multiprocessing
import os
import signal

from app.core import members, messaging
from app.store.models import Change, Conversation, InMail, LedgerEntry, Message

from concurrent_writers import Books, books, stall_inside


def kill_inside(store, step: str, action: tuple) -> None:
    """Start ``action`` in another process, wait until it is mid-transaction, SIGKILL it."""
    ctx = multiprocessing.get_context("spawn")
    inside = ctx.Event()
    writer = ctx.Process(target=stall_inside, args=(store.target, os.environ["PARLEY_NOW"], step, action, inside))
    writer.start()
    try:
        assert inside.wait(120), "the writer never reached the middle of its transaction"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(30)
    assert writer.exitcode == -signal.SIGKILL


def counts() -> tuple[int, ...]:
    return tuple(model.select().count() for model in (Conversation, Message, InMail, LedgerEntry, Change))


def test_killed_while_spending_leaves_no_trace(store):
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-career")
    lead = members.add_member("lead", "Lena Lead")
    before, rows_before = books(sender.id), counts()

    kill_inside(store, "spend", ("send", sender.id, "lead"))

    assert books(sender.id) == before == Books(
        balance=5, ledger_sum=5, held_in_lots=5, spends=0, refunds=0, inmails=0, messages=0
    )
    assert counts() == rows_before
    # The store was not left locked: the same InMail now goes through, once.
    messaging.send(sender.id, ["lead"], "Second try.", subject="A role")
    assert books(sender.id).spends == 1 and books(sender.id).balance == 4
    assert Message.select().where(Message.sender == sender.id).count() == 1
    assert lead.id == InMail.get().recipient_id


def test_killed_while_refunding_leaves_no_trace(store):
    sender = members.add_member("rita", "Rita Recruiter", plan="premium-career")
    lead = members.add_member("lead", "Lena Lead")
    sent = messaging.send(sender.id, ["lead"], "Would you talk?", subject="A role")
    before, rows_before = books(sender.id), counts()

    kill_inside(store, "refund", ("reply", lead.id, sent.conversation))

    assert books(sender.id) == before
    assert counts() == rows_before
    assert InMail.get().status == "pending" and not InMail.get().refunded
    messaging.reply(lead.id, sent.conversation, "Yes, let's talk.")
    assert books(sender.id).refunds == 1 and books(sender.id).balance == before.balance + 1
