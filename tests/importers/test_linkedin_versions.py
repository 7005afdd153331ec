"""Every messages.csv header version of SPEC §10, from 2018 to 2024."""

from __future__ import annotations

from datetime import datetime

from linkedin_samples import (
    ANA,
    BEN,
    CHIDI,
    HEADER_2018,
    HEADER_2019,
    HEADER_2021,
    HEADER_2023,
    PROFILE_CSV,
    ROBIN,
    csv_text,
)

from app.interchange.linkedin.linkedin import import_linkedin
from app.store.models import BOX_ARCHIVED, BOX_INBOX, Conversation, ConversationState, Member, Message


def threads() -> dict[str, dict]:
    """Each conversation by its first message's text: kind, members, messages, Robin's box."""
    out = {}
    me = Member.get(Member.handle == "me")
    for conversation in Conversation.select().order_by(Conversation.id):
        messages = list(Message.select().where(Message.conversation == conversation).order_by(Message.sent_at))
        states = ConversationState.select().where(ConversationState.conversation == conversation)
        out[messages[0].body] = {
            "kind": conversation.kind,
            "subject": conversation.subject,
            "members": sorted(s.member.handle for s in states),
            "messages": [(m.sender.handle if m.sender else None, m.sent_at, m.body) for m in messages],
            "box": next(s.box for s in states if s.member_id == me.id),
        }
    return out


def test_2018_messages_and_inbox_files_with_clock_dates(store, export):
    messages = csv_text(HEADER_2018, [
        ["Ana Silva", "Robin Vale", "10/16/18, 8:36 AM", "Coffee?", "Hi Robin, coffee next week?",
         "INCOMING", "INBOX"],
        ["Robin Vale", "Ana Silva", "10/16/18, 9:02 PM", "RE: Coffee?", 'Sure, "Tuesday"?', "OUTGOING", "SENT"],
    ])
    inbox = csv_text(HEADER_2018, [
        ["Ben Okafor", "Robin Vale", "11/2/18, 11:15 AM", "Old project", "The archive of\nour old project",
         "INCOMING", "ARCHIVED"],
    ])
    path = export().add("Messages.csv", messages).add("Inbox.csv", inbox).folder()

    summary = import_linkedin(path)

    found = threads()
    assert summary.conversations == 2 and summary.messages == 3
    coffee = found["Hi Robin, coffee next week?"]
    assert coffee["kind"] == "direct" and coffee["subject"] == "Coffee?"
    assert coffee["members"] == ["ana-silva", "me"]
    # 2018 times carry no zone: they are kept as UTC.
    assert [m[1] for m in coffee["messages"]] == [datetime(2018, 10, 16, 8, 36), datetime(2018, 10, 16, 21, 2)]
    assert coffee["messages"][1][0] == "me" and coffee["box"] == BOX_INBOX
    assert found["The archive of\nour old project"]["box"] == BOX_ARCHIVED
    assert Member.get(Member.handle == "me").name == "Robin Vale"


def test_2019_upper_case_iso_dates_and_direction(store, export):
    messages = csv_text(HEADER_2019, [
        ["Ana Silva", "Robin Vale", "2019-05-01T10:00:00Z", "", "Lunch, then?", "INCOMING", "INBOX"],
        ["Robin Vale", "Ana Silva", "2019-05-01 11:30:00 UTC", "", "Yes", "OUTGOING", "INBOX"],
        ["Chidi Nwosu", "Robin Vale", "2019-06-02T08:00:00+02:00", "", "Hello from Lagos", "INCOMING", "ARCHIVE"],
    ])
    summary = import_linkedin(export().add("messages.csv", messages).folder())

    assert "messages.csv (2019 layout, 3 rows)" in summary.describe()
    found = threads()
    assert found["Lunch, then?"]["messages"][1][:2] == ("me", datetime(2019, 5, 1, 11, 30))
    assert found["Hello from Lagos"]["messages"][0][1] == datetime(2019, 6, 2, 6, 0)
    assert found["Hello from Lagos"]["box"] == BOX_ARCHIVED
    # Without conversation ids, the same people and subject make one stable conversation.
    assert Conversation.select().where(Conversation.external_id.startswith("ls:")).count() == 2


def test_2021_conversation_ids_join_names_to_profile_urls(store, export):
    messages = csv_text(HEADER_2021, [
        ["2-abc", "", "Ana Silva", ANA, "Robin Vale", "2021-04-01 09:00:00 UTC", "", "Hi", "INBOX"],
        ["2-abc", "", "Robin Vale", ROBIN, "Ana Silva", "2021-04-01 09:05:00 UTC", "", "Hello", "INBOX"],
    ])
    import_linkedin(export().add("Profile.csv", PROFILE_CSV).add("messages.csv", messages).folder())

    # "Ana Silva" in TO and Ana's profile URL as a sender are one member, with the URL's handle.
    assert sorted(m.handle for m in Member.select()) == ["ana-silva-01", "me"]
    assert Member.get(Member.handle == "me").profile_url == ROBIN
    assert threads()["Hi"]["members"] == ["ana-silva-01", "me"]


def test_2023_recipient_urls_comma_and_semicolon_separated(store, export):
    messages = csv_text(HEADER_2023, [
        ["2-grp", "Trip", "Ana Silva", ANA, "Robin Vale,Ben Okafor,Chidi Nwosu", f"{ROBIN},{BEN},{CHIDI}",
         "2023-07-01 10:00:00 UTC", "", "Train or plane?", "INBOX"],
        ["2-grp", "Trip", "Ben Okafor", BEN, "Robin Vale; Ana Silva; Chidi Nwosu", f"{ROBIN}; {ANA}; {CHIDI}",
         "2023-07-01 10:10:00 UTC", "", "Train.", "INBOX"],
        ["2-one", "", "Chidi Nwosu, MBA", CHIDI, "Robin Vale", ROBIN, "2023-07-02 10:00:00 UTC", "",
         "Names may hold commas", "INBOX"],
    ])
    import_linkedin(export().add("Profile.csv", PROFILE_CSV).add("messages.csv", messages).folder())

    found = threads()
    assert found["Train or plane?"]["kind"] == "group"
    assert found["Train or plane?"]["members"] == ["ana-silva-01", "ben-okafor", "chidi-nwosu", "me"]
    assert Conversation.get(Conversation.external_id == "li:2-grp").title == "Trip"
    assert found["Names may hold commas"]["members"] == ["chidi-nwosu", "me"]


def test_2024_with_a_byte_order_mark_and_quoted_fields(store, robin_export):
    summary = import_linkedin(robin_export.folder())

    assert "messages.csv (2024 layout, 14 rows)" in summary.describe()
    bodies = {m.body for m in Message.select()}
    assert "Hi Robin, lunch on Friday?" in bodies
    assert 'Sure, "the usual" place?\nSee you at noon.' in bodies
    # The byte-order mark is not part of the first column's name.
    assert Conversation.get(Conversation.external_id == "li:2-YW5h").message_count == 2


def test_a_single_messages_csv_file_imports_too(store, export, tmp_path):
    messages = csv_text(HEADER_2019, [
        ["Ana Silva", "Robin Vale", "2019-05-01T10:00:00Z", "", "Only a file", "INCOMING", "INBOX"],
    ])
    path = tmp_path / "messages.csv"
    path.write_text(messages, encoding="utf-8", newline="")
    assert import_linkedin(path).messages == 1
