"""Real LinkedIn export shapes, imported faithfully: empty FOLDERs, names with commas,
spreadsheet dates, rows without text, same-second messages, UTF-16 files."""

from __future__ import annotations

import codecs

import pytest
from linkedin_samples import HEADER_2021, HEADER_2023, HEADER_2024, csv_text
from real_shapes import (
    ANA,
    BEN,
    BEN_NAME,
    CY,
    DEE,
    DEE_NAME,
    DIMA,
    DIMA_NAME,
    FANG,
    FANG_NAME,
    KIM,
    KIM_NAME,
    PROFILE_ANA,
    ZOE,
    ZOE_NAME,
    drafts,
    seen,
)

from app.cli.run import main
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.models import Connection, Member


# --- 1. the 2023 layout: an empty FOLDER is someone else's incoming message ----------------

def test_an_empty_folder_in_the_2023_layout_is_an_incoming_message_not_a_draft(store, export):
    rows = [
        ["c1", "", "Ben Okafor", BEN, "Ana Ruiz", ANA, "2023-01-05 09:00:00 UTC", "", "Kickoff at ten?", "INBOX"],
        ["c1", "", "Ana Ruiz", ANA, "Ben Okafor", BEN, "2023-01-05 08:00:00 UTC", "", "Morning Ben", "INBOX"],
        ["c2", "", "Ana Ruiz", ANA, "Cy Park", CY, "2023-01-10 12:00:00 UTC", "", "Lunch, Cy?", "INBOX"],
        ["c3", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2023-02-01 10:00:00 UTC", "", "Are you free?", ""],
    ]
    summary = import_linkedin(export().add("messages.csv", csv_text(HEADER_2023, rows)).folder())

    found = seen()
    assert summary.owner == "Ana Ruiz"
    assert "the person in the most conversations (3 of 3)" in summary.describe()
    assert Member.get(Member.handle == "me").name == "Ana Ruiz"
    assert {k: (v["kind"], v["others"]) for k, v in found.items()} == {
        "c1": ("direct", ["Ben Okafor"]), "c2": ("direct", ["Cy Park"]), "c3": ("direct", ["Dee Lin"]),
    }
    assert found["c3"]["messages"] == [("Dee Lin", "message", "Are you free?")]
    assert drafts() == [] and summary.drafts == 0


# --- 2. names with commas are one person each ----------------------------------------------

def test_names_with_commas_and_credentials_are_one_person_where_urls_count_them(store, export):
    rows = [
        ["g1", "Bridge retrofit", "Ana Ruiz", ANA, f"{BEN_NAME},{ZOE_NAME}", f"{BEN},{ZOE}",
         "2023-03-01 09:00:00 UTC", "", "Drawings attached, comments welcome.", "INBOX"],
        ["g1", "Bridge retrofit", BEN_NAME, BEN, f"Ana Ruiz,{ZOE_NAME}", f"{ANA},{ZOE}",
         "2023-03-01 10:00:00 UTC", "", "Looks good to me.", "INBOX"],
        ["d1", "", DEE_NAME, DEE, "Ana Ruiz", ANA, "2023-03-02 09:00:00 UTC", "", "Any LEED questions?", "INBOX"],
        ["d2", "", "Ana Ruiz", ANA, KIM_NAME, KIM, "2023-03-03 09:00:00 UTC", "", "Can you check the invoice?",
         "INBOX"],
    ]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA)
                              .add("messages.csv", csv_text(HEADER_2023, rows)).folder())

    found = seen()
    assert found["g1"]["kind"] == "group" and found["g1"]["others"] == sorted([BEN_NAME, ZOE_NAME])
    assert (found["d1"]["kind"], found["d1"]["others"]) == ("direct", [DEE_NAME])
    # Named by the file, never by the URL's slug, even when only written to.
    assert (found["d2"]["kind"], found["d2"]["others"]) == ("direct", [KIM_NAME])
    assert summary.members == 5  # Ana, Ben, Ζωή, Dee, Kim: no phantom "MBA" or "PMP"
    assert not Member.select().where(Member.name.in_(["MBA", "PMP", "LEED AP", "CPA (Inactive)"])).exists()


