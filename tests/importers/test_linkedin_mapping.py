"""What each part of an export becomes in the store (SPEC §10, issue 5 "Mapping")."""

from __future__ import annotations

from datetime import datetime

import pytest
from linkedin_samples import ANA, CONNECTIONS_OLD_CSV, HEADER_2024, PROFILE_CSV, ROBIN, csv_text

from app.core import inbox
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.models import (
    BOX_ARCHIVED,
    BOX_SPAM,
    Connection,
    Conversation,
    ConversationState,
    Draft,
    InMail,
    LedgerEntry,
    Member,
    Message,
)

IMPORTED_AT = datetime(2024, 4, 1, 12, 0)


@pytest.fixture
def robin(store, robin_export):
    """Robin's 2024 export imported; Robin's member id."""
    import_linkedin(robin_export.zip(), now=IMPORTED_AT)
    return Member.get(Member.handle == "me").id


def conversation(conversation_id: str) -> Conversation:
    return Conversation.get(Conversation.external_id == "li:" + conversation_id)


def state(conversation_id: str, member_id: int) -> ConversationState:
    return ConversationState.get(
        (ConversationState.conversation == conversation(conversation_id)) & (ConversationState.member == member_id)
    )


def test_the_profile_owner_becomes_me(robin):
    me = Member.get_by_id(robin)
    assert (me.name, me.headline, me.location) == ("Robin Vale", "Product lead, payments", "Lisbon, Portugal")


def test_an_existing_me_is_updated_not_duplicated(store, robin_export):
    from app.core.members import add_member

    add_member("me", "R. Vale", plan="premium-career")
    import_linkedin(robin_export.folder())
    me = Member.get(Member.handle == "me")
    assert (me.name, me.plan) == ("Robin Vale", "premium-career")
    assert Member.select().where(Member.name.startswith("Robin")).count() == 1


def test_members_get_stable_handles_from_their_profile_urls(robin):
    handles = {m.handle: m for m in Member.select()}
    assert {"ana-silva-01", "ben-okafor", "chidi-nwosu", "eli-fischer-7b", "dana-kowalczyk"} <= set(handles)
    assert handles["ben-okafor"].company == "Acme, Inc."
    assert handles["northwind-cloud"].kind == "company"


def test_connections_with_their_dates_after_the_notes_preamble(robin):
    dates = {
        c.other.handle: c.connected_at
        for c in Connection.select().where(Connection.member == robin)
    }
    assert dates == {
        "ana-silva-01": datetime(2024, 12, 16),
        "ben-okafor": datetime(2023, 1, 3),
        "chidi-nwosu": datetime(2022, 2, 1),
    }
    assert Connection.select().count() == 6  # both directions


def test_old_connections_file_without_urls(store, export):
    messages = csv_text(HEADER_2024, [["2-a", "", "Ana Silva", ANA, "Robin Vale", ROBIN, "2019-12-20 10:00:00 UTC", "",
                                       "Hello", "INBOX", "No", "No"]])
    summary = import_linkedin(export().add("Profile.csv", PROFILE_CSV).add("Connections.csv", CONNECTIONS_OLD_CSV)
                              .add("messages.csv", messages).folder())
    assert summary.connections == 1
    assert Member.get(Member.name == "Ana Silva").company == "Fjord Labs"


def test_a_connection_without_a_name_is_skipped_and_reported(store, robin_export):
    summary = import_linkedin(robin_export.folder())
    assert summary.skipped == {"connections without a name or profile URL": 1}
    assert "Skipped 1 row: connections without a name or profile URL (1)." in summary.describe()


def test_inmail_from_a_non_connection_is_marked_with_no_credit_effect(robin):
    inmail_conversation = conversation("2-aW5t")
    assert inmail_conversation.kind == "inmail"
    assert inmail_conversation.subject == "Senior role at Fjord"
    inmail = InMail.get(InMail.conversation == inmail_conversation)
    assert (inmail.status, inmail.billed, inmail.responded_at) == ("replied", False, datetime(2024, 2, 2, 8, 30))
    assert inmail.sender.handle == "eli-fischer-7b" and inmail.recipient_id == robin
    assert Message.get_by_id(inmail.message_id).kind == "inmail"
    assert state("2-aW5t", robin).inmail
    assert LedgerEntry.select().count() == 0


def test_an_unanswered_inmail_is_pending_or_expired_by_age(store, export):
    def unanswered(conversation_id: str) -> list[str]:
        return [conversation_id, "Quick question", "Eli Fischer", "https://www.linkedin.com/in/eli", "Robin Vale",
                ROBIN, "2024-03-01 10:00:00 UTC", "Quick question", "Are you hiring?", "INBOX", "No", "No"]

    recent = export("recent").add("messages.csv", csv_text(HEADER_2024, [unanswered("2-q1")])).folder()
    import_linkedin(recent, now=datetime(2024, 3, 10))
    old = export("old").add("messages.csv", csv_text(HEADER_2024, [unanswered("2-q2")])).folder()
    import_linkedin(old, now=datetime(2024, 7, 1))

    assert InMail.get(InMail.conversation == conversation("2-q1")).status == "pending"
    assert InMail.get(InMail.conversation == conversation("2-q2")).status == "expired"


