"""Saved replies: placeholders filled for each recipient, unknown ones refused by name, and a
filled template sent like any message, under its route's limits."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core import members, templates
from app.core.errors import BadInput, NotFound, Refused
from app.core.inbox import messages
from app.store.models import Message, Template

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def people(store):
    """Maya recruits (Premium); Ben and Κλειώ are her connections, Ana is not."""
    maya = members.add_member("maya", "Maya Chen", plan="premium-business", now=T0).id
    members.add_member("ben", "Ben Okafor, MBA", company="Globex", position="CFO", now=T0)
    members.add_member("kleio", "Κλειώ Παπαδάκη", company="Ωμέγα", position="Μηχανικός", now=T0)
    members.add_member("ana", "Ana", company="Northwind", now=T0)
    members.connect("maya", "ben")
    members.connect("maya", "kleio")
    return maya


def test_a_template_is_filled_for_each_recipient(people):
    maya = people
    templates.add(maya, "intro", "Hi {first_name} {last_name} of {company} ({position}), {my_first_name} here.",
                  subject="For {name}")
    sent = templates.send_filled(maya, ["ben", "kleio"], "intro", now=T0)
    bodies = {recipient.handle: messages(maya, result.conversation)[-1].body for recipient, result in sent}
    assert bodies == {
        "ben": "Hi Ben Okafor of Globex (CFO), Maya here.",
        "kleio": "Hi Κλειώ Παπαδάκη of Ωμέγα (Μηχανικός), Maya here.",
    }
    assert len({result.conversation for _, result in sent}) == 2  # each on their own, not a group


def test_unknown_placeholder_is_refused(people):
    maya = people
    with pytest.raises(BadInput, match=r"can't fill the placeholder \{firstname\}"):
        templates.add(maya, "typo", "Hi {firstname}")
    with pytest.raises(BadInput, match=r"can't fill the placeholder \{name\.__class__\}"):
        templates.add(maya, "sly", "{name.__class__}")
    with pytest.raises(BadInput, match="lone"):
        templates.add(maya, "brace", "Use { wisely")
    assert Template.select().count() == 0


def test_doubled_braces_are_kept_as_braces(people):
    maya = people
    templates.add(maya, "json", 'Send {{"id": 1}} to {first_name}')
    (_, result), = templates.send_filled(maya, ["ben"], "json", now=T0)
    assert messages(maya, result.conversation)[-1].body == 'Send {"id": 1} to Ben'


def test_a_one_word_name_has_no_last_name(people):
    maya = people
    templates.add(maya, "short", "Dear {first_name}{last_name}", subject="Your work at {company}")
    (_, result), = templates.send_filled(maya, ["ana"], "short", now=T0)
    assert result.route == "inmail"
    assert messages(maya, result.conversation)[-1].body == "Dear Ana"


def test_a_filled_template_obeys_the_routes_limits(people):
    maya = people
    templates.add(maya, "long", "x" * 2_001, subject="Hello {first_name}")
    with pytest.raises(BadInput, match="2,000"):
        templates.send_filled(maya, ["ana"], "long", now=T0)  # InMail: at most 2,000 characters
    templates.send_filled(maya, ["ben"], "long", now=T0)  # a message to a connection may be longer


def test_one_refused_recipient_sends_the_template_to_nobody(people):
    maya = people
    members.block(members.member_by_handle("kleio").id, "maya")
    templates.add(maya, "intro", "Hi {first_name}")
    with pytest.raises(Refused):
        templates.send_filled(maya, ["ben", "kleio"], "intro", now=T0)
    assert Message.select().count() == 0


def test_saving_a_template_under_its_name_again_replaces_it(people):
    maya = people
    templates.add(maya, "intro", "First")
    templates.add(maya, "intro", "Second", subject="S")
    assert [(t.name, t.subject, t.body) for t in templates.list_templates(maya)] == [("intro", "S", "Second")]
    templates.remove(maya, "intro")
    with pytest.raises(NotFound, match="There is no template 'intro'."):
        templates.remove(maya, "intro")


def test_templates_are_each_members_own(people):
    maya = people
    ben = members.member_by_handle("ben").id
    templates.add(maya, "intro", "Hi")
    assert templates.list_templates(ben) == []
    with pytest.raises(NotFound):
        templates.send_filled(ben, ["maya"], "intro", now=T0)
