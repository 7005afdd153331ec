"""What each racing process does, and what the store must look like afterwards.

The processes are started with the "spawn" method: each is a fresh interpreter
with its own connection to the store, as separate `parley` commands would be.
"""

from __future__ import annotations

import os
import queue
import random
import time
from dataclasses import dataclass

from app.core import credits, members, messaging
from app.core.errors import Refused
from app.store.db import open_store
from app.store.models import CreditLot, InMail, LedgerEntry, Message

NO_CREDITS = "You have no InMail credits left"


def join_store(target: str, now: str):
    os.environ["PARLEY_NOW"] = now
    return open_store(target)


def send_inmails(target: str, now: str, sender_id: int, handles: list[str], barrier, results) -> None:
    """Send one InMail to each handle; report (handle, outcome, detail) for each."""
    store = join_store(target, now)
    barrier.wait()
    outcomes = []
    for handle in handles:
        try:
            sent = messaging.send(sender_id, [handle], f"Hello {handle}, are you open to a chat?", subject="A role")
            outcomes.append((handle, "sent", sent.message))
        except Refused as refusal:
            outcomes.append((handle, "refused", str(refusal)))
    store.close()
    results.put(outcomes)


def send_messages(target: str, now: str, sender_id: int, handles: list[str], count: int, barrier, results) -> None:
    """Send ``count`` free messages round the handles; report (sent, started, finished)."""
    store = join_store(target, now)
    barrier.wait()
    started = time.perf_counter()
    for n in range(count):
        messaging.send(sender_id, [handles[n % len(handles)]], f"Update {n} from {sender_id}")
    finished = time.perf_counter()
    store.close()
    results.put((count, started, finished))


def send_held_open(target: str, now: str, sender_id: int, work: list[tuple[str, bool]], hold: float,
                   barrier, results) -> None:
    """Send each (handle, InMail?) of ``work``, holding each unit open ``hold`` seconds once its
    rows are locked; report the (start, end) of every such hold, on the machine's clock."""
    store = join_store(target, now)
    held: list[tuple[float, float]] = []
    lock_members = credits.lock_members

    def locked_and_held(member_ids) -> None:
        lock_members(member_ids)
        started = time.time()
        time.sleep(hold)
        held.append((started, time.time()))

    credits.lock_members = locked_and_held
    barrier.wait()
    for n, (handle, inmail) in enumerate(work):
        if inmail:
            messaging.send(sender_id, [handle], f"Γεια σας {handle}, μια ερώτηση;", subject="Ρόλος")
        else:
            messaging.send(sender_id, [handle], f"Обновление {n} 🙂")
    store.close()
    results.put(held)


def send_back_and_forth(target: str, now: str, sender_id: int, handle: str, count: int, barrier, results) -> None:
    """Send ``count`` messages to ``handle``, who is sending to this sender at the same time."""
    store = join_store(target, now)
    barrier.wait()
    for n in range(count):
        messaging.send(sender_id, [handle], f"Réponse {n} de {sender_id}")
    store.close()
    results.put(count)


def answer_inmails(target: str, now: str, answers: list[tuple[int, int]], how: str, barrier, results) -> None:
    """Answer each (recipient id, conversation id) ``how``: reply, accept or decline."""
    store = join_store(target, now)
    answers = list(answers)
    random.shuffle(answers)
    barrier.wait()
    outcomes = []
    for recipient_id, conversation_id in answers:
        try:
            if how == "reply":
                messaging.reply(recipient_id, conversation_id, "Happy to talk.")
            else:
                messaging.reply(recipient_id, conversation_id, **{how: True})
            outcomes.append("answered")
        except Refused as refusal:
            outcomes.append(str(refusal))
    store.close()
    results.put(outcomes)


def stall_inside(target: str, now: str, step: str, action: tuple, inside) -> None:
    """Run ``action`` but stop for good right after ``credits.<step>`` ran, mid-transaction.

    ``inside`` is set once the transaction has written the credit change, so the
    parent knows the moment to kill this process.
    """
    join_store(target, now)
    original = getattr(credits, step)

    def stalled(*args, **kwargs):
        result = original(*args, **kwargs)
        inside.set()
        time.sleep(600)
        return result

    setattr(credits, step, stalled)
    kind, *args = action
    if kind == "send":
        sender_id, handle = args
        messaging.send(sender_id, [handle], "This one never arrives.", subject="A role")
    else:
        recipient_id, conversation_id = args
        messaging.reply(recipient_id, conversation_id, "Yes, let's talk.")


@dataclass(frozen=True)
class Books:
    """A member's credits as the ledger, the lots and the InMail rows tell it."""

    balance: int
    ledger_sum: int
    held_in_lots: int
    spends: int
    refunds: int
    inmails: int
    messages: int


def books(member_id: int) -> Books:
    entries = list(LedgerEntry.select().where(LedgerEntry.member == member_id))
    return Books(
        balance=credits.balance(member_id),
        ledger_sum=sum(entry.amount for entry in entries),
        held_in_lots=sum(lot.remaining for lot in CreditLot.select().where(CreditLot.member == member_id)),
        spends=sum(1 for entry in entries if entry.kind == "spend"),
        refunds=sum(1 for entry in entries if entry.kind == "refund"),
        inmails=InMail.select().where(InMail.sender == member_id).count(),
        messages=Message.select().where(Message.sender == member_id).count(),
    )


def add_people(prefix: str, count: int, plan: str = "basic") -> list[str]:
    handles = [f"{prefix}-{n}" for n in range(count)]
    for handle in handles:
        members.add_member(handle, handle.replace("-", " ").title(), plan=plan)
    return handles


def collect(processes, results, timeout: float = 180) -> list:
    """Every process's report, read before joining so that no process blocks on a full pipe."""
    for process in processes:
        process.start()
    reports: list = []
    deadline = time.monotonic() + timeout
    while len(reports) < len(processes):
        failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
        assert not failed, f"a writer failed with exit code {failed[0]}"
        assert time.monotonic() < deadline, "the writers did not finish in time"
        try:
            reports.append(results.get(timeout=0.5))
        except queue.Empty:
            pass
    for process in processes:
        process.join(timeout)
        assert process.exitcode == 0, f"a writer failed with exit code {process.exitcode}"
    return reports