def test_same_title_and_subject_from_a_connection_is_not_inmail(store, export):
    connections = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        "Eli,Fischer,https://www.linkedin.com/in/eli,,,,01 Jan 2020\r\n"
    )
    rows = [["2-q", "Catch up", "Eli Fischer", "https://www.linkedin.com/in/eli", "Robin Vale", ROBIN,
             "2024-03-01 10:00:00 UTC", "Catch up", "Coffee?", "INBOX", "No", "No"]]
    path = (export().add("Profile.csv", PROFILE_CSV).add("Connections.csv", connections)
            .add("messages.csv", csv_text(HEADER_2024, rows)).folder())
    import_linkedin(path)
    assert Conversation.get().kind == "direct" and InMail.select().count() == 0
    assert ConversationState.get(ConversationState.member == Member.get(Member.handle == "me")).connected


def test_sponsored_html_becomes_plain_text_in_other(robin):
    sponsored = conversation("2-c3Bv")
    assert (sponsored.kind, sponsored.title) == ("sponsored", "Northwind Cloud")
    message = Message.get(Message.conversation == sponsored)
    assert message.kind == "sponsored"
    assert message.body == "Hi Robin,\nTry Northwind & save 20% this month."
    mine = state("2-c3Bv", robin)
    assert mine.folder == "other" and mine.peer.handle == "northwind-cloud"
    # The company has no view of its own, as when it sends from Parley.
    assert ConversationState.select().where(ConversationState.conversation == sponsored).count() == 1


def test_linkedin_member_is_one_anonymous_member_per_conversation(store, robin_export, export):
    import_linkedin(robin_export.folder())
    hidden = conversation("2-aGlk")
    members = [s.member for s in ConversationState.select().where(ConversationState.conversation == hidden)]
    anonymous = [m for m in members if m.kind == "anonymous"]
    assert len(anonymous) == 1 and anonymous[0].name == "LinkedIn Member"
    assert [m.sender_id for m in Message.select().where(Message.conversation == hidden).order_by(Message.sent_at)] \
        == [anonymous[0].id, Member.get(Member.handle == "me").id]
    assert state("2-aGlk", Member.get(Member.handle == "me").id).box == BOX_ARCHIVED

    other = [["2-zz", "", "LinkedIn Member", "", "Robin Vale", ROBIN, "2024-01-01 10:00:00 UTC", "", "Hello",
              "INBOX", "No", "No"]]
    import_linkedin(export("b").add("messages.csv", csv_text(HEADER_2024, other)).folder())
    assert Member.select().where(Member.kind == "anonymous").count() == 2


def test_drafts_become_drafts_not_messages(robin):
    drafts = {d.body: d for d in Draft.select()}
    assert set(drafts) == {"Running ten minutes late", "Chidi, about the cargo bike..."}
    assert drafts["Running ten minutes late"].conversation_id == conversation("2-YW5h").id
    assert drafts["Running ten minutes late"].to_handles == "ana-silva-01"
    standalone = drafts["Chidi, about the cargo bike..."]
    assert (standalone.conversation_id, standalone.to_handles, standalone.subject) == (None, "chidi-nwosu", "Bikes")
    assert all(d.member_id == robin for d in drafts.values())
    assert not Message.select().where(Message.body == "Running ten minutes late").exists()
    assert not Conversation.select().where(Conversation.external_id == "li:2-ZHJm").exists()


def test_links_are_flagged_as_when_sent_from_parley(robin):
    flagged = {m.body for m in Message.select().where(Message.has_links == True)}  # noqa: E712
    assert flagged == {"Crypto returns guaranteed: https://example.com/x"}


def test_system_rows_are_system_lines_without_a_sender(robin):
    system = {m.body: m for m in Message.select().where(Message.kind == "system")}
    assert set(system) == {"Chidi Nwosu left the conversation.", "Message request accepted"}
    assert all(m.sender_id is None for m in system.values())


def test_multi_recipient_conversations_are_groups_with_everyone(robin):
    group = conversation("2-Z3Jw")
    assert (group.kind, group.title) == ("group", "Offsite planning")
    handles = sorted(s.member.handle for s in ConversationState.select().where(ConversationState.conversation == group))
    assert handles == ["ana-silva-01", "ben-okafor", "chidi-nwosu", "me"]
    assert state("2-Z3Jw", robin).peer_id is None
    chidi = Member.get(Member.handle == "chidi-nwosu").id
    ana = Member.get(Member.handle == "ana-silva-01").id
    assert state("2-Z3Jw", chidi).left and not state("2-Z3Jw", ana).left


