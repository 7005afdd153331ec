"""The benchmark's synthetic store: a support inbox of N messages, written in bulk.

N messages in N/10 conversations among 2,000 members. The acting member "me" is a
participant in every conversation (a shared support inbox, the worst case for the
inbox filters); the other side is drawn from the members with a skew (some
customers write often) over a connection graph clustered by company. Every state a
conversation can be in occurs: InMail pending, answered and expired, Open Profile,
groups, sponsored messages, archived, spam, deleted, starred, muted, unread,
Focused and Other, attachments on a few messages, recalled messages.

Text comes from word lists and sentence templates with a fixed seed (app.bench.words).

Rows are written the way the store's own writers would leave them (the delivery
rules of app.core.delivery: one state per participant, box, folder, peer, connected,
inmail, unread, last_at, preview, message_count, one full-text row per message and
one people row per conversation), but in bulk, by two processes at once: a writer
process (app.bench.writer) fills the
store's message table and its full-text index, chunk by chunk in message-id order,
with the message indexes made after the load; this process makes the rows and
writes members, conversations and states into a file beside the store, whose
tables are then copied in whole. The full-text index holds what
``app.store.search`` would make of those rows, every word at every place (a test
holds them equal), in fewer, larger segments. A build that fails leaves no store
behind.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import resource
import shutil
import sqlite3
import tempfile
import time
from bisect import bisect_left
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from math import log

from app.bench.words import (
    CITIES,
    COMPANIES,
    FIRST_NAMES,
    GREETINGS,
    LAST_NAMES,
    POSITIONS,
    SIGN_OFFS,
    running_totals,
    sentence_pools,
)
from app.bench.writer import MessageWriter
from app.core import clock, delivery
from app.core.credits import grant_time
from app.core.delivery import RECALLED_TEXT, has_links, preview_of
from app.core.errors import BadInput
from app.core.messaging import QUICK_ACCEPT, QUICK_DECLINE
from app.core.plans import LIMITS, PLANS
from app.store.db import open_store
from app.store.models import (
    Attachment,
    Connection,
    Conversation,
    ConversationState,
    CreditDue,
    CreditLot,
    InMail,
    LedgerEntry,
    Member,
    MemberSettings,
)
from app.store.sqlite import counts, feed

BENCH_KEY = "bench"  # Meta row describing a benchmark store

# ---- the shape of the store ------------------------------------------------------------

SEED = 20_260_301
MEMBERS = 2_000  # everyone, "me" and the company accounts included
COMPANY_ACCOUNTS = 8
# Members kept out of every conversation and every connection of "me", so that
# sending them an InMail is routed as InMail (one per member until they answer);
# enough for several benchmark runs on one store.
INMAIL_TARGETS = 40
LONG_THREAD = 1_000
MIN_MESSAGES = 1_000
MIN_MEMBERS = 200  # room for the company accounts, the InMail strangers and people to write to
CHUNK = 50_000
SPAN_DAYS = 3 * 365
ME_HANDLE = "me"
ME_NAME = "Sam Rivera"
ME_COMPANY = "Parley"
ME_POSITION = "Customer Support Lead"
ME_PLAN = "sales-navigator"
PLAN_SHARES = (
    ("basic", 0.72),
    ("premium-career", 0.10),
    ("premium-business", 0.08),
    ("sales-navigator", 0.05),
    ("recruiter-lite", 0.05),
)
KIND_SHARES = (("direct", 0.66), ("inmail", 0.14), ("open_profile", 0.04), ("group", 0.10), ("sponsored", 0.06))
FIRST_KIND = {"direct": "message", "inmail": "inmail", "open_profile": "open_profile", "group": "message",
              "sponsored": "sponsored"}
TOPIC_BY_KIND = {
    "direct": ("support", "support", "support", "project", "networking", "sales"),
    "inmail": ("recruiting", "recruiting", "sales"),
    "open_profile": ("sales", "networking"),
    "group": ("project", "project", "networking"),
}
ATTACHMENT_SHARE = 0.003
RECALLED_SHARE = 0.0005
ATTACHMENT_FILES = (
    ("contract.pdf", "application/pdf"),
    ("screenshot.png", "image/png"),
    ("resume.pdf", "application/pdf"),
    ("invoice.pdf", "application/pdf"),
    ("roadmap.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notes.txt", "text/plain"),
)
# Tables written by this process into a file beside the store, then copied in whole
# (page by page, indexes and all), while the message writer fills the store itself.
BESIDE_MODELS = (Member, MemberSettings, Connection, Conversation, ConversationState, InMail, Attachment,
                 LedgerEntry, CreditLot, CreditDue)
@dataclass(frozen=True)
class BenchStore:
    """What the benchmark needs to know about the store it built."""

    path: str
    messages: int
    conversations: int
    members: int
    me_id: int
    long_thread_id: int
    long_thread_messages: int
    message_to: str  # a connection of "me": sending to them is a plain message
    inmail_to: tuple[str, ...]  # strangers who accept InMail
    searches: tuple[str, ...]
    build_seconds: float = 0.0
    build_cpu_seconds: float = 0.0  # this process and the side writers together


@dataclass
class _Conversation:
    kind: str
    members: list[int]  # "me" first
    count: int
    topic: str = ""
    inbound: bool = True  # written to "me" first (InMail and Open Profile direction)
    start: int = 0
    times: list[int] = field(default_factory=list)
    senders: bytes = b""  # per message, an index into members


class _Clock:
    """Seconds since ``base`` to the text Peewee keeps in SQLite ('YYYY-MM-DD HH:MM:SS').

    Tables of day and time-of-day texts make this two lookups: it runs once per message.
    """

    def __init__(self, base: datetime, days: int):
        self.base = base
        self.day_texts = [(base + timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(days + 1)]
        self.time_texts = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    def instant(self, seconds: int) -> datetime:
        return self.base + timedelta(seconds=seconds)

    def text(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        return self.day_texts[day] + self.time_texts[rest]


# ---- members and connections ---------------------------------------------------------------------


def _pick_share(rng: random.Random, shares) -> str:
    r = rng.random()
    for name, share in shares:
        r -= share
        if r < 0:
            return name
    return shares[-1][0]


def _members(rng: random.Random, now: datetime, count: int = MEMBERS):
    """Member rows, settings rows, and who is who: (rows, settings, persons, companies, targets)."""
    members: list[dict] = []
    settings: list[tuple] = []

    def add(handle, name, company, position, location, plan, open_profile, kind, allow_inmail=True,
            allow_sponsored=True, read_receipts=True):
        member_id = len(members) + 1
        started = now - timedelta(days=rng.randint(1, 27), seconds=rng.randint(0, 86_399))
        created = now - timedelta(days=rng.randint(400, 2_500))
        members.append({
            "id": member_id, "handle": handle, "name": name,
            "headline": f"{position} at {company}" if position else company,
            "company": company, "position": position, "location": location, "plan": plan,
            "plan_started_at": started.replace(microsecond=0), "open_profile": open_profile, "kind": kind,
            "profile_url": f"https://www.linkedin.com/in/{handle}" if kind == "person" else "",
            "created_at": created.replace(microsecond=0),
        })
        settings.append((member_id, allow_inmail, rng.random() < 0.9, allow_sponsored, True, read_receipts, True))
        return member_id

    me = add(ME_HANDLE, ME_NAME, ME_COMPANY, ME_POSITION, "Lisbon", ME_PLAN, True, "person")
    companies = []
    for name in rng.sample(COMPANIES, COMPANY_ACCOUNTS):
        handle = name.lower().replace(" ", "-").replace("'", "")
        companies.append(add(handle, name, name, "", rng.choice(CITIES), "basic", False, "company"))
    company_weights = [1 / (i + 1) ** 0.8 for i in range(len(COMPANIES))]
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    persons: list[int] = []
    targets: list[int] = []
    # Past the names there are, each is used again with a number: "Ana Silva 2".
    for n in range(count - len(members)):
        first, last = names[n % len(names)]
        again = f" {n // len(names) + 1}" if n >= len(names) else ""
        handle = f"{first}-{last}{again.replace(' ', '-')}".lower()
        plan = _pick_share(rng, PLAN_SHARES)
        is_target = len(persons) >= count - 1 - COMPANY_ACCOUNTS - INMAIL_TARGETS
        if is_target:
            plan = "basic"
        premium = plan != "basic"
        member_id = add(
            handle, f"{first} {last}{again}", rng.choices(COMPANIES, company_weights)[0], rng.choice(POSITIONS),
            rng.choice(CITIES), plan, premium and rng.random() < 0.3, "person",
            allow_inmail=is_target or rng.random() < 0.96, allow_sponsored=rng.random() < 0.85,
            read_receipts=rng.random() < 0.8,
        )
        (targets if is_target else persons).append(member_id)
    return members, settings, me, persons, companies, targets


def _connections(rng: random.Random, members: list[dict], me: int, persons: list[int]) -> set[tuple[int, int]]:
    """Mutual connections, both directions: "me" knows about a third; others cluster by company."""
    pairs: set[tuple[int, int]] = set()
    for other in rng.sample(persons, len(persons) // 3):
        pairs.add((me, other))
        pairs.add((other, me))
    by_company: dict[str, list[int]] = {}
    for member_id in persons:
        by_company.setdefault(members[member_id - 1]["company"], []).append(member_id)
    for member_id in persons:
        colleagues = by_company[members[member_id - 1]["company"]]
        for _ in range(rng.randint(5, 30)):
            other = rng.choice(colleagues) if rng.random() < 0.6 else rng.choice(persons)
            if other != member_id:
                pairs.add((member_id, other))
                pairs.add((other, member_id))
    return pairs


# ---- conversations: who, how many messages, when ---------------------------------------------------


def _counts(rng: random.Random, minimums: list[int], total: int) -> list[int]:
    """Message counts with these minimums, skewed like real threads, summing to ``total``."""
    spare = total - sum(minimums)
    flexible = [i for i, low in enumerate(minimums) if low > 1] or list(range(len(minimums)))
    mean = spare / max(1, len(flexible))
    counts = list(minimums)
    if mean > 0:
        for i in flexible:
            counts[i] += int(rng.expovariate(1 / mean))
    diff = total - sum(counts)
    while diff > 0:
        counts[rng.choice(flexible)] += 1
        diff -= 1
    while diff < 0:
        i = rng.randrange(len(counts))
        if counts[i] > minimums[i]:
            counts[i] -= 1
            diff += 1
    return counts


def _plan_conversations(rng, messages, me, persons, premium, companies, my_connections):
    """Every conversation's kind, members and message count; the long thread comes first."""
    total = messages // 10
    long_count = min(LONG_THREAD, messages // 4)
    weights = [1 / (i + 1) ** 0.7 for i in range(len(persons))]
    cumulative = list(running_totals(weights))
    others = rng.choices(persons, cum_weights=cumulative, k=total)
    connections = sorted(my_connections)
    plans = [_Conversation("direct", [me, rng.choice(connections)], long_count, topic="project")]
    minimums = [long_count]
    for i in range(1, total):
        kind = _pick_share(rng, KIND_SHARES)
        other = others[i]
        if kind == "group":
            group = rng.sample(connections, rng.randint(2, 6))
            conversation = _Conversation(kind, [me, *group], 0)
        elif kind == "sponsored":
            conversation = _Conversation(kind, [me, rng.choice(companies)], 0, topic="sponsored")
        elif kind == "inmail":
            inbound = rng.random() < 0.8
            sender = rng.choice(premium) if inbound else other
            conversation = _Conversation(kind, [me, sender], 0, inbound=inbound)
        else:
            conversation = _Conversation(kind, [me, other], 0, inbound=kind == "open_profile" or rng.random() < 0.7)
        if not conversation.topic:
            conversation.topic = rng.choice(TOPIC_BY_KIND[kind])
        answered = kind in ("direct", "group") or (kind != "sponsored" and rng.random() < 0.6)
        minimums.append(2 if answered else 1)
        plans.append(conversation)
    for conversation, count in zip(plans[1:], _counts(rng, minimums[1:], messages - long_count)):
        conversation.count = count
    return plans


def _schedule(rng: random.Random, conversation: _Conversation, horizon: int, long_thread: bool) -> None:
    """Message times (seconds since the base), the newest before ``horizon``, and who sends each."""
    count = conversation.count
    if long_thread:
        pace = 3 * 3600
        age = rng.randint(3600, 2 * 86_400)
    else:
        pace = rng.choice((600, 3600, 4 * 3600, 86_400, 3 * 86_400))
        age = int(SPAN_DAYS * 86_400 * rng.random() ** 1.7)
    rand = rng.random
    # Exponential gaps (at least half a minute): one call per message, so no expovariate().
    gaps = [30 + int(-pace * log(1.0 - rand())) for _ in range(count - 1)]
    start = horizon - age - sum(gaps)
    if start < 0:
        start = rng.randint(0, 86_400)
    times = list(accumulate(gaps, initial=start))
    if times[-1] >= horizon:
        shift = times[-1] - horizon + rng.randint(60, 3600)
        times = [max(0, t - shift) for t in times]
    conversation.start = times[0]
    conversation.times = times
    conversation.senders = _senders(rng, conversation)


def _senders(rng: random.Random, conversation: _Conversation) -> bytes:
    count, kind = conversation.count, conversation.kind
    if kind == "sponsored":
        return bytes([1] * count)
    if kind == "group":
        return bytes(rng.randrange(len(conversation.members)) for _ in range(count))
    first = 1 if conversation.inbound else 0
    slots = [first]
    if count > 1:
        slots.append(1 - first)  # the answer
    rand = rng.random
    last = slots[-1]
    for _ in range(count - len(slots)):
        if rand() < 0.7:
            last = 1 - last
        slots.append(last)
    return bytes(slots)


# ---- one conversation's view for each member ---------------------------------------------------------


def _unanswered(senders: bytes, slot: int) -> int:
    """How many messages at the end came from others since the member in ``slot`` last wrote."""
    return len(senders) - 1 - senders.rfind(slot)  # rfind gives -1 when they never wrote: all of them


@dataclass(slots=True)
class _View:
    """One member's state of one conversation before its message ids are known."""

    member: int
    peer: int | None
    folder: str
    unread: int
    archived: bool
    spam: bool
    deleted: bool
    muted: bool
    starred: bool
    connected: bool
    read_position: int  # index of the last message this member has read (-1: none)


def _answered(senders: bytes, slot: int) -> bool:
    """Whether the member in ``slot`` had written before the latest message from the others came
    (true when none came)."""
    last_theirs = max((i for i, s in enumerate(senders) if s != slot), default=-1)
    return last_theirs < 0 or -1 < senders.find(slot) < last_theirs


def _my_view(rng, conversation: _Conversation, horizon: int, pairs, inmail_status: str | None,
             stamp: _Clock) -> _View:
    """The acting member's state: the inbox mix a support lead would have."""
    me, other = conversation.members[0], conversation.members[1]
    kind, senders, count = conversation.kind, conversation.senders, conversation.count
    age = horizon - conversation.times[-1]
    answered_by_me = 0 in senders
    waiting = _unanswered(senders, 0)
    deleted = rng.random() < 0.008
    spam = False
    if not deleted:
        if kind == "sponsored":
            spam = rng.random() < 0.03
        elif kind in ("inmail", "open_profile") and not answered_by_me:
            spam = rng.random() < 0.08
        elif kind == "direct" and (me, other) not in pairs:
            spam = rng.random() < 0.01
    # Older conversations are more often archived; sponsored ones often are, once read.
    archive_chance = 0.3 if kind == "sponsored" else 0.1 + 0.5 * age / (SPAN_DAYS * 86_400)
    archived = not deleted and not spam and rng.random() < archive_chance
    unread = 0
    if waiting and not archived:
        if inmail_status == "pending":
            chance = 0.8
        elif spam:
            chance = 0.5
        else:
            chance = 0.6 if age < 7 * 86_400 else 0.25 if age < 30 * 86_400 else 0.03
        if rng.random() < chance:
            sent = stamp.instant(conversation.times[0])
            # An InMail left without a response had its reminder while pending, expired since or not.
            unanswered = inmail_status is not None and inmail_status not in delivery.RESPONSES
            reminded = unanswered and delivery.reminded_at(sent, None, stamp.instant(horizon)) is not None
            unread = delivery.unread_after(waiting, reminded=reminded)
    folder = delivery.folder_for(delivery.route_of_arrival(kind, answered=_answered(senders, 0)))
    one_to_one = kind in ("direct", "inmail", "open_profile")
    return _View(
        member=me,
        peer=other if kind != "group" else None,
        folder=folder,
        unread=unread,
        archived=archived,
        spam=spam,
        deleted=deleted,
        muted=rng.random() < (0.15 if kind == "group" else 0.03),
        starred=not (spam or deleted) and rng.random() < 0.04,
        connected=one_to_one and (me, other) in pairs,
        read_position=count - 1 - (waiting if unread else 0),
    )


def _their_views(rng, conversation: _Conversation, pairs) -> list[_View]:
    """The other participants' states (a sponsored conversation has only the recipient's)."""
    kind = conversation.kind
    if kind == "sponsored":
        return []
    views = []
    last = conversation.count - 1
    me = conversation.members[0]
    for slot, member in enumerate(conversation.members[1:], start=1):
        waiting = _unanswered(conversation.senders, slot) if kind != "group" else 0
        unread = waiting if waiting and rng.random() < 0.5 else 0
        archived = not unread and rng.random() < 0.1
        views.append(_View(
            member=member,
            peer=me if kind != "group" else None,
            folder=delivery.folder_for(delivery.route_of_arrival(kind, answered=_answered(conversation.senders, slot))),
            unread=unread,
            archived=archived,
            spam=False,
            deleted=False,
            muted=False,
            starred=rng.random() < 0.02,
            connected=kind != "group" and (member, me) in pairs,
            read_position=last - unread,
        ))
    return views


def _inmail_status(rng, conversation: _Conversation, horizon: int, stamp: _Clock) -> str | None:
    """An answered InMail was replied to, accepted or declined; an unanswered one is pending or expired."""
    if conversation.kind != "inmail":
        return None
    sent, now = stamp.instant(conversation.times[0]), stamp.instant(horizon)
    if conversation.count > 1:
        response = rng.choices(delivery.RESPONSES, (0.7, 0.2, 0.1))[0]
        return delivery.inmail_status(sent, stamp.instant(conversation.times[1]), now, response)
    return delivery.inmail_status(sent, None, now)


# ---- the build ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _without_collection():
    """The cycle collector off: the build holds millions of objects and makes no cycles, and
    each full collection would walk them all (it cost a quarter of the build's time)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build(path: str, messages: int, *, member_count: int = MEMBERS, now: datetime | None = None,
          seed: int = SEED) -> BenchStore:
    """Create a new store at ``path`` holding ``messages`` synthetic messages among ``member_count`` members."""
    with _without_collection():
        return _build(path, messages, member_count=member_count, now=now, seed=seed)


def _build(path: str, messages: int, *, member_count: int, now: datetime | None, seed: int) -> BenchStore:
    if messages < MIN_MESSAGES:
        raise BadInput(f"The benchmark needs at least {MIN_MESSAGES:,} messages.")
    if member_count < MIN_MEMBERS:
        raise BadInput(f"The benchmark needs at least {MIN_MEMBERS:,} members.")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        raise BadInput(f"{path} already exists; the benchmark builds a new store.")
    began = time.perf_counter()
    cpu_began = _cpu_seconds()
    now = (now or clock.now()).replace(microsecond=0)
    rng = random.Random(seed)
    base = (now - timedelta(days=SPAN_DAYS + 30)).replace(hour=0, minute=0, second=0)
    horizon = int((now - base).total_seconds())
    stamp = _Clock(base, horizon // 86_400 + 1)

    members, settings, me, persons, companies, targets = _members(rng, now, member_count)
    pairs = _connections(rng, members, me, persons)
    premium = [m for m in persons if members[m - 1]["plan"] != "basic"]
    my_connections = [other for (a, other) in pairs if a == me]
    plans = _plan_conversations(rng, messages, me, persons, premium, companies, my_connections)
    for i, conversation in enumerate(plans):
        _schedule(rng, conversation, horizon, long_thread=i == 0)
    long_thread = plans[0]
    plans.sort(key=lambda c: c.start)
    long_thread_id = plans.index(long_thread) + 1

    store = open_store(path)
    schema = store.db.execute_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL"
    ).fetchall()
    store.close()  # the message writer takes the file, alone
    folder = tempfile.mkdtemp(prefix="parley-bench-", dir=os.path.dirname(os.path.abspath(path)))
    beside_path = os.path.join(folder, "beside.db")
    writer: MessageWriter | None = None
    beside: sqlite3.Connection | None = None
    tables = {model._meta.table_name for model in BESIDE_MODELS}
    try:

        def start_writer(plans: list[_Conversation], titles: list[str]):
            """Start the message writer, then open the file beside (after the fork: the writer shares nothing)."""
            nonlocal writer, beside
            writer = MessageWriter(path, {
                "drop": [name for kind, name, table, _ in schema if kind == "index" and table == "message"],
                "create": [sql for kind, _, table, sql in schema if kind == "index" and table == "message"],
                "people": (plans, members, titles),
            })
            beside = sqlite3.connect(beside_path, isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
                beside.execute(f"PRAGMA {pragma}")
            beside.execute("BEGIN")
            for kind, _, table, sql in schema:
                if kind == "table" and table in tables:
                    beside.execute(sql)
            return writer, beside.cursor()

        # Messages first: the writer starts on them while the rest is written here.
        cursor = _write_conversations(rng, plans, members, pairs, horizon, stamp, start_writer)
        assert writer is not None and beside is not None  # opened by start_writer
        _write_members(cursor, members, settings, pairs, now, rng)
        _write_allotments(cursor, members)
        for kind, _, table, sql in schema:
            if kind == "index" and table in tables:
                beside.execute(sql)
        beside.execute("COMMIT")
        beside.close()
        writer.finish()
        facts = BenchStore(
            path=path,
            messages=messages,
            conversations=len(plans),
            members=len(members),
            me_id=me,
            long_thread_id=long_thread_id,
            long_thread_messages=long_thread.count,
            message_to=members[long_thread.members[1] - 1]["handle"],
            inmail_to=tuple(members[t - 1]["handle"] for t in targets),
            searches=_searches(members, persons, now),
        )
        _copy_beside(path, beside_path, tables, facts)
    except BaseException:
        if writer is not None:
            writer.stop()
        if beside is not None:
            beside.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - began
    return BenchStore(**{**asdict(facts), "inmail_to": facts.inmail_to, "searches": facts.searches,
                         "build_seconds": seconds, "build_cpu_seconds": _cpu_seconds() - cpu_began})


def _copy_beside(path: str, beside_path: str, tables: set[str], facts: BenchStore) -> None:
    """Copy the tables written beside into the store (still empty there: SQLite copies their pages),
    note what the benchmark needs to know, and leave the store as the app opens it."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # Foreign keys off: SQLite copies pages whole only without them (the rows were made consistent).
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("ATTACH DATABASE ? AS beside", (beside_path,))
        db.execute("BEGIN")
        feed.pause(db.execute)  # SQLite copies pages whole only into tables without triggers
        counts.drop(db.execute)
        for table in sorted(tables):
            db.execute(f'INSERT INTO main."{table}" SELECT * FROM beside."{table}"')
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (BENCH_KEY, json.dumps(asdict(facts))))
        counts.create(db.execute)
        feed.resume(db.execute)
        db.execute("COMMIT")
        db.execute("DETACH DATABASE beside")
        for pragma in ("synchronous=NORMAL", "journal_mode=WAL"):
            db.execute(f"PRAGMA {pragma}")
    finally:
        db.close()


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the side writers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _write_allotments(cursor, members: list[dict]) -> None:
    """Each premium plan's first allotment, as credits.start_plan grants it when the plan starts.

    The balance is zero before it and an allotment never exceeds its cap, so no
    cap-trim entry occurs: one grant entry and one lot per premium member.
    """
    ledger, lots, due = [], [], []
    for m in members:
        chosen = PLANS[m["plan"]]
        if not chosen.monthly:
            continue
        at = m["plan_started_at"]
        ledger.append((m["id"], at.isoformat(" "), "grant", chosen.monthly, f"{chosen.label} allotment"))
        lots.append((m["id"], at.isoformat(" "), (at + LIMITS.credit_lifetime).isoformat(" "), chosen.monthly))
        # The next monthly grant comes before the allotment expires, as credits.next_due finds.
        due.append((m["id"], min(grant_time(at, 1), at + LIMITS.credit_lifetime).isoformat(" ")))
    cursor.executemany("INSERT INTO ledger_entry (member_id, at, kind, amount, reason) VALUES (?, ?, ?, ?, ?)", ledger)
    cursor.executemany(
        "INSERT INTO credit_lot (member_id, granted_at, expires_at, amount, remaining, source) "
        "VALUES (?, ?, ?, ?, ?, 'grant')",
        [(*lot, lot[3]) for lot in lots],
    )
    cursor.executemany("INSERT INTO credit_due (member_id, due_at) VALUES (?, ?)", due)


