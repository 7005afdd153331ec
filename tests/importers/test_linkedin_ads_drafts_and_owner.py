"""Real LinkedIn export shapes: sponsored conversations, drafts, InMail, other message files,
the owner, the summary, --dry-run, and the round trip through Parley's own CSV."""

from __future__ import annotations

import io

import pytest

from linkedin_samples import HEADER_2018, HEADER_2023, HEADER_2024, csv_text
from real_shapes import ANA, BEN, BEN_NAME, CY, DEE, DEE_NAME, PROFILE_ANA, ZOE, ZOE_NAME, drafts, seen

from app.cli.run import main
from app.core.errors import BadInput
from app.interchange.export import export as export_csv
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.db import open_store
from app.store.models import Conversation, InMail, Member, Message

AD_HTML = ('<p>Hi %FIRSTNAME%,</p><p>Teams like %COMPANYNAME% cut freight costs by 30% with '
           '<a href="https://www.northwind-cloud.example/freight">our planner</a>.</p>')


# --- 4 and 5. sponsored conversations ------------------------------------------------------------

def sponsored_rows() -> list[list[str]]:
    return [
        # A real-looking ad: "LinkedIn Member", LinkedIn's title, HTML, a mail-merge field; the owner's
        # click and the ad's answer share a second.
        ["s1", "Sponsored Conversation", "LinkedIn Member", "", "Ana Ruiz", ANA, "2024-05-02 09:00:03 UTC", "",
         "<p>Here is the <b>case study</b> &amp; a trial.</p>", "INBOX", "No", "No"],
        ["s1", "", "Ana Ruiz", ANA, "LinkedIn Member", "", "2024-05-02 09:00:03 UTC", "", "Tell me more", "INBOX",
         "No", "No"],
        ["s1", "Sponsored Conversation", "LinkedIn Member", "", "Ana Ruiz", ANA, "2024-05-02 09:00:00 UTC", "",
         AD_HTML, "INBOX", "No", "No"],
        # Another ad from no one named anywhere: its own sender all the same.
        ["s2", "Sponsored Conversation", "LinkedIn Member", "", "Ana Ruiz", ANA, "2024-05-03 09:00:00 UTC", "",
         "<div>Dear %FIRSTNAME% %LASTNAME%, as a %JOBTITLE% you will like this.</div>", "INBOX", "No", "No"],
        # An older ad: a named sender without a profile URL, no title.
        ["s3", "", "Tern Bikes", "", "Ana Ruiz", ANA, "2024-05-04 09:00:00 UTC", "",
         "Ride to work, %FIRSTNAME%? <a href='https://tern.example'>See the range</a>", "INBOX", "No", "No"],
        # A mail-merge field alone marks an ad, even from a sender with a URL.
        ["s4", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-05-05 09:00:00 UTC", "", "Hello %FIRSTNAME%, a webinar?",
         "INBOX", "No", "No"],
        # An ordinary conversation beside them.
        ["p1", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-05-06 09:00:00 UTC", "", "Coffee at 5% off? Fine.",
         "INBOX", "No", "No"],
    ]


def test_ads_are_sponsored_in_other_with_readable_text_and_no_raw_placeholders(store, export):
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA)
                              .add("messages.csv", csv_text(HEADER_2024, sponsored_rows())).folder())

    found = seen()
    for cid in ("s1", "s2", "s3", "s4"):
        assert found[cid]["kind"] == "sponsored" and found[cid]["folder"] == "other", cid
    assert found["p1"]["kind"] == "direct" and found["p1"]["messages"][0][2] == "Coffee at 5% off? Fine."
    assert found["s1"]["messages"] == [
        ("Northwind Cloud", "sponsored", "Hi Ana,\nTeams like your company cut freight costs by 30% with our planner "
                                         "(https://www.northwind-cloud.example/freight)."),
        ("Ana Ruiz", "message", "Tell me more"),
        ("Northwind Cloud", "sponsored", "Here is the case study & a trial."),
    ]
    assert found["s2"]["messages"] == [("Sponsor 1", "sponsored", "Dear Ana Ruiz, as a professional you will like this.")]
    assert found["s3"]["messages"][0] == ("Tern Bikes", "sponsored", "Ride to work, Ana? See the range (https://tern.example)")
    bodies = " ".join(m.body for m in Message.select())
    assert "%" not in bodies.replace("30%", "").replace("5%", "") and "<" not in bodies
    # Each ad has a sender of its own: companies, never one "LinkedIn Member" for all.
    senders = {found[c]["title"] for c in ("s1", "s2", "s3")}
    assert senders == {"Northwind Cloud", "Sponsor 1", "Tern Bikes"}
    assert not Member.select().where(Member.name == "LinkedIn Member").exists()
    assert summary.conversations == 5


