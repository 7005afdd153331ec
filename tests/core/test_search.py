"""Search (SPEC §5): what it looks through, every operator, and malformed queries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import inbox, members, messaging, moderation
from app.core import search as search_language
from app.core.errors import BadInput

T0 = datetime(2026, 3, 2, 9, 0)


def day(n: int, minutes: int = 0) -> datetime:
    return T0 + timedelta(days=n, minutes=minutes)


@pytest.fixture
def world(store):
    """Maya's inbox: connections, an InMail, an archived, a spam and a deleted conversation."""
    add = members.add_member
    me = add("me", "Maya Chen", company="Northwind", plan="premium-business", now=T0).id
    jane = add("jane", "Jane Smith", company="Acme", headline="Recruiter at Acme", now=T0).id
    omar = add("omar", "Omar Haddad", company="Globex", headline="Design director", now=T0).id
    rita = add("rita", "Rita Okafor", company="Initech", plan="sales-navigator", now=T0).id
    ken = add("ken", "Ken Ito", company="Hooli", now=T0).id
    olga = add("olga", "Olga Berg", company="Umbrella", now=T0).id
    spammer = add("spam-bot", "Cheap Followers", plan="premium-career", now=T0).id
    for handle in ("jane", "omar", "ken", "olga"):
        members.connect("me", handle, now=T0)

    def send(sender, to, body, when, **kw):
        return messaging.send(sender, [to], body, now=when, **kw).conversation

    c = {}  # sent in time order, as a live store receives them
    c["jane"] = send(jane, "me", "Coffee next week? The quarterly roadmap is ready.", day(0))
    send(me, "jane", "Yes, Thursday works.", day(0, 5))
    c["ken"] = send(ken, "me", "Archived roadmap notes from last year.", day(1))
    c["omar"] = send(omar, "me", "Here are the slides for the roadmap review.", day(2),
                     attachments=[("slides.pdf", b"%PDF-1.4", "application/pdf")])
    c["olga"] = send(olga, "me", "A roadmap I no longer need.", day(3))
    c["rita"] = send(rita, "me", "We are hiring a staff engineer in Lisbon.", day(4), subject="Staff engineer role")
    c["spam"] = send(spammer, "me", "The roadmap to riches, click now", day(5), subject="Riches")
    moderation.apply(me, "archive", [c["ken"]])
    moderation.apply(me, "spam", [c["spam"]])
    moderation.apply(me, "delete", [c["olga"]])
    inbox.mark_read(me, c["omar"])
    moderation.apply(me, "star", [c["omar"]])
    moderation.apply(me, "mute", [c["jane"]])
    return {"me": me, "c": c, "ids": {"jane": jane, "omar": omar, "rita": rita}}


def found(world, query: str, filter_name: str = "all") -> set[str]:
    names = {cid: name for name, cid in world["c"].items()}
    return {names[row.id] for row in inbox.page(world["me"], filter_name, query=query, limit=100)}


# --- what search looks through ------------------------------------------------------


def test_search_looks_through_bodies_and_includes_archived(world):
    assert found(world, "roadmap") == {"jane", "omar", "ken"}


def test_search_leaves_out_spam_unless_asked_and_never_shows_deleted(world):
    assert "spam" not in found(world, "riches")
    assert found(world, "roadmap in:spam") == {"spam"}
    assert "olga" not in found(world, "roadmap")


def test_words_match_as_prefixes(world):
    assert found(world, "road") == {"jane", "omar", "ken"}
    assert found(world, "quart road") == {"jane"}


def test_search_looks_through_names_companies_headlines_and_subjects(world):
    assert found(world, "jane") == {"jane"}
    assert found(world, "acme") == {"jane"}
    assert found(world, "recruiter") == {"jane"}
    assert found(world, "design director") == {"omar"}
    assert found(world, "staff role") == {"rita"}


def test_my_own_name_and_company_find_only_what_is_written(world):
    # Maya is in every conversation; her own name or company would otherwise match them all.
    assert found(world, "northwind") == set()
    assert found(world, "roadmap -northwind") == {"jane", "omar", "ken"}
    assert found(world, "maya") == set()
    messaging.send(world["ids"]["jane"], ["me"], "Saw the Northwind launch, congratulations!", now=day(6))
    assert found(world, "northwind") == {"jane"}


def test_accents_and_case_do_not_matter(world):
    assert found(world, "ROADMAP") == found(world, "roadmâp") == {"jane", "omar", "ken"}


def test_quoted_phrases_match_words_together_in_order(world):
    assert found(world, '"staff engineer"') == {"rita"}
    assert found(world, '"engineer staff"') == set()
    assert found(world, '"roadmap review"') == {"omar"}


def test_minus_excludes_a_word(world):
    assert found(world, "roadmap -slides") == {"jane", "ken"}
    assert found(world, 'roadmap -"last year"') == {"jane", "omar"}


# --- operators ------------------------------------------------------------------------


def test_from_names_the_sender(world):
    assert found(world, "from:jane") == {"jane"}
    assert found(world, "from:jane roadmap") == {"jane"}
    assert found(world, "from:omar coffee") == set()
    assert found(world, 'from:"rita okafor"') == {"rita"}
    assert found(world, "from:maya") == {"jane"}  # my own reply in Jane's conversation


