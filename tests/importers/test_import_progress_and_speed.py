"""The progress line of long imports, and the speed of a generated messages.csv."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import fn
from speed import write_messages_csv

from app.cli.progress import ImportProgress
from app.interchange.linkedin.linkedin import FINISHING, SETTLING, import_linkedin
from app.store.models import Change, Conversation, Message, database
from app.store.sqlite.search import BULK_SETTINGS, FTS_TABLE

SPEED_SCRIPT = Path(__file__).with_name("speed.py")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # room for the whole bar beside the longest stage


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def last_frame(drawn: str) -> list[str]:
    """The lines a terminal shows once the display has stopped: the last frame, its styles removed."""
    frame = ANSI.sub("", drawn.split("\x1b[2K")[-1])
    return [" ".join(line.split()) for line in frame.splitlines() if line.strip()]


def test_on_a_terminal_the_line_is_redrawn_in_place():
    out, ticks = Terminal(), Ticks()
    with ImportProgress(out, clock=ticks) as progress:
        progress("Reading messages.csv", 0, 0.0)
        ticks.now = 2.0
        progress("Reading messages.csv", 100_000, 0.5)
        drawn = ANSI.sub("", out.getvalue())
        ticks.now = 4.0
        progress("done", 200_000, 1.0)
    assert "50% 100,000 rows 50,000 rows/s" in " ".join(drawn.split())
    assert out.getvalue().count("\x1b[2K") >= 3  # each drawing erases the one before
    assert last_frame(out.getvalue()) == ["Reading messages.csv ━━━━━━━━━━━━━━━━━━━━━━━━ 100% 200,000 rows 50,000 rows/s"]
    assert out.getvalue().endswith("\n\x1b[?25h")  # the line stays, and the cursor comes back


def test_in_a_log_it_writes_an_occasional_whole_line():
    out, ticks = io.StringIO(), Ticks()
    with ImportProgress(out, clock=ticks) as progress:
        for second in range(12):
            ticks.now = float(second)
            progress("Importing messages.csv", second * 1000, second / 12)
        progress("done", 6_000, 1.0)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert len(lines) == 4  # at 0 s, 5 s, 10 s, and the end
    assert lines[-1] == "Importing messages.csv  100%  6,000 rows  545 rows/s"


def _stages(progress, ticks) -> None:
    progress("Importing messages.csv", 5_000, 0.5)
    ticks.now = 0.05  # too soon after the last drawing to draw again
    progress("Importing messages.csv", 10_000, 1.0)
    ticks.now = 0.1
    progress("Adding members and conversations", None, None)
    ticks.now = 2.1
    progress("Finishing the search index and conversations", None, None)
    ticks.now = 5.35
    progress("done", 10_000, 1.0)


def test_stages_that_count_nothing_show_their_time_after_the_last_count_of_the_one_before():
    out, ticks = io.StringIO(), Ticks()
    with ImportProgress(out, clock=ticks) as progress:
        _stages(progress, ticks)
    assert out.getvalue().splitlines() == [
        "Importing messages.csv   50%  5,000 rows  – rows/s",
        "Importing messages.csv  100%  10,000 rows  100,000 rows/s",
        "Adding members and conversations  0.0 s",
        "Adding members and conversations  2.0 s",
        "Finishing the search index and conversations  0.0 s",
        "Finishing the search index and conversations  3.2 s",
    ]
    terminal, ticks = Terminal(), Ticks()
    with ImportProgress(terminal, clock=ticks) as progress:
        _stages(progress, ticks)
    assert last_frame(terminal.getvalue()) == [
        "Importing messages.csv ━━━━━━━━━━━━━━━━━━━━━━━━ 100% 10,000 rows 100,000 rows/s",
        "Adding members and conversations 2.0 s",
        "Finishing the search index and conversations 3.2 s",
    ]


def test_an_import_reports_its_progress(store, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 6_000)
    calls = []
    summary = import_linkedin(folder, progress=lambda stage, rows, fraction: calls.append((stage, rows, fraction)))
    assert summary.messages == 6_000 and Message.select().count() == 6_000
    assert Conversation.select().count() == 600
    stages = list(dict.fromkeys(c[0] for c in calls))
    assert stages == ["Reading messages.csv", SETTLING, "Importing messages.csv", FINISHING, "done"]
    assert (SETTLING, None, None) in calls and (FINISHING, None, None) in calls
    assert calls[-1] == ("done", 6_000, 1.0)
    assert all(0 <= c[2] <= 1 for c in calls if c[2] is not None)
    assert "6,000 message rows in" in summary.describe()


def test_a_small_import_draws_no_stages_that_would_flash_by(store, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 300)
    calls = []
    import_linkedin(folder, progress=lambda stage, rows, fraction: calls.append((stage, rows, fraction)))
    assert calls == [("done", 300, 1.0)]


def test_an_import_is_one_change_for_the_screens_not_one_per_row(store, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 2_000)
    before = Change.select(fn.MAX(Change.id)).scalar() or 0
    import_linkedin(folder)
    assert Message.select().count() == 2_000
    noted = Change.select(Change.member, Change.conversation).where(Change.id > before).tuples()
    assert list(noted) == [(None, None)]


def test_a_large_import_leaves_the_search_index_settings_as_they_were(store, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("SQLite's full-text index keeps its settings in the store")
    folder = tmp_path / "export"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 2_000)
    import_linkedin(folder)
    settings = dict(database.obj.execute_sql(f"SELECT k, v FROM {FTS_TABLE}_config").fetchall())
    # Loaded with larger segments merged less often, then set back for the sends that follow.
    assert {name: settings.get(name) for name in BULK_SETTINGS} == {
        name: default for name, (_bulk, default) in BULK_SETTINGS.items()
    }
    found = database.obj.execute_sql(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'roadmap'")
    assert found.fetchone()[0] > 0, "the imported messages are in the index"


@pytest.mark.skipif(not os.environ.get("PARLEY_SPEED"), reason="set PARLEY_SPEED=1 to time 500,000 rows")
def test_half_a_million_rows_at_fifty_thousand_a_second(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SPEED_SCRIPT), "--rows", "500000", "--keep", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["messages"] == 500_000
    assert result["rows_per_second"] >= 50_000