def test_in_the_2018_layout_an_html_message_from_a_stranger_the_owner_never_answered_is_an_ad(store, export):
    rows = [
        ["Orbit Travel", "Ana Ruiz", "10/16/18, 8:36 AM", "Your next trip",
         "<p>Fly to Athens &amp; save!</p><p><a href='https://orbit.example'>Book now</a></p>", "INCOMING", "INBOX"],
        ["Ben Okafor", "Ana Ruiz", "10/17/18, 9:00 AM", "Dinner", "Dinner <3 at eight?", "INCOMING", "INBOX"],
        ["Ana Ruiz", "Ben Okafor", "10/17/18, 9:30 AM", "RE: Dinner", "Yes!", "OUTGOING", "SENT"],
        ["Dee Lin", "Ana Ruiz", "10/18/18, 9:00 AM", "Plans", "Plans for Q4 &amp; beyond", "INCOMING", "INBOX"],
    ]
    connections = ("First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
                   "Dee,Lin,,Verde,Architect,01 Jan 2018\r\n")
    import_linkedin(export().add("Connections.csv", connections)
                    .add("messages.csv", csv_text(HEADER_2018, rows)).folder())

    found = seen()
    ad = found["Fly to Athens & save!\nBook now (https://orbit.example)"]
    assert (ad["kind"], ad["folder"], ad["title"]) == ("sponsored", "other", "Orbit Travel")
    assert found["Dinner <3 at eight?"]["kind"] == "direct"  # the owner answered
    assert found["Plans for Q4 &amp; beyond"]["kind"] == "direct"  # a connection writes no ads


# --- 10. drafts, and the 2018 conversation by its subject ------------------------------------------

def test_an_empty_folder_is_a_draft_only_when_the_owner_wrote_it(store, export):
    rows = [
        ["c1", "", "Ana Ruiz", ANA, "Ben Okafor, MBA,PMP", BEN, "2023-06-02 09:00:00 UTC", "", "Draft: the budget…", ""],
        ["c1", "", BEN_NAME, BEN, "Ana Ruiz", ANA, "2023-06-01 09:00:00 UTC", "", "Budget?", "INBOX"],
        ["c2", "", DEE_NAME, DEE, "Ana Ruiz", ANA, "2023-06-03 09:00:00 UTC", "", "Hello from Verde", ""],
    ]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA)
                              .add("messages.csv", csv_text(HEADER_2023, rows)).folder())

    assert drafts() == ["Draft: the budget…"] and summary.drafts == 1
    found = seen()
    assert [m[2] for m in found["c1"]["messages"]] == ["Budget?"]
    assert found["c2"]["messages"] == [(DEE_NAME, "message", "Hello from Verde")]


def test_draft_columns_left_empty_by_a_spreadsheet_fall_back_to_the_owner_rule(store, export):
    rows = [
        ["c1", "", "Ana Ruiz", ANA, "Cy Park", CY, "2024-06-02 09:00:00 UTC", "", "Unsent note", "", "", ""],
        ["c2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-06-03 09:00:00 UTC", "", "Hello", "", "", ""],
        ["c3", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-04 09:00:00 UTC", "", "Marked", "", "No", "No"],
    ]
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows)).folder())
    assert drafts() == ["Unsent note"]
    assert [m[2] for c in ("c2", "c3") for m in seen()[c]["messages"]] == ["Hello", "Marked"]


