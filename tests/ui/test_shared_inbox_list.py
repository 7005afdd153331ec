"""A shared inbox in the screens: switching into it, its Mine and Unassigned filters, assigning
from the list, being told of an assignment, and access that ends at once (on each backend)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from test_live import write_elsewhere
from test_palette import palette
from textual.widgets import OptionList

from app.core import members, messaging, team
from app.store.models import Block, ConversationState
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.team_pickers import AssignPicker, InboxPicker
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.filter_bar import FilterBar, key_of
from app.ui.widgets.status_line import StatusLine

CUSTOMERS = (("ana", "Ana Lima", "Hola, necesito ayuda con mi pedido 🙏"),
             ("eleni", "Ελένη Παπαδοπούλου", "Η παραγγελία μου δεν έφτασε ακόμα."),
             ("ivan", "Иван Петров", "Где мой заказ?"),
             ("yuki", "山田 由紀", "注文の件で連絡しました。"))


@pytest.fixture
def support(store, clock):
    """Acme Support's inbox, worked by Omar and Lena; four customers wrote to it; Omar also
    has an inbox of his own, and Zoe works in no inbox but hers."""
    clock("2026-03-02T08:00:00Z")
    acme = members.add_member("acme", "Acme Support", plan="premium-business")
    people = {handle: members.add_member(handle, name) for handle, name in
              (("omar", "Omar Haddad"), ("lena", "Lena Vogel"), ("zoe", "Zoe Martin"), ("bob", "Bob Stone"))}
    for handle, name, _ in CUSTOMERS:
        people[handle] = members.add_member(handle, name)
        members.connect("acme", handle)
    members.connect("omar", "bob")
    team.add_delegate(acme.id, "acme", "omar")
    team.add_delegate(acme.id, "acme", "lena")
    conversations = {}
    for minute, (handle, _, body) in enumerate(CUSTOMERS, 1):
        clock(f"2026-03-02T08:0{minute}:00Z")
        conversations[handle] = messaging.send(people[handle].id, ["acme"], body).conversation
    messaging.send(people["bob"].id, ["omar"], "Lunch at noon?")
    clock("2026-03-02T09:00:00Z")
    return {"acme": acme, **people, "conversations": conversations}


def status_text(app) -> str:
    return app.screen.query_one(StatusLine).render().plain


def bar_text(app) -> str:
    return app.screen.query_one(FilterBar).render().plain


def row_text(app, title: str) -> str:
    conversations = app.screen.query_one(ConversationList)
    found = [i for i, row in enumerate(conversations.loaded_rows()) if row.title == title]
    return conversations.row_text(found[0]) if found else ""


async def enter_shared_inbox(pilot, drive) -> None:
    """Switch inbox (I) and take the first inbox that is not one's own."""
    await drive.press(pilot, "I")
    assert isinstance(pilot.app.screen, InboxPicker)
    await drive.press(pilot, "enter")


