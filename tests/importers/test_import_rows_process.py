"""Large imports have their message rows made by a forked copy of the importing process.

The copy parses and maps while the importer writes; what it makes, and what it learns,
must be exactly what the importer would have made itself, and a failure in it must
leave the store as it was, with a sentence for the user.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
from linkedin_samples import HEADER_2024, PROFILE_CSV, csv_text, row_counts
from speed import write_messages_csv
from test_import_order import by_conversation, newest_first

from app.core.errors import BadInput, ParleyError
from app.interchange.linkedin import forked, linkedin
from app.interchange.linkedin.csv_versions import ArchiveError
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.db import open_store
from app.store.models import ALL_MODELS, Change

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="this platform cannot fork")

def contents() -> dict[str, list[tuple]]:
    """Every row of every table, in id order where there is one; not the change feed, which
    notes when the store was written, not what it holds."""
    found = {}
    for model in ALL_MODELS:
        if model is Change:
            continue
        query = model.select().tuples()
        if "id" in model._meta.fields:
            query = query.order_by(model.id)
        found[model._meta.table_name] = sorted(query, key=repr) if "id" not in model._meta.fields else list(query)
    return found


@pytest.fixture
def rows_made():
    """These tests choose for themselves where the rows are made."""


@pytest.fixture
def sqlite_only(store, backend):
    """Two SQLite stores are compared row by row, ids and all (the copy touches no store: what
    it makes is written the same way on either backend, as every other import test shows)."""
    if backend == "postgres":
        pytest.skip("compared on SQLite, whose new stores number their rows from 1")


@pytest.fixture
def copies(monkeypatch):
    """How many copies the imports started."""
    started = []
    original = forked.Forked.__init__

    def counted(self, *args, **kwargs):
        started.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(forked.Forked, "__init__", counted)
    return started


def import_both_ways(folder, tmp_path, monkeypatch, copies) -> tuple[dict, dict, list[str], list[str]]:
    """Import ``folder`` into a new store with the rows made here, and into another by a copy."""
    results = []
    for name, threshold in (("here", 10**9), ("copy", 0)):
        monkeypatch.setattr(linkedin, "FORKED_ROWS", threshold)
        store = open_store(str(tmp_path / f"{name}.db"))
        try:
            summary = import_linkedin(folder)
            said = [line for line in summary.describe().splitlines() if not line.endswith(" rows/s).")]
            results.append((contents(), said))
        finally:
            store.close()
    assert len(copies) == 1, "only the second import used a copy"
    (here, said_here), (there, said_there) = results
    return here, there, said_here, said_there


@pytest.mark.parametrize("order", ["oldest-first", "newest-first"])
def test_a_copy_makes_the_same_store_as_the_importer_itself(sqlite_only, tmp_path, monkeypatch, copies, order):
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 3 * linkedin.CHUNK + 17, newest_first=order == "newest-first")
    here, there, said_here, said_there = import_both_ways(folder, tmp_path, monkeypatch, copies)
    assert len(there["message"]) == 3 * linkedin.CHUNK + 17
    assert there == here
    assert said_there == said_here


def test_a_copy_sorts_an_export_in_neither_order_the_same_way(sqlite_only, tmp_path, export, monkeypatch, copies):
    rows = newest_first()
    # Parley's own layout first (newest conversation first, oldest message first), then LinkedIn's.
    folder = export().add("Profile.csv", PROFILE_CSV).add("messages.csv", csv_text(HEADER_2024, by_conversation() + rows)).folder()
    here, there, said_here, said_there = import_both_ways(folder, tmp_path, monkeypatch, copies)
    assert there == here and said_there == said_here
    assert any("rows repeated in the export" in line for line in said_there)


def fail_in_the_copy(tmp_path, monkeypatch, failure) -> object:
    """An export of three batches whose second batch, in the copy, meets ``failure(file)``."""
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 3 * linkedin.CHUNK)
    monkeypatch.setattr(linkedin, "FORKED_ROWS", 0)
    parent = os.getpid()
    batches = linkedin._Importer._message_batches

    def failing(self, number, file, ids, drafts):
        for n, batch in enumerate(batches(self, number, file, ids, drafts)):
            if n == 1 and os.getpid() != parent:
                failure(file)
            yield batch

    monkeypatch.setattr(linkedin._Importer, "_message_batches", failing)
    return folder


def test_a_bad_row_found_by_the_copy_names_its_line_and_imports_nothing(store, tmp_path, monkeypatch):
    def changed_under_us(file):
        raise ArchiveError(file.name, "the DATE 'soon' is not a date.", 5_002)

    folder = fail_in_the_copy(tmp_path, monkeypatch, changed_under_us)
    before = row_counts()
    with pytest.raises(BadInput, match=r"^messages.csv line 5002: the DATE 'soon' is not a date\.$"):
        import_linkedin(folder)
    assert row_counts() == before
    assert not multiprocessing.active_children()


def test_a_copy_that_dies_stops_the_import_with_a_sentence(store, tmp_path, monkeypatch):
    folder = fail_in_the_copy(tmp_path, monkeypatch, lambda file: os.kill(os.getpid(), signal.SIGKILL))
    before = row_counts()
    with pytest.raises(ParleyError, match=r"^The import's second process ended unexpectedly \(killed by signal 9\); "
                                           r"nothing was imported\.$"):
        import_linkedin(folder)
    assert row_counts() == before
    assert not multiprocessing.active_children()