def test_the_owner_found_from_the_rows_still_makes_their_empty_folder_rows_drafts(store, export):
    rows = [
        ["c1", "", "Ana Ruiz", ANA, "Cy Park", CY, "2023-06-02 09:00:00 UTC", "", "Unsent note", ""],
        ["c1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2023-06-01 09:00:00 UTC", "", "Hi Ana", "INBOX"],
        ["c2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2023-06-03 09:00:00 UTC", "", "Hello", ""],
    ]
    summary = import_linkedin(export().add("messages.csv", csv_text(HEADER_2023, rows)).folder())
    assert summary.owner == "Ana Ruiz" and drafts() == ["Unsent note"]
    assert [m[2] for m in seen()["c1"]["messages"]] == ["Hi Ana"]


def test_2018_replies_in_other_languages_join_their_conversation(store, export):
    rows = [
        ["Jonas Weber", "Ana Ruiz", "3/1/18, 9:00 AM", "Angebot", "Hier ist das Angebot.", "INCOMING", "INBOX"],
        ["Ana Ruiz", "Jonas Weber", "3/1/18, 10:00 AM", "AW: Angebot", "Danke!", "OUTGOING", "SENT"],
        ["Jonas Weber", "Ana Ruiz", "3/2/18, 9:00 AM", "WG: AW: Angebot", "Weitergeleitet.", "INCOMING", "INBOX"],
        ["Ana Ruiz", "Jonas Weber", "3/3/18, 9:00 AM", "SV: Angebot", "Tack.", "OUTGOING", "SENT"],
    ]
    summary = import_linkedin(export().add("messages.csv", csv_text(HEADER_2018, rows)).folder())
    assert summary.conversations == 1 and summary.messages == 4
    assert "messages.csv (2018 layout, 4 rows)" in summary.describe()
    assert "the sender of the rows marked outgoing (DIRECTION)" in summary.describe()


# --- 11. InMail on the day of connecting, repeats inside the export, namesakes ------------------------

def test_an_inmail_from_someone_who_connected_that_same_day_is_still_an_inmail(store, export):
    connections = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
                   f"Cy,Park,{CY},,Orbit,Recruiter,05 Jun 2024\r\n")
    rows = [["i1", "Role at Orbit", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-05 16:00:00 UTC", "Role at Orbit",
             "Would you consider Orbit?", "INBOX", "No", "No"]]
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("Connections.csv", connections)
                    .add("messages.csv", csv_text(HEADER_2024, rows)).folder())
    assert seen()["i1"]["kind"] == "inmail" and InMail.select().count() == 1


def test_a_row_repeated_in_the_export_is_a_repeat_of_the_file_not_already_in_the_store(store, export):
    row = ["r1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-01 09:00:00 UTC", "", "Once", "INBOX", "No", "No"]
    first = export("first").add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, [row]))
    import_linkedin(first.folder())
    newer = row[:6] + ["2024-06-02 09:00:00 UTC", "", "Twice", "INBOX", "No", "No"]
    again = export("again").add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, [newer, newer, row]))
    summary = import_linkedin(again.folder())
    assert summary.messages == 1 and summary.already_imported == 1
    assert summary.skipped == {"rows repeated in the export": 1}


def test_connections_without_urls_are_told_apart_by_company(store, export):
    connections = ("First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
                   "Ana,García,,Verde,Architect,01 Jan 2019\r\n"
                   "Ana,García,,Orbit,Analyst,02 Feb 2019\r\n"
                   "Cy,Park,,Orbit,Analyst,03 Mar 2019\r\n")
    rows = [["Cy Park", "Ana Ruiz", "3/1/19, 9:00 AM", "Hi", "Hello", "INCOMING", "INBOX"]]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("Connections.csv", connections)
                              .add("messages.csv", csv_text(HEADER_2018, rows)).folder())
    assert summary.connections == 3
    assert sorted(m.company for m in Member.select().where(Member.name == "Ana García")) == ["Orbit", "Verde"]