def test_company_names_the_other_side_company(world):
    assert found(world, "company:globex") == {"omar"}
    assert found(world, "company:acme roadmap") == {"jane"}
    assert found(world, "company:northwind") == set()


def test_is_operators_narrow_to_a_state(world):
    assert found(world, "roadmap is:unread") == {"jane", "ken"}
    assert found(world, "roadmap is:starred") == {"omar"}
    assert found(world, "roadmap is:muted") == {"jane"}
    assert found(world, "is:inmail") == {"rita"}
    assert found(world, "is:starred") == {"omar"}
    assert found(world, "is:unread") == {"jane", "rita", "ken"}


def test_in_archived_and_has_attachment(world):
    assert found(world, "in:archived") == {"ken"}
    assert found(world, "in:archived roadmap") == {"ken"}
    assert found(world, "has:attachment") == {"omar"}
    assert found(world, "roadmap has:attachment") == {"omar"}
    assert found(world, "in:spam") == {"spam"}


def test_before_and_after_bound_the_date(world):
    # Jane wrote on 2 March, Ken on the 3rd, Omar on the 4th, Rita on the 6th.
    assert found(world, "roadmap before:2026-03-04") == {"jane", "ken"}
    assert found(world, "roadmap before:2026-03-03") == {"jane"}
    assert found(world, "roadmap after:2026-03-04") == {"omar"}
    assert found(world, "roadmap after:2026-03-03 before:2026-03-05") == {"omar", "ken"}
    assert found(world, "after:2026-03-06") == {"rita"}
    assert found(world, "before:2026-03-04") == {"jane", "ken"}


def test_exclusion_alone_with_a_filter_drops_whole_conversations(world):
    assert found(world, "is:unread -lisbon") == {"jane", "ken"}


def test_a_filter_narrows_the_search(world):
    assert found(world, "roadmap", "starred") == {"omar"}
    assert found(world, "roadmap", "archived") == {"ken"}
    assert found(world, "riches", "spam") == {"spam"}
    assert found(world, "roadmap", "inmail") == set()


def test_results_come_newest_match_first_and_page_on(world):
    me = world["me"]
    first = inbox.page(me, query="roadmap", limit=2)
    assert [row.id for row in first] == [world["c"]["omar"], world["c"]["ken"]]
    rest = inbox.page(me, query="roadmap", after=first[-1].cursor, limit=2)
    assert [row.id for row in rest] == [world["c"]["jane"]]
    assert inbox.page(me, query="roadmap", after=rest[-1].cursor, limit=2) == []
    assert [row.id for row in inbox.last_page(me, "all", query="roadmap", limit=2)] == [
        world["c"]["ken"], world["c"]["jane"]
    ]
    above = inbox.page_before(me, "all", query="roadmap", before=rest[0].cursor, limit=1)
    assert [row.id for row in above] == [world["c"]["ken"]]


def test_results_are_ordered_as_the_list_newest_last_message_first(world):
    me, c = world["me"], world["c"]
    # Jane writes again, about something else: her conversation is the newest one now.
    messaging.reply(world["ids"]["jane"], c["jane"], "Lunch instead?", now=day(6))
    rows = inbox.page(me, query="roadmap", limit=10)
    assert [row.id for row in rows] == [c["jane"], c["omar"], c["ken"]]
    assert inbox.search_count(me, "all", "roadmap") == 3
    assert inbox.conversation_ids(me, "all", query="roadmap") == [row.id for row in rows]
    # Each row shows the words it matched, not the newer preview.
    assert "quarterly roadmap" in rows[0].match and "Lunch" not in rows[0].match
    assert rows[0].preview.endswith("Lunch instead?")


def test_the_matching_words_are_cut_around_the_first_match():
    query = search_language.parse("συνάντηση")
    text = "Καλημέρα σας, ευχαριστώ για όλα όσα κάνατε, και για τη χθεσινή μας συνάντηση στη Θεσσαλονίκη."
    shown = search_language.snippet(("", text), query)
    assert shown.startswith("…") and "συνάντηση στη Θεσσαλονίκη." in shown
    assert search_language.snippet(("A subject", "no such word"), query) == ""


def test_a_filter_only_search_pages_by_keyset(world):
    me = world["me"]
    first = inbox.page(me, query="is:unread", limit=2)
    rest = inbox.page(me, query="is:unread", after=first[-1].cursor, limit=2)
    whole = [row.id for row in first + rest]
    assert whole == [world["c"][n] for n in ("rita", "ken", "jane")]
    assert [row.id for row in inbox.last_page(me, query="is:unread", limit=2)] == whole[-2:]


def test_both_search_plans_agree(world, monkeypatch):
    queries = ["roadmap", "road -slides", "from:jane", "is:unread roadmap", "company:globex",
               "roadmap before:2026-03-03", "staff in:archived", "riches in:spam"]
    by_member = {}
    monkeypatch.setattr(inbox, "MEMBER_DRIVEN_SEARCH_MESSAGES", 10**9)
    for query in queries:
        by_member[query] = [row.id for row in inbox.page(world["me"], query=query)]
    monkeypatch.setattr(inbox, "MEMBER_DRIVEN_SEARCH_MESSAGES", -1)
    for query in queries:
        assert [row.id for row in inbox.page(world["me"], query=query)] == by_member[query], query


