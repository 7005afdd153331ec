"""`parley bench` on PostgreSQL, and its writers figure on both backends (small sizes, nothing timed).

The store is built by the SQLite builder and copied into PostgreSQL with COPY; the
same figures are reported, judged against the same targets, with the same JSON keys.
"""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest

from app.bench import run as bench
from app.bench.postgres import scratch_schema
from app.bench.writers import SENDS_PER_WRITER
from app.core.errors import BadInput
from app.store.db import open_store
from app.store.models import ConversationState, CreditDue, Member, Message

from test_bench import FIGURES

MESSAGES = 2_000
MEMBERS = 300
WRITERS = 2
SENDS = 2


def bench_run(target: str, **options) -> dict:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "LAUNCHES", 1)
        patch.setattr(bench, "ROUNDS", 2)
        patch.setattr(bench, "PAGES_DOWN", 3)
        patch.setattr(bench, "SENDS", SENDS)
        with contextlib.redirect_stdout(out):
            assert bench.run(MESSAGES, as_json=True, db=target, member_count=MEMBERS, **options) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def postgres_report(postgres_server):
    with scratch_schema(postgres_server, f"bench_{os.getpid()}") as url:
        yield url, bench_run(url, writers=WRITERS)


@pytest.mark.postgres
def test_the_benchmark_on_postgresql_reports_every_figure_and_the_writers(postgres_report):
    url, report = postgres_report
    assert report["backend"] == "postgresql" and report["machine"]["postgresql"]
    assert report["messages"] == MESSAGES and report["members"] == MEMBERS
    assert set(FIGURES) | {"writers"} <= set(report["figures"])
    for key in FIGURES:
        assert report["figures"][key]["value"] > 0, key
    writers = report["figures"]["writers"]
    assert writers["unit"] == "sends/s" and writers["value"] > 0 and writers["p95_ms"] > 0
    assert writers["writers"] == WRITERS and writers["sends"] == WRITERS * SENDS_PER_WRITER
    assert writers["target"] == ">= 300 sends/s, p95 < 100 ms" and isinstance(writers["pass"], bool)
    assert report["figures"]["search"]["queries"] and any(
        entry["first_page_rows"] > 0 for entry in report["figures"]["search"]["queries"].values())


@pytest.mark.postgres
def test_the_copied_store_is_the_built_one_and_takes_new_rows(postgres_report):
    url, report = postgres_report
    store = open_store(url)
    try:
        # "me" sent SENDS messages to a connection and SENDS InMails, each in a thread of its own.
        assert Message.select().count() == MESSAGES + 2 * SENDS + WRITERS * SENDS_PER_WRITER
        assert Member.select().count() == MEMBERS + WRITERS * (2 + SENDS_PER_WRITER // 2)
        # Every paying member of the build is due for their next grant: none is forgotten by settling.
        paying = Member.select().where(Member.plan != "basic").count()
        assert CreditDue.select().count() >= paying - WRITERS
        assert ConversationState.select().where(ConversationState.member == 1).count() == (
            report["conversations"] + SENDS)
    finally:
        store.close()


@pytest.mark.postgres
def test_a_database_holding_another_store_is_refused(empty_postgres_url):
    open_store(empty_postgres_url).close()
    with pytest.raises(BadInput, match="not a benchmark store"):
        bench_run(empty_postgres_url)


def test_the_writers_figure_on_sqlite(tmp_path):
    report = bench_run(str(tmp_path / "bench.db"), writers=WRITERS)
    assert report["backend"] == "sqlite" and report["members"] == MEMBERS
    writers = report["figures"]["writers"]
    assert writers["value"] > 0 and writers["sends"] == WRITERS * SENDS_PER_WRITER
    assert writers["target"] == ">= 200 sends/s, p95 < 100 ms"


def test_a_store_of_other_members_is_refused(tmp_path):
    path = str(tmp_path / "bench.db")
    bench_run(path)
    with pytest.raises(BadInput, match=f"among {MEMBERS:,} members, not 2,000"):
        bench.measure(MESSAGES, path, str(tmp_path), lambda line: None)