# --- 9. other message files ----------------------------------------------------------------------

def test_coach_and_learning_messages_are_named_as_not_imported_with_why(store, export):
    rows = [["c1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-01 09:00:00 UTC", "", "Hi", "INBOX", "No", "No"]]
    path = (export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows))
            .add("coach_messages.csv", "CONVERSATION ID,DATE,MESSAGE\r\nx,2024-01-01,How do I negotiate?\r\n")
            .add("learning_coach_messages.csv", "DATE,MESSAGE\r\n2024-01-01,Explain SQL joins\r\n").folder())
    text = import_linkedin(path).describe()
    assert "coach_messages.csv: not imported, it holds chats with LinkedIn's career coach" in text
    assert "learning_coach_messages.csv: not imported, it holds LinkedIn Learning's coach chats" in text
    assert Message.select().count() == 1


# --- the owner, the summary, --dry-run -------------------------------------------------------------

def test_owner_option_overrides_profile_and_the_summary_says_so(store, export):
    rows = [["c1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-01 09:00:00 UTC", "", "Hi Ana", "INBOX", "No", "No"],
            ["a1", "Sponsored Conversation", "LinkedIn Member", "", "Cy Park", CY, "2024-06-02 09:00:00 UTC", "",
             "<p>Hello %FIRSTNAME%!</p>", "INBOX", "No", "No"]]
    path = export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows)).folder()
    summary = import_linkedin(path, owner="Cy Park")
    me = Member.get(Member.handle == "me")
    assert (me.name, me.headline) == ("Cy Park", "")  # nothing of Ana's profile
    assert 'The export\'s owner (you, "me"): Cy Park, as --owner names.' in summary.describe()
    assert seen()["c1"]["others"] == ["Ana Ruiz"]
    assert seen()["a1"]["messages"][0][2] == "Hello Cy!"


def test_the_summary_says_the_profile_chose_the_owner(store, export):
    rows = [["c1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-01 09:00:00 UTC", "", "Hi Ana", "INBOX", "No", "No"]]
    summary = import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows))
                              .folder())
    assert 'The export\'s owner (you, "me"): Ana Ruiz, from Profile.csv.' in summary.describe()


def test_dry_run_prints_the_summary_and_writes_no_store(tmp_path, export, capsys):
    path = export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, sponsored_rows())).folder()
    store_file = tmp_path / "new.db"
    assert main(["--db", str(store_file), "import", "linkedin", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would add 5 conversations, 7 messages" in out and "Dry run: nothing was written." in out
    assert not store_file.exists() and not list(tmp_path.glob("new.db*"))


def test_dry_run_leaves_an_existing_store_as_it_was(tmp_path, export, capsys):
    store_file = tmp_path / "kept.db"
    path = export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, sponsored_rows())).folder()
    assert main(["--db", str(store_file), "member", "add", "me", "--name", "Ana Ruiz"]) == 0
    before = store_file.read_bytes()
    assert main(["--db", str(store_file), "import", "linkedin", str(path), "--dry-run", "--owner", "Ana Ruiz"]) == 0
    assert "Would add 5 conversations" in capsys.readouterr().out
    assert store_file.read_bytes() == before


# --- round trip -----------------------------------------------------------------------------------

def test_export_then_import_into_an_empty_store_gives_the_same_conversations(tmp_path, export):
    rows = sponsored_rows() + [
        ["g1", "Bridge retrofit", "Ana Ruiz", ANA, f"{BEN_NAME},{ZOE_NAME}", f"{BEN},{ZOE}",
         "2024-03-01 09:00:00 UTC", "", "Drawings attached.", "ARCHIVE", "No", "No"],
        ["e1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-02-01 10:01:00 UTC", "", "", "SPAM", "No", "No"],
    ]
    open_store(str(tmp_path / "first.db"))
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows)).folder())
    before = seen()
    out = io.StringIO()
    export_csv(Member.get(Member.handle == "me").id, "csv", out)

    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "messages.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    open_store(str(tmp_path / "second.db"))
    import_linkedin(folder, owner="Ana Ruiz")

    assert seen() == before
    assert Conversation.select().count() == len(before) == 7