def test_a_recalled_message_is_no_longer_found(world):
    me = world["me"]
    sent = messaging.send(world["ids"]["jane"], ["me"], "Confidential salary figures", now=day(6))
    assert found(world, "salary") == {"jane"}
    messaging.recall(world["ids"]["jane"], sent.message, now=day(6, 10))
    assert found(world, "salary") == set()
    assert me


# --- malformed queries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ("foo:bar", 'Unknown search operator "foo:"; try from:, company:, is:, in:, has:, before: or after:.'),
        ("before:2024-13-01", "Dates look like before:2024-03-05."),
        ("after:yesterday", "Dates look like after:2024-03-05."),
        ("before:2024-3-5", "Dates look like before:2024-03-05."),
        ('"unclosed phrase', "A quote is not closed."),
        ('from:"Jane', "A quote is not closed."),
        ("is:important", "is: takes unread, inmail, starred or muted."),
        ("in:sent", "in: takes archived or spam."),
        ("has:link", "has: takes attachment."),
        ("from:", "Say who after from:, like from:jane."),
        ("in:archived in:spam", "Search in:archived or in:spam, not both."),
        ("after:2024-03-05 before:2024-03-01", "after: must be an earlier date than before:."),
    ],
)
def test_a_malformed_query_is_one_sentence(query, sentence):
    with pytest.raises(BadInput) as caught:
        search_language.parse(query)
    assert str(caught.value) == sentence


def test_the_parser_reads_every_operator():
    parsed = search_language.parse(
        'Roadmap "staff engineer" -slides from:jane company:"Acme Corp" is:unread is:inmail '
        "is:starred is:muted in:archived has:attachment before:2026-04-01 after:2026-03-01"
    )
    assert [(t.words, t.prefix) for t in parsed.phrases] == [(("roadmap",), True), (("staff", "engineer"), False)]
    assert [t.words for t in parsed.excluded] == [("slides",)]
    assert parsed.senders == (("jane",),) and parsed.companies == (("acme", "corp"),)
    assert parsed.unread and parsed.inmail and parsed.starred and parsed.muted
    assert parsed.archived and parsed.attachment and not parsed.spam
    assert (parsed.after, parsed.before) == (datetime(2026, 3, 1), datetime(2026, 4, 1))


def test_links_and_times_are_words_not_operators():
    assert search_language.parse("https://example.com").phrases
    assert search_language.parse("10:30").phrases


def test_a_query_at_its_limits_still_answers(world):
    many = " ".join(f"-word{n}" for n in range(19))
    assert found(world, f"roadmap {many}") == {"jane", "omar", "ken"}
    assert found(world, "roadmap " * 20) == {"jane", "omar", "ken"}


def test_punctuation_alone_searches_nothing_and_does_not_fail(world):
    assert found(world, "!!! ??? -- *") == set()


fragments = st.sampled_from(
    ['"', "-", ":", "from:", "is:", "in:", "has:", "before:", "after:", "company:", "*", "(", ")",
     "AND", "OR", "NOT", "NEAR", "^", "roadmap", "2024-03-05", " ", "\x00", "é", "'"]
)
queries = st.one_of(st.text(), st.lists(st.one_of(fragments, st.text(max_size=4))).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_any_text_gives_results_or_one_sentence(world, query):
    try:
        rows = inbox.page(world["me"], query=query)
    except BadInput as error:
        message = str(error)
        assert message.endswith(".") and "\n" not in message
    else:
        assert isinstance(rows, list)


def test_a_broad_search_kept_for_paging_leaves_the_garbage_collector_nothing_to_walk(store):
    """A common word's results are kept while the store stays as it is (paging, counting,
    jumping to the end read them once); each full collection would walk them all if they
    were objects it follows, a pause that grows with the store."""
    import gc
    import weakref

    me = members.add_member("me", "Maya Chen", plan="sales-navigator", now=T0).id
    for n in range(120):
        other = members.add_member(f"client-{n}", f"Κλέων Πελάτης {n}", now=T0).id
        members.connect("me", f"client-{n}", now=T0)
        body = "Quarterly αναφορά and invoice attached" if n == 0 else f"Invoice {n}: «готово» 🧾"
        messaging.send(other, ["me"], body, subject="Invoice", now=day(1, n))

    def followed() -> int:
        # Dead weak references are the SQLite driver's notes of its cursors, cleared as it goes.
        gc.collect()
        return sum(1 for thing in gc.get_objects() if not isinstance(thing, weakref.ref))

    def followed_after(query: str, found: int) -> int:
        before = followed()
        assert inbox.search_count(me, query=query) == found  # found, and kept for the pages to come
        return followed() - before

    followed_after("Maya", 0)  # the search's own first use
    one = followed_after("αναφορά", 1)
    all_of_them = followed_after("invoice", 120)
    assert all_of_them - one < 30