def test_without_recipient_urls_a_bare_comma_separates_people_and_credentials_stay(store, export):
    rows = [
        ["k1", "", KIM_NAME, KIM, "Ana Ruiz", "2021-06-01 09:00:00 UTC", "", "Invoice checked.", "INBOX"],
        ["k1", "", "Ana Ruiz", ANA, KIM_NAME, "2021-06-01 10:00:00 UTC", "", "Thank you, Kim!", "INBOX"],
        ["g2", "Ужин", DIMA_NAME, DIMA, f"Ana Ruiz,{BEN_NAME},{FANG_NAME}", "2021-06-02 19:00:00 UTC", "",
         "Встречаемся в восемь?", "INBOX"],
        ["g2", "Ужин", FANG_NAME, FANG, f"Ana Ruiz,{BEN_NAME},{DIMA_NAME}", "2021-06-02 19:05:00 UTC", "",
         "好的，八点见", "INBOX"],
    ]
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2021, rows)).folder())

    found = seen()
    assert (found["k1"]["kind"], found["k1"]["others"]) == ("direct", [KIM_NAME])
    assert found["g2"]["kind"] == "group"
    assert found["g2"]["others"] == sorted([BEN_NAME, DIMA_NAME, FANG_NAME])
    assert [m[2] for m in found["g2"]["messages"]] == ["Встречаемся в восемь?", "好的，八点见"]


def test_a_name_seen_as_a_sender_elsewhere_in_the_file_is_kept_whole_in_to(store, export):
    lucia = "García,Lucía"  # as some people write their name: family name first
    rows = [
        ["g3", "Porto trip", "Cy Park", CY, f"Ana Ruiz,{lucia}", "2021-07-02 10:00:00 UTC", "", "Train at 9.", "INBOX"],
        ["g3", "Porto trip", lucia, "https://www.linkedin.com/in/lucia-g", "Ana Ruiz,Cy Park",
         "2021-07-01 10:00:00 UTC", "", "¿Vamos a Oporto?", "INBOX"],
    ]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA)
                              .add("messages.csv", csv_text(HEADER_2021, rows)).folder())

    assert seen()["g3"]["others"] == ["Cy Park", lucia]
    assert summary.members == 3
    assert not Member.select().where(Member.name.in_(["García", "Lucía"])).exists()


# --- 3. spreadsheet-mangled Connections.csv ------------------------------------------------

CONNECTIONS_RESAVED = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ben,\"Okafor, MBA,PMP\",https://www.linkedin.com/in/bokafor,,Tern Bridges,PM,23-Apr-23\r\n"
    "Dee,\"Lin, LEED AP\",https://www.linkedin.com/in/dee-lin-2b,,Verde,Architect,4/23/2023\r\n"
    "Ζωή,Παπαδοπούλου,https://www.linkedin.com/in/zoe-papadopoulou,,Αθήνα Labs,Μηχανικός,2023-04-23\r\n"
    "Cy,Park,https://www.linkedin.com/in/cy-park,,Orbit,Analyst,sometime in spring\r\n"
)


def test_spreadsheet_dates_are_read_and_an_unreadable_one_is_skipped_by_its_line(store, export):
    rows = [["c1", "", "Ana Ruiz", ANA, "Ben Okafor, MBA,PMP", BEN, "2023-05-01 09:00:00 UTC", "", "Hi Ben",
             "INBOX", "No", "No"]]
    path = (export().add("Profile.csv", PROFILE_ANA).add("Connections.csv", CONNECTIONS_RESAVED)
            .add("messages.csv", csv_text(HEADER_2024, rows)).folder())

    summary = import_linkedin(path)

    dates = {c.other.name: c.connected_at.date().isoformat()
             for c in Connection.select().where(Connection.member == Member.get(Member.handle == "me"))}
    assert dates == {BEN_NAME: "2023-04-23", DEE_NAME: "2023-04-23", ZOE_NAME: "2023-04-23"}
    assert summary.skipped == {"connections whose Connected On is not a date": 1}
    assert ("Connections.csv (4 rows): 3 connections added; skipped 1 row: connections whose Connected On "
            "is not a date (1); first at line 8.") in summary.describe()


# --- 7. rows without text --------------------------------------------------------------------

def test_a_conversation_of_rows_without_text_stays_each_row_its_own_message(store, export):
    rows = [
        ["e1", "", "Ana Ruiz", ANA, "Cy Park", CY, "2024-02-01 10:05:00 UTC", "", "", "INBOX", "No", "No"],
        ["e1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-02-01 10:01:00 UTC", "", "", "INBOX", "No", "No"],
        ["e1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-02-01 10:00:00 UTC", "", "Message request accepted",
         "INBOX", "No", "No"],
        ["e2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-02-02 08:00:00 UTC", "", "Dee Lin left the conversation.",
         "INBOX", "No", "No"],
        ["e2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-02-02 07:00:00 UTC", "", "", "INBOX", "No", "No"],
    ]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA)
                              .add("messages.csv", csv_text(HEADER_2024, rows)).folder())

    found = seen()
    note = "(no text: an attachment or shared item)"
    assert found["e1"]["messages"] == [(None, "system", "Message request accepted"),
                                       ("Cy Park", "message", note), ("Ana Ruiz", "message", note)]
    assert found["e2"]["messages"] == [("Dee Lin", "message", note), (None, "system", "Dee Lin left the conversation.")]
    assert summary.conversations == 2 and summary.messages == 5 and summary.without_text == 3
    assert "3 messages had no text in the export" in summary.describe()