def test_the_summary_lists_each_file_with_what_it_added_and_skipped_by_line(store, export):
    rows = sponsored_rows() + [
        ["p1", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "2024-05-06 09:00:00 UTC", "", "Coffee at 5% off? Fine.",
         "INBOX", "No", "No"],
        ["p2", "", "Dee Lin", DEE, "Ana Ruiz", ANA, "last Tuesday", "", "When?", "INBOX", "No", "No"],
        ["p3", "", "Ana Ruiz", ANA, "Dee Lin", DEE, "2024-05-07 09:00:00 UTC", "", "Draft", "", "Yes", "No"],
    ]
    connections = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
                   f"Dee,Lin,{DEE},,Verde,Architect,01 Jan 2020\r\n"
                   ",,,,,,01 Jan 2020\r\n")
    path = (export().add("Profile.csv", PROFILE_ANA).add("Connections.csv", connections)
            .add("messages.csv", csv_text(HEADER_2024, rows)).folder())
    lines = import_linkedin(path).describe().splitlines()
    assert lines[:6] == [
        "Read export:",
        "  Profile.csv (1 row).",
        "  Connections.csv (2 rows): 1 connection added; skipped 1 row: connections without a name or profile URL "
        "(1); first at line 3.",
        "  messages.csv (2024 layout, 10 rows): 7 messages and 1 draft added in 6 conversations; skipped 2 rows: "
        "messages whose DATE is not a date (1) and rows repeated in the export (1); first at line 9, line 10.",
        "The export's owner (you, \"me\"): Ana Ruiz, from Profile.csv.",
        "Added 5 conversations, 7 messages, 1 draft, 6 members and 1 connection.",
    ]


def test_ads_from_linkedin_member_that_name_no_sponsor_each_get_a_sender_of_their_own(store, export):
    def ad(cid: str, day: str, text: str) -> list[str]:
        return [cid, "Sponsored Conversation", "LinkedIn Member", "", "Ana Ruiz", ANA, f"2024-07-{day} 09:00:00 UTC",
                "", text, "INBOX", "No", "No"]

    rows = [ad("a1", "01", "<p>%FIRSTNAME%, a webinar on Tuesday?</p>"), ad("a2", "02", "<p>Grow your team &amp; more</p>"),
            ad("a3", "03", "<p>Spring sale on <a href='https://www.kafe-roasters.example/sale'>coffee</a></p>")]
    import_linkedin(export().add("Profile.csv", PROFILE_ANA).add("messages.csv", csv_text(HEADER_2024, rows)).folder())

    found = seen()
    assert [found[c]["messages"][0][0] for c in ("a1", "a2", "a3")] == ["Sponsor 1", "Sponsor 2", "Kafe Roasters"]
    assert found["a1"]["messages"][0][2] == "Ana, a webinar on Tuesday?"
    assert sorted(m.name for m in Member.select().where(Member.kind == "company")) == \
        ["Kafe Roasters", "Sponsor 1", "Sponsor 2"]


def test_an_owner_option_naming_no_one_in_the_export_is_refused_and_nothing_written(store, export):
    rows = [["c1", "", "Cy Park", CY, "Ana Ruiz", ANA, "2024-06-01 09:00:00 UTC", "", "Hi Ana", "INBOX", "No", "No"]]
    with pytest.raises(BadInput, match="--owner: no one called 'Zoë Grant' takes part in this export's conversations."):
        import_linkedin(export().add("messages.csv", csv_text(HEADER_2024, rows)).folder(), owner="Zoë Grant")
    assert Member.select().count() == 0