def _write_members(cursor, members, settings, pairs, now, rng) -> None:
    cursor.executemany(
        "INSERT INTO member (id, handle, name, headline, company, position, location, plan, plan_started_at, "
        "open_profile, kind, profile_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (m["id"], m["handle"], m["name"], m["headline"], m["company"], m["position"], m["location"], m["plan"],
             m["plan_started_at"].isoformat(" "), m["open_profile"], m["kind"], m["profile_url"],
             m["created_at"].isoformat(" "))
            for m in members
        ],
    )
    cursor.executemany(
        "INSERT INTO member_settings (member_id, allow_inmail, allow_open_profile, allow_sponsored, focused_inbox, "
        "read_receipts, notifications) VALUES (?, ?, ?, ?, ?, ?, ?)",
        settings,
    )
    since = {}
    rows = []
    for a, b in sorted(pairs):
        key = (min(a, b), max(a, b))
        if key not in since:
            since[key] = (now - timedelta(days=rng.randint(1, 2_000))).isoformat(" ")
        rows.append((a, b, since[key]))
    cursor.executemany("INSERT INTO connection (member_id, other_id, connected_at) VALUES (?, ?, ?)", rows)


def _write_conversations(rng, plans, members, pairs, horizon, stamp, start_writer):
    """Messages in time order (ids grow with time, as in a real store), then conversations and states.

    ``start_writer(plans, titles)`` starts the message writer and returns it with the cursor the
    rest is written to, which this returns.
    """
    pools = sentence_pools(rng, min(4_000, max(500, sum(c.count for c in plans) // 50)))
    firsts = [m["name"].split()[0] for m in members]
    statuses = [_inmail_status(rng, c, horizon, stamp) for c in plans]
    titles = []
    subjects = []
    for c in plans:
        if c.kind == "group":
            titles.append(", ".join(sorted(members[m - 1]["name"] for m in c.members))[:300])
        elif c.kind == "sponsored":
            titles.append(members[c.members[1] - 1]["name"])
        else:
            titles.append("")
        subjects.append(rng.choice(pools["subject"]) if c.kind == "inmail" else "")
    # The writer starts now, and gets its first rows as soon as they are made: what the
    # rows do not need (each member's view, the people) is made after them.
    side, cursor = start_writer(plans, titles)

    count = len(plans)
    first_id = [0] * count
    last_id = [0] * count
    previews = [""] * count
    attached = [False] * count
    attachments = []

    conv_bits = count.bit_length()
    seq_bits = max(c.count for c in plans).bit_length()
    shift = conv_bits + seq_bits
    conv_mask, seq_mask = (1 << conv_bits) - 1, (1 << seq_bits) - 1
    keys = [
        (t << shift) | (ci << seq_bits) | seq
        for ci, c in enumerate(plans)
        for seq, t in enumerate(c.times)
    ]
    keys.sort()
    text_of = stamp.text

    rand = rng.random
    size = len(pools["support"])
    short, sponsored = pools["short"], pools["sponsored"]
    short_size, sponsored_size = len(short), len(sponsored)
    greetings, sign_offs = len(GREETINGS), len(SIGN_OFFS)
    blobs = [rng.randbytes(rng.randint(300, 3_000)) for _ in range(16)]
    day_texts, time_texts = stamp.day_texts, stamp.time_texts
    # Who a message is written to, by the sender's slot: the other side (1:1) or the group.
    readers = [
        ("team",) * len(c.members) if c.kind == "group" else (firsts[c.members[1] - 1], firsts[c.members[0] - 1])
        for c in plans
    ]
    # Everything the loop needs about a conversation, in one tuple unpacked once per message.
    conversations = []
    for ci, c in enumerate(plans):
        status = statuses[ci]
        quick = QUICK_ACCEPT if status == "accepted" else QUICK_DECLINE if status == "declined" else None
        conversations.append((
            c.kind == "sponsored", quick, pools.get(c.topic), c.senders, c.members, readers[ci], subjects[ci],
            FIRST_KIND[c.kind], c.count - 1,
        ))
    recalled_share, attachment_share = RECALLED_SHARE, ATTACHMENT_SHARE
    files, file_count, blob_count = ATTACHMENT_FILES, len(ATTACHMENT_FILES), len(blobs)
    message_id = 0
    for start in range(0, len(keys), CHUNK):
        message_rows: list[tuple] = []
        add_message = message_rows.append
        for key in keys[start:start + CHUNK]:
            message_id += 1
            seq = key & seq_mask
            ci = (key >> seq_bits) & conv_mask
            (is_sponsored, quick, pool, senders, participants, reader, subject_of, first_kind,
             last_seq) = conversations[ci]
            slot = senders[seq]
            if is_sponsored:
                body = sponsored[int(rand() * sponsored_size)]
            elif seq == 1 and quick is not None:
                body = quick
            elif seq == 0:
                first = int(rand() * size)
                body = (
                    f"{GREETINGS[int(rand() * greetings)]}{reader[slot]},\n\n"
                    f"{pool[first]} {pool[first - 1 - int(rand() * (size - 1))]}"
                )
                if rand() < 0.5:
                    body += " " + pool[int(rand() * size)]
                if rand() < 0.5:
                    body += f"\n\n{SIGN_OFFS[int(rand() * sign_offs)]}{firsts[participants[slot] - 1]}"
            elif rand() < 0.45:
                body = short[int(rand() * short_size)]
                if "{" in body:
                    body = body.replace("{first}", reader[slot])
            elif rand() < 0.5:
                body = pool[int(rand() * size)]
            else:
                first = int(rand() * size)
                body = f"{pool[first]} {pool[first - 1 - int(rand() * (size - 1))]}"
            at = key >> shift
            sent_at = day_texts[at // 86_400] + time_texts[at % 86_400]
            if seq == 0:
                subject, kind_of = subject_of, first_kind
                first_id[ci] = message_id
            else:
                subject, kind_of = "", "message"
            recalled_at = None
            if rand() < recalled_share and not is_sponsored:
                recalled_at = text_of(at + 300)
            add_message((
                message_id, ci + 1, participants[slot], kind_of, subject, body, sent_at, recalled_at,
                "http" in body and has_links(body),
            ))
            if rand() < attachment_share:
                name, mime = files[int(rand() * file_count)]
                blob = blobs[int(rand() * blob_count)]
                attachments.append((message_id, name, len(blob), mime, blob))
                attached[ci] = True
            if seq == last_seq:
                last_id[ci] = message_id
                previews[ci] = RECALLED_TEXT if recalled_at else preview_of(body)
        side.add(message_rows)
    mine = [_my_view(rng, c, horizon, pairs, s, stamp) for c, s in zip(plans, statuses)]
    theirs = [_their_views(rng, c, pairs) for c in plans]
    side.last()

    def message_at(ci: int, seq: int) -> int:
        """The id of a conversation's message: its place among all messages in time order."""
        return bisect_left(keys, (plans[ci].times[seq] << shift) | (ci << seq_bits) | seq) + 1


    cursor.executemany(
        "INSERT INTO attachment (message_id, name, size, mime, data) VALUES (?, ?, ?, ?, ?)", attachments
    )
    cursor.executemany(
        "INSERT INTO conversation (id, kind, title, subject, created_by_id, created_at, last_at, preview, "
        "message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ci + 1, c.kind, titles[ci], subjects[ci], c.members[c.senders[0]], text_of(c.times[0]),
             text_of(c.times[-1]), previews[ci], c.count)
            for ci, c in enumerate(plans)
        ],
    )
    state_rows = []
    for ci, c in enumerate(plans):
        last_at = text_of(c.times[-1])
        inmail = c.kind == "inmail"
        for view in (mine[ci], *theirs[ci]):
            if view is mine[ci] or len(theirs[ci]) == 1:
                read_upto = message_at(ci, view.read_position) if view.read_position >= 0 else 0
            else:
                read_upto = last_id[ci]
            seen = delivery.View(folder=view.folder, unread=view.unread, has_unread=view.unread > 0,
                                 archived=view.archived, spam=view.spam, deleted=view.deleted)
            state_rows.append((
                ci + 1, view.member, seen.folder, seen.unread, seen.has_unread, seen.archived, view.muted,
                view.starred, seen.spam, seen.deleted, seen.box, view.peer,
                view.connected, inmail, attached[ci], last_at, read_upto,
            ))
    # Written in the order the inbox indexes begin with (member, box, last activity): SQLite
    # builds those indexes from rows nearly in order in two thirds of the time.
    state_rows.sort(key=lambda row: (row[1], row[10], row[15]))
    cursor.executemany(
        "INSERT INTO conversation_state (conversation_id, member_id, folder, unread, has_unread, archived, muted, "
        "starred, spam, deleted, box, peer_id, connected, inmail, has_attachment, last_at, read_upto, "
        "marked_safe, left) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
        state_rows,
    )
    inmail_rows = []
    for ci, c in enumerate(plans):
        status = statuses[ci]
        if status is None:
            continue
        sent = c.times[0]
        responded = c.times[1] if c.count > 1 else None
        reminded_at = delivery.reminded_at(
            stamp.instant(sent), stamp.instant(responded) if responded else None, stamp.instant(horizon)
        )
        reminded = reminded_at.isoformat(" ") if reminded_at else None
        sender_slot = c.senders[0]
        inmail_rows.append((
            first_id[ci], ci + 1, c.members[sender_slot], c.members[1 - sender_slot], text_of(sent), status,
            text_of(responded) if responded else None, reminded,
        ))
    # Historical InMail never went through credits: billed is off, so answering one now refunds nothing.
    cursor.executemany(
        "INSERT INTO inmail (message_id, conversation_id, sender_id, recipient_id, sent_at, status, responded_at, "
        "refunded, reminded_at, billed) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0)",
        inmail_rows,
    )
    return cursor


def _searches(members: list[dict], persons: list[int], now: datetime) -> tuple[str, ...]:
    """Ten queries a support lead would type: common and rare words, a phrase, every kind of operator."""
    frequent = members[persons[0] - 1]  # the most frequent correspondent
    company = frequent["company"].split()[0].lower()
    recent = (now - timedelta(days=120)).strftime("%Y-%m-%d")
    return (
        "invoice",
        "kubernetes",
        '"purchase order"',
        f'from:"{frequent["name"].lower()}"',
        f"company:{company} renewal",
        "is:unread refund",
        "is:inmail salary",
        "has:attachment contract",
        f"after:{recent} webinar -pricing",
        "in:archived okta",
    )
