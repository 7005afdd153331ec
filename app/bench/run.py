"""`parley bench`: build a large synthetic store, then time what a user waits for.

Every figure is taken the way the product meets it: the app is launched as a new
process until its first inbox page is painted (and a minimal Textual app beside it,
in the same run, for the ratio); filters, pages, searches and threads go through
the same core calls the screens make; sends go through ``messaging.send``, which
settles credits first. Timings are medians (and 95th percentiles) of repeated runs.
Each figure is marked against its target from issue 4; the targets are stated for
1,000,000 messages, the default.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from app.bench.data import MEMBERS
from app.core.errors import BadInput
from app.store.errors import redacted
from app.store.target import is_postgres_url

LAUNCHES = 7  # per app, alternately, after one warm-up each
ROUNDS = 5  # repetitions of each in-process measurement
PAGES_DOWN = 40
SENDS = 5
LAUNCH_TIMEOUT = 180
MEMORY_CHECK_MESSAGES = 10_000

# Targets (issue 4), at 1,000,000 messages on a 2-core machine.
FIRST_PAINT_RATIO = 1.5
FILTER_SWITCH_MS = 30
PAGE_DOWN_MS = 16
SEARCH_MS = 50
THREAD_MS = 100
BUILD_RATE = 50_000
MEMORY_OVER_MINIMAL_MB = 80
MEMORY_GROWTH = 0.10
# Writers sending at once between different members (issue 18), on each backend.
WRITERS_PER_SECOND = {"sqlite": 200, "postgresql": 300}
WRITERS_P95_MS = 100

MINIMAL_APP = textwrap.dedent(
    '''
    """A minimal Textual app: a header, a list and a footer; it exits once painted."""
    from textual.app import App
    from textual.widgets import Footer, Header, Label, ListItem, ListView


    class Minimal(App):
        def compose(self):
            yield Header()
            yield ListView(*(ListItem(Label(f"Conversation {n}")) for n in range(20)))
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(self.exit)


    Minimal().run()
    '''
)


@dataclass
class Figure:
    """One line of the table: a measured value, its target and whether it meets it."""

    key: str
    label: str
    value: float | None
    unit: str
    target: str = ""
    passed: bool | None = None
    note: str = ""
    extra: dict | None = None

    def shown(self) -> str:
        if self.value is None:
            return "-"
        if self.unit in ("msg/s", "sends/s"):
            return f"{self.value:,.0f} {self.unit}"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "MB":
            return f"{self.value:.1f} MB"
        if self.unit == "ms":
            return f"{self.value:.1f} ms" if self.value < 100 else f"{self.value:,.0f} ms"
        return f"{self.value:g} {self.unit}".strip()

    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


Result = TypeVar("Result")


def timed(call: Callable[[], Result]) -> tuple[float, Result]:
    """Milliseconds a call takes, and what it returned."""
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


# ---- launching processes -------------------------------------------------------------------------


@dataclass
class Launch:
    seconds: float
    peak_mb: float


# Launches are made from this small process, not from the benchmark's own: on Linux a
# child's peak resident memory starts from its parent's at fork (and, with vfork, at
# exec), so launching from a process holding a large build would overstate every peak.
LAUNCHER = textwrap.dedent(
    """
    import json, os, subprocess, sys, threading, time

    timeout, commands = float(sys.argv[1]), json.loads(sys.argv[2])
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB on Linux
    for command in commands:
        started = time.perf_counter()
        with open("launch-errors.txt", "wb") as errors:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=errors)
            killer = threading.Timer(timeout, process.kill)
            killer.start()
            _pid, status, usage = os.wait4(process.pid, 0)
            killer.cancel()
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            with open("launch-errors.txt", "rb") as errors:
                tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            print(json.dumps({"error": tail[0] if tail else f"exit code {code}"}), flush=True)
            sys.exit(1)
        print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / scale}), flush=True)
    """
)


def _package_root() -> str:
    import app

    return str(Path(app.__file__).resolve().parent.parent)


def _child_env(folder: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_package_root(), env.get("PYTHONPATH")) if p)
    env["PARLEY_EXIT_ON_FIRST_PAINT"] = "1"
    # The user's own config (a keymap, an acting member) must not change what is measured.
    env["PARLEY_CONFIG"] = os.path.join(folder, "no-config.toml")
    env.pop("PARLEY_DB", None)
    return env


def launch_all(commands: list[list[str]], folder: str) -> list[Launch]:
    """Run each command to its end without a terminal: wall time and peak resident memory."""
    launcher = os.path.join(folder, "launcher.py")
    Path(launcher).write_text(LAUNCHER)
    done = subprocess.run(
        [sys.executable, launcher, str(LAUNCH_TIMEOUT), json.dumps(commands)],
        env=_child_env(folder), cwd=folder, stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    launches = []
    for line in done.stdout.splitlines():
        entry = json.loads(line)
        if "error" in entry:
            raise RuntimeError(f"A launch failed: {entry['error']}")
        launches.append(Launch(entry["seconds"], entry["peak_mb"]))
    if done.returncode != 0 or len(launches) != len(commands):
        raise RuntimeError(f"The launcher failed: {done.stderr.strip()[-300:]}")
    return launches


def app_command(store_path: str) -> list[str]:
    return [sys.executable, "-m", "app", "--db", store_path, "--as", "me"]


def cold_starts(store_path: str, folder: str) -> tuple[list[Launch], list[Launch]]:
    """The app on the store and the minimal app, alternately, each warmed up once first."""
    minimal_script = os.path.join(folder, "minimal_app.py")
    Path(minimal_script).write_text(MINIMAL_APP)
    parley, minimal = app_command(store_path), [sys.executable, minimal_script]
    results = launch_all([parley, minimal] * (LAUNCHES + 1), folder)[2:]
    return results[0::2], results[1::2]


# ---- measuring inside one process ----------------------------------------------------------------


def _filters(me: int) -> Figure:
    from app.core import inbox
    from app.core.views import FILTERS

    runs = [timed(lambda: (inbox.counts(me), inbox.page(me, name))) for _ in range(ROUNDS) for name in FILTERS]
    samples = [ms for ms, _ in runs]
    counts = runs[-1][1][0]
    return Figure(
        "filter_switch", "Filter switch (page + counts), median", median(samples), "ms",
        f"<= {FILTER_SWITCH_MS} ms", median(samples) <= FILTER_SWITCH_MS,
        extra={"p95_ms": p95(samples), "samples": len(samples), "counts": dict(counts.by_filter)},
    )


def _recount(me: int, conversation_id: int) -> Figure:
    """Counts right after a change (the cache is stale then): what a live update costs.

    Each round really changes the store, marking the conversation unread, then read:
    a write that changes nothing notes no change, and the counts it left stand."""
    from app.core import inbox, moderation

    samples = []
    for round_ in range(ROUNDS):
        moderation.apply(me, "unread" if round_ % 2 == 0 else "read", [conversation_id])
        samples.append(timed(lambda: inbox.counts(me))[0])
    return Figure("counts_after_change", "Counts after a change, median", median(samples), "ms",
                  extra={"p95_ms": p95(samples)})


def _paging(me: int) -> list[Figure]:
    from app.core import inbox

    downs = []
    for _ in range(2):
        rows = inbox.page(me, "all")
        for _ in range(PAGES_DOWN):
            if not rows:
                break
            ms, rows = timed(lambda: inbox.page(me, "all", after=rows[-1].cursor))
            downs.append(ms)
    ends = [timed(lambda: inbox.last_page(me, "all"))[0] for _ in range(ROUNDS)]
    return [
        Figure("page_down", "Page down (next 50 by keyset), median", median(downs), "ms",
               f"<= {PAGE_DOWN_MS} ms", median(downs) <= PAGE_DOWN_MS,
               extra={"p95_ms": p95(downs), "samples": len(downs)}),
        Figure("jump_to_end", "Jump to the end (last page), median", median(ends), "ms",
               extra={"p95_ms": p95(ends)}),
    ]


def _searches(me: int, queries: tuple[str, ...]) -> Figure:
    from app.core import inbox

    per_query = {}
    for query in queries:
        runs = []
        found = 0
        for _ in range(3):
            ms, rows = timed(lambda: inbox.page(me, "all", query=query))
            runs.append(ms)
            found = len(rows)
        per_query[query] = {"median_ms": round(median(runs), 2), "first_page_rows": found}
    medians = [entry["median_ms"] for entry in per_query.values()]
    return Figure(
        "search", f"Search, first page ({len(queries)} queries), median", median(medians), "ms",
        f"<= {SEARCH_MS} ms", median(medians) <= SEARCH_MS,
        extra={"p95_ms": p95(medians), "queries": per_query},
    )


def _thread(me: int, conversation_id: int, size: int) -> list[Figure]:
    from app.core import inbox

    def first_screen():
        inbox.thread(me, conversation_id)
        return inbox.messages(me, conversation_id, limit=200)

    def everything():
        inbox.thread(me, conversation_id)
        return inbox.messages(me, conversation_id, limit=size)

    opened = [timed(first_screen)[0] for _ in range(2 * ROUNDS)]
    full = []
    fetched = 0
    for _ in range(2 * ROUNDS):
        ms, views = timed(everything)
        full.append(ms)
        fetched = len(views)
    return [
        Figure("thread_open", f"Open a thread of {size:,} (newest 200), median", median(opened), "ms",
               f"<= {THREAD_MS} ms", median(opened) <= THREAD_MS, extra={"p95_ms": p95(opened)}),
        Figure("thread_full", f"Fetch all {size:,} messages of it, median", median(full), "ms",
               f"<= {THREAD_MS} ms", median(full) <= THREAD_MS,
               extra={"p95_ms": p95(full), "messages": fetched}),
    ]


def _expect_route(result, route: str, handle: str) -> None:
    if result.route != route:
        raise RuntimeError(f"sending to {handle} went as {result.route}, not {route}")


def _sends(me: int, message_to: str, inmail_to: tuple[str, ...]) -> list[Figure]:
    from app.core import messaging

    plain = []
    for n in range(SENDS):
        ms, result = timed(lambda: messaging.send(me, [message_to], f"Following up on your ticket, update {n}."))
        _expect_route(result, "message", message_to)
        plain.append(ms)
    from app.core import routing
    from app.core.members import member_by_handle

    # A store measured before holds InMail already sent to some of them, still unanswered.
    fresh = [h for h in inmail_to if routing.route(me, member_by_handle(h).id).route == "inmail"]
    if not fresh:
        raise RuntimeError("every InMail recipient of this benchmark store has been used; build a new one")
    inmail = []
    for handle in fresh[:SENDS]:
        ms, result = timed(lambda: messaging.send(
            me, [handle], "Hello, I lead support at Parley and would value ten minutes of your time.",
            subject="A question about your support setup",
        ))
        _expect_route(result, "inmail", handle)
        inmail.append(ms)
    return [
        Figure("send_message", "Send a message (settle included), median", median(plain), "ms",
               extra={"p95_ms": p95(plain)}),
        Figure("send_inmail", "Send an InMail (settle included), median", median(inmail), "ms",
               extra={"p95_ms": p95(inmail)}),
    ]


# ---- the run -------------------------------------------------------------------------------------


def _build(path: str, messages: int, member_count: int):
    from app.bench.data import build

    return build(path, messages, member_count=member_count)


def _build_on(target: str, messages: int, member_count: int, folder: str):
    """A new benchmark store at ``target``: built in place, or on PostgreSQL built beside and copied in."""
    if not is_postgres_url(target):
        return _build(target, messages, member_count)
    from dataclasses import replace

    from app.bench.postgres import copy_store

    began = time.perf_counter()
    source = os.path.join(folder, f"source-{messages}.db")
    facts = _build(source, messages, member_count)
    copy_store(source, target, facts)
    os.remove(source)
    return replace(facts, path=target, build_seconds=time.perf_counter() - began)


def _existing(path: str):
    """The facts of a benchmark store already at ``path`` (None when there is no store there)."""
    from app.bench.data import BENCH_KEY, BenchStore

    if is_postgres_url(path):
        from app.bench.postgres import existing

        try:
            return existing(path)
        except ValueError:
            raise BadInput(f"{redacted(path)} already holds a store that is not a benchmark store; "
                           "give a new database.") from None
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (BENCH_KEY,)).fetchone()
    except sqlite3.Error:
        row = None
    if row is None:
        raise BadInput(f"{path} already exists and is not a benchmark store; give a new path.")
    facts = json.loads(row[0])
    facts["inmail_to"] = tuple(facts["inmail_to"])
    facts["searches"] = tuple(facts["searches"])
    return BenchStore(**facts)


def measure(messages: int, db: str | None, folder: str, progress: Callable[[str], None], *,
            member_count: int = MEMBERS, writers: int = 0) -> dict:
    from app.store.db import open_store

    path = db or os.path.join(folder, "bench.db")
    shown = redacted(path)
    facts = _existing(path)
    figures: list[Figure] = []
    if facts is not None and facts.messages != messages:
        raise BadInput(f"{shown} holds a benchmark of {facts.messages:,} messages, not {messages:,}.")
    if facts is not None and facts.members != member_count:
        raise BadInput(f"{shown} holds a benchmark among {facts.members:,} members, not {member_count:,}.")
    if facts is None:
        progress(f"Building a store of {messages:,} messages among {member_count:,} members at {shown}…")
        facts = _build_on(path, messages, member_count, folder)
        rate = messages / facts.build_seconds
        figures.append(Figure(
            "build_rate", f"Build (rows, indexes, full text; {facts.build_seconds:.1f} s)", rate, "msg/s",
            f">= {BUILD_RATE:,} msg/s", rate >= BUILD_RATE,
            note=f"{facts.build_cpu_seconds:.1f} CPU-s",
            extra={"seconds": round(facts.build_seconds, 2), "cpu_seconds": round(facts.build_cpu_seconds, 2)},
        ))
    else:
        progress(f"Measuring the benchmark store already at {shown} (no build).")
        figures.append(Figure("build_rate", "Build (store reused: not measured)", None, "msg/s"))
    open_store(path).close()

    progress("Launching the app and a minimal Textual app…")
    ours, minimal = cold_starts(path, folder)
    ours_s = median([run.seconds for run in ours])
    minimal_s = median([run.seconds for run in minimal])
    ratio = ours_s / minimal_s
    ours_mb = median([run.peak_mb for run in ours])
    minimal_mb = median([run.peak_mb for run in minimal])
    figures += [
        Figure("first_paint", "First paint of the inbox, median", ours_s * 1000, "ms",
               extra={"launches": [round(run.seconds * 1000, 1) for run in ours]}),
        Figure("minimal_first_paint", "Minimal Textual app (header, list, footer)", minimal_s * 1000, "ms",
               extra={"launches": [round(run.seconds * 1000, 1) for run in minimal]}),
        Figure("first_paint_ratio", "First paint / minimal app", ratio, "x",
               f"<= {FIRST_PAINT_RATIO}x", ratio <= FIRST_PAINT_RATIO),
        Figure("peak_memory", "Peak memory of the app", ours_mb, "MB",
               f"<= minimal + {MEMORY_OVER_MINIMAL_MB} MB", ours_mb <= minimal_mb + MEMORY_OVER_MINIMAL_MB),
        Figure("minimal_peak_memory", "Peak memory of the minimal app", minimal_mb, "MB"),
    ]

    progress("Timing filters, pages, searches, a thread and sends…")
    store = open_store(path)
    try:
        me = facts.me_id
        figures.append(_filters(me))
        figures += _paging(me)
        figures.append(_searches(me, facts.searches))
        figures += _thread(me, facts.long_thread_id, facts.long_thread_messages)
        figures.append(_recount(me, facts.long_thread_id))
        figures += _sends(me, facts.message_to, facts.inmail_to)
        if writers:
            progress(f"Sending from {writers} process{'' if writers == 1 else 'es'} at once…")
            figures.append(_writers(path, writers))
        server = _server_version(store)
    finally:
        store.close()

    figures.append(_small_store_memory(messages, ours_mb, path, folder, progress))
    return {
        "messages": messages,
        "conversations": facts.conversations,
        "members": facts.members,
        "store": shown if db else None,
        "backend": "postgresql" if is_postgres_url(path) else "sqlite",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "postgresql": server,
            "system": platform.platform(terse=True),
            "load_average": [round(n, 2) for n in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        },
        "figures": figures,
    }


def _writers(target: str, writers: int) -> Figure:
    from app.bench.writers import run_writers

    took, seconds = run_writers(target, writers)
    rate, slowest = len(took) / seconds, p95(took)
    wanted = WRITERS_PER_SECOND["postgresql" if is_postgres_url(target) else "sqlite"]
    return Figure(
        "writers", f"{writers} writers sending at once (settle included)", rate, "sends/s",
        f">= {wanted} sends/s, p95 < {WRITERS_P95_MS} ms", rate >= wanted and slowest < WRITERS_P95_MS,
        extra={"p95_ms": slowest, "writers": writers, "sends": len(took), "median_ms": median(took)},
    )


def _server_version(store) -> str | None:
    if not is_postgres_url(store.target):
        return None
    return store.db.execute_sql("SHOW server_version").fetchone()[0]


def _small_store_memory(messages: int, peak_mb: float, target: str, folder: str, progress) -> Figure:
    """The app's peak memory on a 10,000-message store of the same backend, against this store's:
    it must not grow."""
    if messages == MEMORY_CHECK_MESSAGES:
        small_mb = peak_mb
    else:
        progress(f"Launching the app on a {MEMORY_CHECK_MESSAGES:,}-message store for memory…")
        with _small_store(target, folder) as small:
            _build_on(small, MEMORY_CHECK_MESSAGES, MEMBERS, folder)
            runs = launch_all([app_command(small)] * (min(LAUNCHES, 3) + 1), folder)[1:]
        small_mb = median([run.peak_mb for run in runs])
    growth = (peak_mb - small_mb) / small_mb
    return Figure(
        "peak_memory_small", f"Peak memory at {MEMORY_CHECK_MESSAGES:,} messages", small_mb, "MB",
        f"within {MEMORY_GROWTH:.0%} of this store's", abs(growth) <= MEMORY_GROWTH,
        note=f"{growth:+.1%}", extra={"growth": round(growth, 4)},
    )


@contextmanager
def _small_store(target: str, folder: str) -> Iterator[str]:
    """Where the small store goes: a file beside, or a schema of its own in the same database."""
    if not is_postgres_url(target):
        yield os.path.join(folder, "small.db")
        return
    from app.bench.postgres import scratch_schema

    with scratch_schema(target, "parley_bench_small") as url:
        yield url


def table(report: dict) -> str:
    """The figures as an aligned text table, with PASS/FAIL against each target."""
    rows = [("Measurement", "Result", "Target", "")]
    for figure in report["figures"]:
        result = figure.shown()
        if figure.extra and "p95_ms" in figure.extra:
            result += f" (p95 {figure.extra['p95_ms']:.1f} ms)"
        if figure.note:
            result += f" ({figure.note})"
        rows.append((figure.label, result, figure.target, figure.verdict()))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    machine = report["machine"]
    load = f", load average {machine['load_average'][0]:.1f}" if machine["load_average"] else ""
    database = (f"PostgreSQL {machine['postgresql']}" if report["backend"] == "postgresql"
                else f"SQLite {machine['sqlite']}")
    lines = [f"Parley benchmark: {report['messages']:,} messages in {report['conversations']:,} conversations "
             f"among {report['members']:,} members ({machine['cpus']} CPUs, "
             f"Python {machine['python']}, {database}{load})"]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_json(report: dict) -> str:
    figures = {}
    for figure in report["figures"]:
        entry = {"value": None if figure.value is None else round(figure.value, 3), "unit": figure.unit,
                 "label": figure.label}
        if figure.target:
            entry["target"] = figure.target
            entry["pass"] = figure.passed
        entry.update(figure.extra or {})
        figures[figure.key] = entry
    verdicts = [f.passed for f in report["figures"] if f.passed is not None]
    out = {key: value for key, value in report.items() if key != "figures"}
    out["figures"] = figures
    out["all_targets_met"] = all(verdicts)
    return json.dumps(out, indent=2, default=str)


def run(messages: int, as_json: bool, db: str | None, *, member_count: int = MEMBERS, writers: int = 0) -> int:
    """Build (or reuse) a benchmark store, measure, print the table or JSON; the exit code.

    The exit code says whether the benchmark ran, not whether every target was met:
    the table and the JSON say that.
    """
    folder = tempfile.mkdtemp(prefix="parley-bench-")

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        report = measure(messages, db, folder, progress, member_count=member_count, writers=writers)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(to_json(report) if as_json else table(report))
    return 0