def test_folders_become_the_conversation_state(robin):
    assert state("2-Z3Jw", robin).archived and state("2-Z3Jw", robin).box == BOX_ARCHIVED
    assert state("2-c3Bt", robin).spam and state("2-c3Bt", robin).box == BOX_SPAM
    assert not state("2-YW5h", robin).archived
    # The other side keeps its own view in its inbox.
    ana = Member.get(Member.handle == "ana-silva-01").id
    assert state("2-Z3Jw", ana).box == 0


def test_imported_messages_count_as_read_and_keep_the_thread_current(robin):
    lunch = conversation("2-YW5h")
    assert (lunch.last_at, lunch.message_count) == (datetime(2024, 3, 5, 15, 1, 40), 2)
    assert lunch.preview == 'Sure, "the usual" place? See you at noon.'
    mine = state("2-YW5h", robin)
    assert (mine.unread, mine.has_unread, mine.last_at) == (0, False, lunch.last_at)
    assert mine.connected and mine.peer.handle == "ana-silva-01"
    assert mine.read_upto == max(m.id for m in Message.select().where(Message.conversation == lunch))


def test_invitations_record_their_members(store, robin_export):
    invitations = (
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\r\n"
        'Farah Haddad,Robin Vale,"3/1/24, 10:00 AM","Hi Robin, let\'s connect",INCOMING,'
        "https://www.linkedin.com/in/farah-haddad,https://www.linkedin.com/in/robin-vale\r\n"
        'Robin Vale,Goran Petrov,"3/2/24, 11:00 AM",,OUTGOING,'
        "https://www.linkedin.com/in/robin-vale,https://www.linkedin.com/in/goran-petrov\r\n"
    )
    summary = import_linkedin(robin_export.add("Invitations.csv", invitations).folder())
    assert summary.invitations == 2
    assert {"farah-haddad", "goran-petrov"} <= {m.handle for m in Member.select()}
    assert not Connection.select().join(Member, on=Connection.other == Member.id).where(
        Member.handle == "farah-haddad").exists()


def test_invitations_still_waiting_come_in_with_their_notes_and_dates(store, robin_export):
    from app.core import invitations as invites

    rows = (
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\r\n"
        'Farah Haddad,Robin Vale,"3/1/24, 10:00 AM","Γεια σου Robin, let\'s connect 🙂",INCOMING,'
        "https://www.linkedin.com/in/farah-haddad,https://www.linkedin.com/in/robin-vale\r\n"
        'Robin Vale,"Goran Petrov, PhD","3/2/24, 11:00 AM",,OUTGOING,'
        "https://www.linkedin.com/in/robin-vale,https://www.linkedin.com/in/goran-petrov\r\n"
        'Yuki Sato,Robin Vale,not a date,Hi,INCOMING,'
        "https://www.linkedin.com/in/yuki-sato,https://www.linkedin.com/in/robin-vale\r\n"
    )
    folder = robin_export.add("Invitations.csv", rows).folder()
    summary = import_linkedin(folder)
    robin = Member.get(Member.name == "Robin Vale").id
    received = invites.pending(robin)
    assert [(i.name, i.note, i.sent_at) for i in received] == [
        ("Farah Haddad", "Γεια σου Robin, let's connect 🙂", datetime(2024, 3, 1, 10, 0))]
    assert [(i.name, i.note) for i in invites.pending(robin, sent=True)] == [("Goran Petrov, PhD", "")]
    assert "invitations whose Sent At is not a date" in summary.describe()
    again = import_linkedin(folder)
    assert len(invites.pending(robin)) == 1
    assert "Invitations.csv (3 rows): 0 invitations added; 2 already in the store" in again.describe()


def test_search_and_every_filter_work_on_the_archive(robin):
    counts = inbox.counts(robin)
    assert counts["all"] == 3  # lunch, InMail, sponsored: the rest is archived or spam
    assert counts["archived"] == 2 and counts["spam"] == 1
    assert counts["inmail"] == 1 and counts["connections"] == 1
    assert counts["unread"] == 0
    assert [row.kind for row in inbox.page(robin, "inmail")] == ["inmail"]
    found = inbox.page(robin, "all", query="Porto")
    assert [row.title for row in found] == ["Offsite planning"]
    assert [row.kind for row in inbox.page(robin, "all", query="from:Eli")] == ["inmail"]
    thread = inbox.thread(robin, conversation("2-aW5t").id)
    assert thread.subject == "Senior role at Fjord" and thread.inmail_status == "replied"
