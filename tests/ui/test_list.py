"""The conversation list as a user sees it: one line a conversation, the filter bar on one
line, notices on the status line, search results newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core import members, messaging, moderation
from app.core.views import Counts
from app.store.models import ConversationState
from app.ui.app import ParleyApp
from app.ui.screens.help import HelpScreen
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.report import ReportDialog
from app.ui.widgets.conversation_list import ONE_LINE, TWO_LINE, ConversationList
from app.ui.widgets.filter_bar import FilterBar, short_count
from app.ui.widgets.status_line import StatusLine


def the_list(app) -> ConversationList:
    return app.screen.query_one(ConversationList)


def writes(handle: str, name: str, body: str) -> None:
    """A new connection of Maya's writes to her."""
    members.add_member(handle, name)
    members.connect("me", handle)
    messaging.send(members.member_by_handle(handle).id, ["me"], body)


def many(world, count: int) -> None:
    """`count` more conversations from new people."""
    for n in range(count):
        writes(f"person-{n}", f"Πέτρος Ν{n}" if n % 2 else f"Ёжик {n}", f"Hello number {n} 👋")


async def test_an_80x24_screen_shows_at_least_19_conversations_one_per_line(world, drive):
    many(world, 30)
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        shown = the_list(pilot.app)
        assert shown.density == ONE_LINE
        assert shown.size.height >= 19
        drawn = ["".join(segment.text for segment in shown.render_line(y)) for y in range(shown.size.height)]
        titles = [row.title for row in shown.loaded_rows()[:shown.size.height]]
        assert all(title in line for title, line in zip(titles, drawn))
        assert len(titles) >= 19


async def test_a_row_holds_marks_name_markers_subject_and_the_date_at_the_right_edge(world, drive):
    moderation.apply(world["me"].id, "star", [world["conversations"]["jane"]])
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        shown = the_list(pilot.app)
        jane = shown.row_text([row.title for row in shown.loaded_rows()].index("Jane Smith"))
        assert "\n" not in jane and len(jane) == 80
        assert jane.startswith(" ● Jane Smith")
        assert "[InMail]" in jane and "★" in jane and "Director of Data at Hireco" in jane
        assert jane.rstrip().endswith("08:04")  # today: the time


@pytest.mark.parametrize(("at", "shown"), [
    (datetime(2026, 3, 2, 7, 5), "07:05"),
    (datetime(2026, 3, 1, 7, 5), "Mar 1"),
    (datetime(2025, 11, 5, 7, 5), "Nov 5 2025"),
])
async def test_the_date_reads_as_a_time_today_a_day_this_year_and_a_full_date_before(world, drive, at, shown):
    ConversationState.update(last_at=at).where(
        ConversationState.conversation == world["conversations"]["bob"]).execute()
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        rows = the_list(pilot.app)
        bob = [row.title for row in rows.loaded_rows()].index("Bob Stone")
        assert rows.row_text(bob).endswith(f" {shown} ")