# --- 6. messages of the same second ------------------------------------------------------------

def _ad_thread(cid: str, day: str) -> list[list[str]]:
    """LinkedIn's order, newest first: the answer and the click that asked for it share a second."""
    return [
        [cid, "", "Cy Park", CY, "Ana Ruiz", ANA, f"{day} 10:00:07 UTC", "", "Here is the brochure.", "INBOX", "No", "No"],
        [cid, "", "Ana Ruiz", ANA, "Cy Park", CY, f"{day} 10:00:07 UTC", "", "Tell me more", "INBOX", "No", "No"],
        [cid, "", "Cy Park", CY, "Ana Ruiz", ANA, f"{day} 09:00:00 UTC", "", "Interested in a demo?", "INBOX", "No",
         "No"],
    ]


OLDEST_FIRST = [
    ["t2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-03-01 08:00:00 UTC", "", "First", "INBOX", "No", "No"],
    ["t2", "", "Ana Ruiz", ANA, "Dee Lin", DEE, "2024-03-01 08:00:00 UTC", "", "Second", "INBOX", "No", "No"],
    ["t2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-03-01 09:00:00 UTC", "", "Third", "INBOX", "No", "No"],
]


@pytest.mark.parametrize("order", ["newest-conversation-first", "oldest-conversation-first", "alone"])
def test_same_second_messages_follow_their_conversations_direction_in_the_file(store, export, order):
    threads = {"newest-conversation-first": _ad_thread("t1", "2024-03-05") + OLDEST_FIRST,
               "oldest-conversation-first": OLDEST_FIRST + _ad_thread("t1", "2024-03-05"),
               "alone": _ad_thread("t1", "2024-02-05")}[order]
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, threads)).folder())

    found = seen()
    assert [m[2] for m in found["t1"]["messages"]] == ["Interested in a demo?", "Tell me more", "Here is the brochure."]
    if "t2" in found:
        assert [m[2] for m in found["t2"]["messages"]] == ["First", "Second", "Third"]


# --- 8. UTF-16 with a byte-order mark, tab-separated --------------------------------------------

def utf16_tabs(header: str, rows: list[list[str]]) -> bytes:
    lines = [header.replace(",", "\t")] + ["\t".join(row) for row in rows]
    return codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le") + "\r\n".encode("utf-16-le")


def test_a_utf16_tab_separated_export_imports_like_any_other(store, export):
    rows = [
        ["u1", "", ZOE_NAME, ZOE, "Ana Ruiz", ANA, "2024-04-01 09:00:00 UTC", "", "Καλημέρα! Τα σχέδια, επιτέλους.",
         "INBOX", "No", "No"],
        ["u1", "", "Ana Ruiz", ANA, ZOE_NAME, ZOE, "2024-04-01 10:00:00 UTC", "", "Ευχαριστώ 🙏", "ARCHIVE",
         "No", "No"],
    ]
    connections = ("First Name\tLast Name\tURL\tEmail Address\tCompany\tPosition\tConnected On\r\n"
                   f"Ζωή\tΠαπαδοπούλου\t{ZOE}\t\tΑθήνα Labs\tΜηχανικός\t01 Mar 2024\r\n")
    path = (export().add("Profile.csv", PROFILE_ANA)
            .add("Connections.csv", codecs.BOM_UTF16_LE + connections.encode("utf-16-le"))
            .add("messages.csv", utf16_tabs(HEADER_2024, rows)).folder())

    summary = import_linkedin(path)

    found = seen()
    assert found["u1"]["others"] == [ZOE_NAME] and found["u1"]["box"] == "archived"
    assert [m[2] for m in found["u1"]["messages"]] == ["Καλημέρα! Τα σχέδια, επιτέλους.", "Ευχαριστώ 🙏"]
    assert summary.connections == 1
    assert "messages.csv (2024 layout, UTF-16, tab-separated, 2 rows)" in summary.describe()


@pytest.mark.parametrize("given", ["folder", "file"])
def test_a_path_without_a_messages_file_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, given):
    folder = tmp_path / "export"
    folder.mkdir()
    logins = folder / "Logins.csv"
    logins.write_text("Login Date,IP Address,User Agent,Login Type\r\n2024-01-01 10:00:00 UTC,10.0.0.1,x,WEB\r\n")
    store = tmp_path / "parley.db"

    code = main(["--db", str(store), "import", "linkedin", str(folder if given == "folder" else logins)])

    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "holds no messages.csv" in err
    assert not store.exists()
