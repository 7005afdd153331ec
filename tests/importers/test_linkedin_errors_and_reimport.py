"""All or nothing, clear sentences for bad files, and importing again adds only what is new."""

from __future__ import annotations

import pytest
from linkedin_samples import (
    CONNECTIONS_CSV,
    HEADER_2024,
    MESSAGES_2024,
    PROFILE_CSV,
    ROBIN,
    csv_text,
    messages_2024,
    row_counts,
)

from app.core.errors import BadInput
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.models import Conversation, ConversationState, Member, Message


def bad_import(path) -> str:
    with pytest.raises(BadInput) as caught:
        import_linkedin(path)
    return str(caught.value)


@pytest.fixture
def imported_once(store, robin_export):
    """Robin's export already imported; the store's row counts after it."""
    import_linkedin(robin_export.zip())
    return row_counts()


def test_a_truncated_file_names_the_line_and_imports_nothing(imported_once, export):
    text = messages_2024() + '2-new,,Ana Silva,https://www.linkedin.com/in/ana-silva-01,Robin Vale,,' \
        '2024-04-01 10:00:00 UTC,,"This message never ends\r\nbecause the export was cut'
    path = export("cut").add("Profile.csv", PROFILE_CSV).add("messages.csv", text).folder()
    assert bad_import(path) == "messages.csv line 17: the file ends inside a quoted field."
    assert row_counts() == imported_once


def test_a_wrong_header_is_refused_before_anything_is_written(store, export):
    text = "Sender,Recipient,When,Text\r\nAna,Robin,2024-01-01,Hi\r\n"
    path = export().add("Profile.csv", PROFILE_CSV).add("Connections.csv", CONNECTIONS_CSV).add("messages.csv", text).folder()
    before = row_counts()
    assert bad_import(path) == "messages.csv: the header is not one Parley knows: Sender, Recipient, When, Text."
    assert row_counts() == before


def test_a_row_whose_date_is_no_date_is_skipped_and_reported_by_its_line(imported_once, export):
    rows = MESSAGES_2024 + [["2-x", "", "Ana Silva", "", "Robin Vale", ROBIN, "2024-13-01", "", "Hi", "INBOX",
                             "No", "No"]]
    path = export("bad").add("messages.csv", messages_2024(rows)).folder()
    summary = import_linkedin(path)
    assert summary.skipped == {"messages whose DATE is not a date": 1}
    assert "skipped 1 row: messages whose DATE is not a date (1); first at line 17." in summary.describe()
    assert row_counts()["Message"] == imported_once["Message"]


def test_a_short_row_is_an_error(store, export):
    text = csv_text(HEADER_2024, [["2-x", "", "Ana Silva", "", "Robin Vale"]])
    assert bad_import(export().add("messages.csv", text).folder()) == \
        "messages.csv line 2: the row has 5 fields; the header has 12."


def test_a_connection_whose_date_is_no_date_is_skipped_and_the_rest_imported(store, export):
    text = CONNECTIONS_CSV.replace("16 Dec 2024", "yesterday")
    summary = import_linkedin(export().add("Connections.csv", text).add("messages.csv", messages_2024()).folder())
    assert summary.skipped["connections whose Connected On is not a date"] == 1
    assert summary.connections == 2
    assert "first at line 5, line 8" in summary.describe()