async def test_v_toggles_one_line_and_two_line_rows_and_the_cursor_stays(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        await drive.press(pilot, "v")
        shown = the_list(pilot.app)
        assert shown.density == TWO_LINE and shown.current.title == "Carol Diaz"
        title, preview = shown.row_text(shown.cursor).split("\n")
        assert "Carol Diaz" in title and "Lunch on Thursday?" in preview
        await drive.press(pilot, "v")
        assert shown.density == ONE_LINE and "\n" not in shown.row_text(shown.cursor)


async def test_the_config_list_key_sets_two_line_rows(world, drive):
    app = ParleyApp(world["me"], members.get_settings(world["me"].id), {"list": "two-line"}, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        assert the_list(pilot.app).density == TWO_LINE


def bar_line(width: int, counts: dict[str, int]) -> tuple[str, int]:
    """The filter bar's line at this width, and how many filters it holds."""
    bar = FilterBar()
    bar.counts = Counts(by_filter=counts)
    gap, laid = bar.layout_filters(width)
    return gap.join(f"{key} {label} {count}" for key, _, label, count in laid), len(laid)


COUNTS = {"all": 56, "focused": 40, "other": 16, "unread": 16, "connections": 30, "inmail": 12,
          "starred": 3, "archived": 5, "spam": 2}


def test_the_filter_bar_fits_nine_filters_on_one_line_at_80_columns():
    line, shown = bar_line(80, COUNTS)
    assert len(line) <= 80 and shown == 9
    assert "1 All 56" in line and "4 Unr 16" in line and "7 Star 3" in line and "9 Spam 2" in line
    assert "5 Con 30" in line  # "My connections" keeps the word that names it
    wide, _ = bar_line(160, COUNTS)
    assert "5 My connections 30" in wide and "8 Archived 5" in wide
    # Counts in the thousands: the labels give way, never a count or a filter.
    line, shown = bar_line(80, {name: count * 137 for name, count in COUNTS.items()})
    assert len(line) <= 80 and shown == 9
    assert line.startswith("1 A") and "7.7k" in line and "9 S" in line and "…" not in line


def test_large_counts_read_short():
    assert [short_count(n) for n in (7, 999, 1200, 12_345, 1_250_000)] == ["7", "999", "1.2k", "12k", "1.2M"]


def test_a_filter_after_the_ninth_follows_where_there_is_room():
    counts = {"all": 56, "focused": 40, "other": 16, "unread": 16, "connections": 30, "inmail": 12,
              "starred": 3, "archived": 5, "spam": 2, "drafts": 4}
    bar = FilterBar()
    bar.counts = Counts(by_filter=counts)
    assert [name for _, name, _, _ in bar.layout_filters(80)[1]][-1] == "spam"
    assert bar.layout_filters(120)[1][-1][:2] == (10, "drafts")
    assert "0 Drafts 4" in bar_line(140, counts)[0]


async def test_clicking_a_filter_switches_to_it(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        bar = pilot.app.screen.query_one(FilterBar)
        line = bar.render().plain
        await pilot.click(FilterBar, offset=(line.index("6 "), 0))  # the digit of InMail
        await drive.settle(pilot)
        assert pilot.app.screen.filter_name == "inmail"
        await pilot.click(FilterBar, offset=(line.index("1 ") + 3, 0))  # the label of All
        await drive.settle(pilot)
        assert pilot.app.screen.filter_name == "all"


async def test_notices_replace_each_other_on_the_status_line_and_keep_the_credit_count(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        for title in ("Bob Stone", "Carol Diaz"):
            await drive.highlight(pilot, title)
            await drive.press(pilot, "e")
        assert not pilot.app._notifications  # no toast over the list
        status = pilot.app.screen.query_one(StatusLine)
        line = status.render().plain
        assert line.count("Archived") == 1 and "Archived: 1 conversation" in line
        assert len(line) <= 80 and "InMail credits" in line and "…" not in line
        await drive.press(pilot, "escape")
        assert "Archived" not in status.render().plain


async def test_an_error_clears_on_escape(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        pilot.app.notify("The store is busy; try again in a moment.", severity="error")
        await pilot.pause()
        status = pilot.app.screen.query_one(StatusLine)
        assert "busy" in status.render().plain
        await drive.press(pilot, "escape")
        assert "busy" not in status.render().plain


async def test_a_notice_is_taken_literally(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        pilot.app.notify("The config's [keys] table names unknown actions: jump.", severity="warning")
        await pilot.pause()
        assert "[keys]" in pilot.app.screen.query_one(StatusLine).render().plain


async def test_help_scrolls_with_j_k_and_the_page_keys(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one("#keys")
        await drive.press(pilot, "j", "j", "down")
        assert table.cursor_row == 3
        await drive.press(pilot, "k")
        assert table.cursor_row == 2
        await drive.press(pilot, "end")
        assert table.cursor_row == table.row_count - 1 and table.scroll_offset.y > 0
        await drive.press(pilot, "home")
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        await drive.press(pilot, "pagedown")
        assert table.cursor_row > 3


async def test_j_and_k_move_in_the_report_reasons(world, drive):
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Dave Kim")
        await drive.press(pilot, "exclamation_mark")
        assert isinstance(pilot.app.screen, ReportDialog)
        reasons = pilot.app.screen.query_one("#reasons")
        await drive.press(pilot, "j", "j")
        assert reasons.highlighted == 2
        await drive.press(pilot, "k")
        assert reasons.highlighted == 1
        await drive.press(pilot, "escape")
        assert isinstance(pilot.app.screen, InboxScreen)


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def searchable(store, clock):
    """Maya's inbox on each backend: Northwind talked about in three conversations whose
    matching messages came in another order than their last messages."""
    clock("2026-03-01T08:00:00Z")
    me = members.add_member("me", "Maya Chen", company="Acme", plan="premium-business")
    people = {handle: members.add_member(handle, name, company="Initech")
              for handle, name in (("eleni", "Ελένη Παπαδοπούλου"), ("ivan", "Иван Петров"),
                                   ("yuki", "山田 由紀"), ("bob", "Bob Stone"))}
    for handle in people:
        members.connect("me", handle)
    start = datetime(2026, 3, 1, 8, 0)

    def at(minutes: int) -> None:
        clock((start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"))

    conversations = {}
    at(1)
    conversations["eleni"] = messaging.send(people["eleni"].id, ["me"], "Η Northwind θέλει συνάντηση.").conversation
    at(2)
    conversations["ivan"] = messaging.send(people["ivan"].id, ["me"], "Про Northwind: всё готово.").conversation
    at(3)
    conversations["yuki"] = messaging.send(people["yuki"].id, ["me"], "Northwind の件、了解です 🙏").conversation
    at(4)
    conversations["bob"] = messaging.send(people["bob"].id, ["me"], "Nothing about that company.").conversation
    at(5)  # Eleni writes again, about something else: her conversation is now the newest
    messaging.reply(people["eleni"].id, conversations["eleni"], "Και κάτι άλλο.")
    at(6)
    moderation.apply(me.id, "archive", [conversations["ivan"]])
    clock("2026-03-02T09:00:00Z")
    return {"me": me, "conversations": conversations}


async def search(pilot, drive, query: str) -> None:
    await drive.press(pilot, "slash")
    await pilot.press(*query)
    await drive.press(pilot, "enter")


async def test_search_results_are_newest_first(searchable, drive):
    async with drive.app(searchable["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await search(pilot, drive, "northwind")
        rows = the_list(pilot.app).loaded_rows()
        assert [row.title for row in rows] == ["Ελένη Παπαδοπούλου", "山田 由紀", "Иван Петров"]
        assert [row.last_at for row in rows] == sorted((row.last_at for row in rows), reverse=True)


async def test_search_says_what_was_searched_marks_archived_hits_and_shows_the_matching_words(searchable, drive):
    async with drive.app(searchable["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await search(pilot, drive, "northwind")
        top = pilot.app.screen.query_one(FilterBar).render().plain
        assert "northwind" in top and "in All" in top and "3 matches" in top
        shown = the_list(pilot.app)
        eleni = shown.row_text(0)
        assert "Η Northwind θέλει συνάντηση." in eleni  # the matching words, not the newer preview
        assert "Και κάτι άλλο" not in eleni
        ivan = shown.row_text(2)
        assert "[Archived]" in ivan and "Про Northwind" in ivan
        assert "[Archived]" not in shown.row_text(1)


async def test_escape_restores_the_list_and_the_cursor_where_they_were(searchable, drive):
    async with drive.app(searchable["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        shown = the_list(pilot.app)
        await drive.press(pilot, "j", "j")
        before = shown.current
        await search(pilot, drive, "northwind")
        await drive.press(pilot, "G")
        await drive.press(pilot, "escape")
        assert pilot.app.screen.search_query is None
        assert shown.current == before and shown.cursor == 2
        assert "1 All" in pilot.app.screen.query_one(FilterBar).render().plain


async def test_G_in_search_goes_to_the_last_result(world, drive):
    me = world["me"]
    for n in range(130):
        writes(f"writer-{n}", f"Writer {n}", f"Quarterly budget {n}")
    async with drive.app(me).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await search(pilot, drive, "budget")
        shown = the_list(pilot.app)
        assert shown.total == 130
        await drive.press(pilot, "G")
        assert shown.cursor == 129
        assert shown.current is not None and shown.current.title == "Writer 0"
        top = pilot.app.screen.query_one(FilterBar).render().plain
        assert "130 matches" in top


async def test_X_in_search_results_selects_every_result(world, drive):
    me = world["me"]
    for n in range(120):
        writes(f"writer-{n}", f"Writer {n}", f"Quarterly budget {n}")
    async with drive.app(me).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await search(pilot, drive, "budget")
        shown = the_list(pilot.app)
        assert len(shown.loaded_rows()) < 120
        await drive.press(pilot, "X")
        assert len(shown.selected) == 120
        assert "120 selected" in pilot.app.screen.query_one(StatusLine).render().plain