async def test_switching_inbox_shows_its_conversations_and_whose_inbox_it_is(support, drive):
    async with drive.app(support["omar"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        assert drive.titles(pilot.app) == ["Bob Stone"]  # the app starts in one's own inbox
        assert "inbox ·" not in status_text(pilot.app) and "Omar Haddad (@omar)" in status_text(pilot.app)
        await drive.press(pilot, "I")
        choices = pilot.app.screen.query_one(OptionList)
        assert [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)] == [
            "Your own inbox  here", "Acme Support's inbox"]
        await drive.press(pilot, "enter")
        assert drive.titles(pilot.app) == ["山田 由紀", "Иван Петров", "Ελένη Παπαδοπούλου", "Ana Lima"]
        assert status_text(pilot.app).startswith(" Acme Support's inbox · as Omar Haddad")
        assert pilot.app.screen.counts["all"] == 4
        # And back to his own.
        await drive.press(pilot, "I", "enter")
        assert drive.titles(pilot.app) == ["Bob Stone"]
        assert "Acme" not in status_text(pilot.app)


async def test_a_member_who_is_no_delegate_is_not_offered_the_inbox(support, drive):
    async with drive.app(support["zoe"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "I")
        picker = pilot.app.screen
        assert isinstance(picker, InboxPicker)
        choices = picker.query_one(OptionList)
        assert choices.option_count == 1
        assert "You work in no other inbox" in picker.question
        await drive.press(pilot, "enter")
        assert pilot.app.acting.member_id == support["zoe"].id


async def test_mine_and_unassigned_count_and_list_the_team_s_conversations(support, drive):
    acme, conversations = support["acme"], support["conversations"]
    team.assign(acme.id, None, conversations["ana"], "omar")
    team.assign(acme.id, None, conversations["ivan"], "lena")
    async with drive.app(support["omar"]).run_test(size=(160, 30)) as pilot:
        await drive.settle(pilot)
        assert "Mine" not in bar_text(pilot.app)  # his own inbox has no team
        await drive.press(pilot, "M")
        assert drive.titles(pilot.app) == ["Bob Stone"]
        await enter_shared_inbox(pilot, drive)
        bar = bar_text(pilot.app)
        assert "M Mine 1" in bar and "U Unassigned 2" in bar
        assert bar.index("9 Spam") < bar.index("M Mine") < bar.index("U Unassigned")
        await drive.press(pilot, "M")
        assert drive.titles(pilot.app) == ["Ana Lima"]
        await drive.press(pilot, "U")
        assert drive.titles(pilot.app) == ["山田 由紀", "Ελένη Παπαδοπούλου"]


async def test_assigning_from_the_list_shows_the_short_name(support, drive):
    async with drive.app(support["omar"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await enter_shared_inbox(pilot, drive)
        assert "Ana Lima" in row_text(pilot.app, "Ana Lima") and "→" not in row_text(pilot.app, "Ana Lima")
        await drive.highlight(pilot, "Ana Lima")
        await drive.press(pilot, "A")
        picker = pilot.app.screen
        assert isinstance(picker, AssignPicker)
        choices = picker.query_one(OptionList)
        assert [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)] == [
            "Acme Support", "Lena Vogel", "Omar Haddad  you", "Nobody  unassigned"]
        await drive.press(pilot, "enter")  # the first of the team by name
        assert "Assigned to Acme Support." in drive.notices(pilot.app)
        await drive.press(pilot, "A", "down", "enter")
        assert "Assigned to Lena Vogel." in drive.notices(pilot.app)
        row = row_text(pilot.app, "Ana Lima")
        # The same width as a row without an assignee: the date keeps its column.
        assert "→ Lena" in row and cell_len(row) == cell_len(row_text(pilot.app, "Иван Петров"))
        assert row.endswith("08:01 ") and "→" not in row_text(pilot.app, "Иван Петров")
        assert team.audit(support["acme"].id, support["omar"].id)[-1].author_handle == "omar"
        await drive.press(pilot, "A", "end", "enter")
        assert "Unassigned." in drive.notices(pilot.app)
        assert "→" not in row_text(pilot.app, "Ana Lima")


async def test_an_assignment_by_someone_else_is_told_like_a_new_message(support, drive):
    acme, ana = support["acme"], support["conversations"]["ana"]
    app = drive.app(support["lena"], live=True)
    app.bell = lambda: None
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        await pilot.press("I", "enter")
        await drive.until(pilot, lambda: "Acme Support's inbox" in status_text(app)
                          and drive.titles(app)[-1:] == ["Ana Lima"])
        await pilot.pause(0.3)
        write_elsewhere(lambda: team.assign(acme.id, support["omar"].id, ana, "lena"))
        await drive.until(pilot, lambda: "Assigned to you: Ana Lima · o opens it" in drive.notices(app))
        await drive.until(pilot, lambda: "→ Lena" in row_text(app, "Ana Lima"))
        await pilot.press("o")
        await drive.until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        assert app.screen.conversation_id == ana


async def test_assigning_to_oneself_is_no_news(support, drive):
    acme, ivan = support["acme"], support["conversations"]["ivan"]
    app = drive.app(support["lena"], live=True)
    app.bell = lambda: None
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        await pilot.press("I", "enter")
        await drive.until(pilot, lambda: "Acme Support's inbox" in status_text(app))
        await pilot.pause(0.3)
        write_elsewhere(lambda: team.assign(acme.id, support["lena"].id, ivan, "lena"))
        await drive.until(pilot, lambda: "→ Lena" in row_text(app, "Иван Петров"))
        await pilot.pause(0.6)
        assert not any("Assigned to you" in notice for notice in drive.notices(app))


async def test_removing_a_delegate_ends_their_access_at_once(support, drive):
    acme = support["acme"]
    app = drive.app(support["omar"], live=True)
    app.bell = lambda: None
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        await pilot.press("I", "enter")
        await drive.until(pilot, lambda: drive.titles(app)[-1:] == ["Ana Lima"])
        await pilot.press("enter")
        await drive.until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        # Opening it marked it read: done before the removal, so only the watch can tell him.
        opened = app.screen.conversation_id
        await drive.until(pilot, lambda: ConversationState.get(conversation=opened, member=acme.id).unread == 0, 5.0)
        write_elsewhere(lambda: team.remove_delegate(acme.id, "acme", "omar"))
        await drive.until(pilot, lambda: isinstance(app.screen, InboxScreen) and drive.titles(app) == ["Bob Stone"])
        assert app.acting.member_id == support["omar"].id
        # Said on his own inbox's status line once it is in place (its list may come first).
        await drive.until(pilot, lambda: "You can no longer work in Acme Support's inbox." in drive.notices(app))
        assert status_text(app).startswith(" Omar") and " · as " not in status_text(app)


async def test_a_write_refused_after_access_ended_says_so_and_goes_home(support, drive):
    acme = support["acme"]
    async with drive.app(support["omar"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await enter_shared_inbox(pilot, drive)
        team.remove_delegate(acme.id, "acme", "omar")
        await drive.press(pilot, "e")
        await drive.settle(pilot)
        assert "You can't work in this inbox." in drive.notices(pilot.app)
        assert pilot.app.acting.member_id == support["omar"].id
        assert drive.titles(pilot.app) == ["Bob Stone"]
        assert team.audit(acme.id, acme.id)[-1].action == "undelegate"


async def test_the_palette_switches_inbox_and_a_delegate_leaves_the_inbox_s_settings_alone(support, drive):
    async with drive.app(support["omar"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        commands = await palette(pilot)
        assert "Assign to…" not in commands  # his own inbox has no team
        await commands["Switch inbox"]()
        await drive.settle(pilot)
        await drive.press(pilot, "enter")
        assert "Acme Support's inbox · as Omar Haddad" in status_text(pilot.app)
        commands = await palette(pilot)
        assert "Assign to…" in commands
        assert "Plan & credits" not in commands and "Blocked members" not in commands
        await drive.press(pilot, "comma")
        assert isinstance(pilot.app.screen, InboxScreen)  # Settings stay the inbox member's
        await drive.highlight(pilot, "Ana Lima")
        await (await palette(pilot))["Block sender"]()
        await drive.settle(pilot)
        assert "Only Acme Support can change that; you work in their inbox as a delegate." in drive.notices(
            pilot.app)
        assert not Block.select().exists()


def test_a_shared_inbox_s_filter_bar_keeps_mine_and_unassigned_at_80_columns():
    from app.core.views import Counts

    counts = {"all": 56, "focused": 40, "other": 16, "unread": 16, "connections": 30, "inmail": 12,
              "starred": 3, "archived": 5, "spam": 2, "mine": 7, "unassigned": 38, "drafts": 4}
    bar = FilterBar()
    bar.counts = Counts(by_filter=counts)
    bar.shared = True
    gap, laid = bar.layout_filters(80)
    assert [name for _, name, _, _ in laid][-2:] == ["mine", "unassigned"]  # Drafts gives way first
    line = gap.join(f"{key_of(number, name)} {label} {count}" for number, name, label, count in laid)
    assert len(line) <= 80 and line.startswith("1 A") and "M Mi 7" in line and "U Un 38" in line
    _, wide = bar.layout_filters(200)
    assert [(label, count) for _, name, label, count in wide if name in ("mine", "unassigned", "drafts")] == [
        ("Mine", "7"), ("Unassigned", "38"), ("Drafts", "4")]
    bar.shared = False
    assert "mine" not in [name for _, name, _, _ in bar.layout_filters(200)[1]]


async def test_the_open_thread_is_assigned_with_the_same_key(support, drive):
    acme, ivan = support["acme"], support["conversations"]["ivan"]
    async with drive.app(support["lena"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await enter_shared_inbox(pilot, drive)
        await drive.highlight(pilot, "Иван Петров")
        await drive.press(pilot, "enter")
        assert isinstance(pilot.app.screen, ThreadScreen)
        await drive.press(pilot, "A")
        assert isinstance(pilot.app.screen, AssignPicker)
        await drive.press(pilot, "down", "enter")  # Lena Vogel, after Acme Support
        assert isinstance(pilot.app.screen, ThreadScreen)
        assert "Assigned to Lena Vogel." in drive.notices(pilot.app)
        await drive.press(pilot, "escape")
        assert "→ Lena" in row_text(pilot.app, "Иван Петров")
        assert [(entry.author_handle, entry.action, entry.conversation, entry.detail)
                for entry in team.audit(acme.id, acme.id)][-2:] == [
            ("lena", "read", ivan, ""), ("lena", "assign", ivan, "lena")]