def test_not_an_export(store, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert "is it a LinkedIn data export?" in bad_import(tmp_path)
    assert "neither a .zip file nor a folder" in bad_import(tmp_path / "notes.txt")
    assert "there is no file or folder there" in bad_import(tmp_path / "missing.zip")


def test_importing_the_same_export_again_adds_nothing(imported_once, robin_export):
    summary = import_linkedin(robin_export.folder())
    assert row_counts() == imported_once
    assert (summary.conversations, summary.messages, summary.members, summary.connections, summary.drafts) == \
        (0, 0, 0, 0, 0)
    assert summary.already_imported == 12
    assert "Nothing new" in summary.describe()


def test_zip_and_folder_import_the_same(store, robin_export):
    zipped = import_linkedin(robin_export.zip())
    counts = row_counts()
    unpacked = import_linkedin(robin_export.folder())
    assert zipped.messages == 12 and unpacked.messages == 0
    assert row_counts() == counts


def test_a_newer_export_adds_only_what_is_new(imported_once, export):
    newer = MESSAGES_2024 + [
        ["2-YW5h", "", "Ana Silva", "https://www.linkedin.com/in/ana-silva-01", "Robin Vale", ROBIN,
         "2024-03-09 10:00:00 UTC", "", "Friday was great, thanks!", "INBOX", "No", "No"],
        ["2-bmV3", "", "Dana Kowalczyk", "https://www.linkedin.com/in/dana-kowalczyk", "Robin Vale", ROBIN,
         "2024-03-10 10:00:00 UTC", "", "A new conversation", "INBOX", "No", "No"],
    ]
    path = export("newer").add("Profile.csv", PROFILE_CSV).add("Connections.csv", CONNECTIONS_CSV) \
        .add("messages.csv", messages_2024(newer)).folder()

    summary = import_linkedin(path)

    assert (summary.conversations, summary.conversations_updated, summary.messages, summary.members) == (1, 1, 2, 0)
    counts = row_counts()
    assert counts["Message"] == imported_once["Message"] + 2
    assert counts["Conversation"] == imported_once["Conversation"] + 1
    lunch = Conversation.get(Conversation.external_id == "li:2-YW5h")
    assert (lunch.message_count, lunch.preview) == (3, "Friday was great, thanks!")
    me = Member.get(Member.handle == "me")
    mine = ConversationState.get((ConversationState.conversation == lunch) & (ConversationState.member == me))
    assert mine.last_at == lunch.last_at and mine.unread == 0
    assert mine.read_upto == Message.get(Message.body == "Friday was great, thanks!").id


def test_a_newer_export_keeps_triage_done_in_parley(imported_once, robin_export):
    me = Member.get(Member.handle == "me")
    lunch = Conversation.get(Conversation.external_id == "li:2-YW5h")
    ConversationState.update(starred=True).where(
        (ConversationState.conversation == lunch) & (ConversationState.member == me)).execute()
    import_linkedin(robin_export.folder())
    assert ConversationState.get((ConversationState.conversation == lunch) & (ConversationState.member == me)).starred


def test_a_repeated_row_is_skipped_and_a_row_without_text_kept_with_a_note(store, export):
    row = ["2-x", "", "Ana Silva", "https://www.linkedin.com/in/ana-silva-01", "Robin Vale", ROBIN,
           "2024-01-01 10:00:00 UTC", "", "Twice", "INBOX", "No", "No"]
    empty = row[:6] + ["2024-01-01 10:05:00 UTC", "", "", "INBOX", "No", "No"]
    path = export().add("Profile.csv", PROFILE_CSV).add("messages.csv", csv_text(HEADER_2024, [row, row, empty])).folder()
    summary = import_linkedin(path)
    assert summary.messages == 2 and summary.without_text == 1
    assert summary.skipped == {"rows repeated in the export": 1}
    assert "skipped 1 row: rows repeated in the export (1); first at line 3." in summary.describe()
    assert [m.body for m in Message.select().order_by(Message.sent_at)] == \
        ["Twice", "(no text: an attachment or shared item)"]


def test_a_file_that_is_not_utf8_is_an_error(store, export):
    text = (HEADER_2024 + "\r\n").encode() + "2-x,,Zoë,,Robin Vale,,2024-01-01 10:00:00 UTC,,Hi,INBOX,No,No\r\n".encode("latin-1")
    assert bad_import(export().add("messages.csv", text).folder()) == "messages.csv line 2: the file is not UTF-8 text."


def test_a_store_failure_half_way_leaves_nothing_and_stops_the_indexer(store, tmp_path, monkeypatch):
    import multiprocessing
    import threading

    from speed import write_messages_csv

    from app.interchange.linkedin import linkedin
    from app.store.postgres.bulk import MessageIndex as PostgresIndex
    from app.store.sqlite.bulk import MessageIndex as SqliteIndex

    folder = tmp_path / "big"
    folder.mkdir()
    write_messages_csv(folder / "messages.csv", 3 * linkedin.CHUNK)
    calls = []

    def failing(index_batch):
        def index(self, *batch):
            calls.append(batch)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            index_batch(self, *batch)
        return index

    monkeypatch.setattr(SqliteIndex, "_index", failing(SqliteIndex._index))
    monkeypatch.setattr(PostgresIndex, "_index", failing(PostgresIndex._index))
    before = row_counts()
    with pytest.raises(RuntimeError, match="disk full"):
        import_linkedin(folder)
    assert row_counts() == before
    assert not [t for t in threading.enumerate() if t.name.startswith(("bulk-message-index", "parley-import-rows"))]
    assert not multiprocessing.active_children(), "the copy making the rows is gone"
