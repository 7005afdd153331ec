"""The route of SPEC §2: first match wins, each refusal with its own sentence."""

from __future__ import annotations

import pytest

from app.core import credits, inbox, members, messaging, routing
from app.core.errors import Refused
from app.core.members import add_member, block, connect, update_setting


def person(handle: str, plan: str = "basic", **extra):
    return add_member(handle, handle.replace("-", " ").title(), plan=plan, **extra)


def test_blocked_members_are_refused_both_ways(store):
    maya, ben = person("maya", "premium-business"), person("ben", "premium-business")
    connect("maya", "ben")
    block(ben.id, "maya")
    assert routing.route(maya.id, ben.id).refusal == "You can't message this member."
    assert routing.route(ben.id, maya.id).refusal == "You can't message this member."
    for sender, to in ((maya, "ben"), (ben, "maya")):
        with pytest.raises(Refused, match="You can't message this member."):
            messaging.send(sender.id, [to], "Hello")


def test_unblocking_restores_the_route(store):
    maya, ben = person("maya"), person("ben")
    connect("maya", "ben")
    block(maya.id, "ben")
    members.unblock(maya.id, "ben")
    assert routing.route(maya.id, ben.id).route == "message"


def test_connections_message_free_into_focused(store):
    maya, ben = person("maya"), person("ben")
    connect("maya", "ben")
    decision = routing.route(maya.id, ben.id)
    assert (decision.route, decision.cost, decision.folder) == ("message", 0, "focused")


def test_a_recipient_who_has_written_can_be_messaged_free(store):
    maya, ben, cara = person("maya"), person("ben"), person("cara")
    connect("maya", "ben")
    connect("maya", "cara")
    group = messaging.send(maya.id, ["ben", "cara"], "Welcome both")
    assert routing.route(ben.id, cara.id).refusal == "InMail needs a Premium plan."
    messaging.reply(cara.id, group.conversation, "Thanks!")
    assert routing.route(ben.id, cara.id) == routing.MESSAGE


def test_an_answered_inmail_lets_messages_flow_free(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Would you talk?", subject="A role")
    messaging.reply(ben.id, sent.conversation, decline=True)
    assert routing.route(maya.id, ben.id) == routing.MESSAGE
    assert routing.route(ben.id, maya.id) == routing.MESSAGE


def test_open_profile_message_is_free_and_lands_in_other(store):
    maya, ben = person("maya"), person("ben", "premium-career", open_profile=True)
    decision = routing.route(maya.id, ben.id)
    assert (decision.route, decision.cost, decision.folder) == ("open-profile", 0, "other")


def test_open_profile_needs_the_recipient_to_accept_open_profile_messages(store):
    maya, ben = person("maya", "premium-career"), person("ben", "premium-career", open_profile=True)
    update_setting(ben.id, "allow-open-profile", False)
    assert routing.route(maya.id, ben.id).route == "inmail"


def test_open_profile_is_only_for_premium_recipients(store):
    maya, ben = person("maya"), person("ben", "premium-career", open_profile=True)
    members.set_plan("ben", "basic")
    assert routing.route(maya.id, ben.id).refusal == "InMail needs a Premium plan."


def test_inmail_costs_one_credit_and_lands_in_focused(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    decision = routing.route(maya.id, ben.id)
    assert (decision.route, decision.cost, decision.folder) == ("inmail", 1, "focused")


def test_inmail_needs_a_premium_plan(store):
    maya, ben = person("maya"), person("ben")
    assert routing.route(maya.id, ben.id).refusal == "InMail needs a Premium plan."
    with pytest.raises(Refused, match="InMail needs a Premium plan."):
        messaging.send(maya.id, ["ben"], "Hi", subject="Hello")


def test_a_member_who_turned_inmail_off_is_refused(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    update_setting(ben.id, "allow-inmail", False)
    assert routing.route(maya.id, ben.id).refusal == "This member doesn't accept InMail."


def test_no_credits_says_when_the_next_arrive(store):
    maya = person("maya", "premium-business")
    for i in range(15):
        person(f"lead-{i}")
        messaging.send(maya.id, [f"lead-{i}"], "Hello", subject="Hi")
    ben = person("ben")
    assert routing.route(maya.id, ben.id).refusal == (
        "You have no InMail credits left; 15 more arrive on 2026-04-02."
    )


def test_second_inmail_waits_for_a_response(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    messaging.send(maya.id, ["ben"], "Hello", subject="Hi")
    sentence = "You already sent this member an InMail; wait for a response before sending another."
    assert routing.route(maya.id, ben.id).refusal == sentence
    with pytest.raises(Refused, match="wait for a response"):
        messaging.send(maya.id, ["ben"], "Hello again", subject="Hi")


def test_first_match_wins(store):
    maya, ben = person("maya", "premium-career"), person("ben", "premium-career", open_profile=True)
    connect("maya", "ben")
    assert routing.route(maya.id, ben.id).route == "message"
    block(maya.id, "ben")
    assert routing.route(maya.id, ben.id).refusal == "You can't message this member."


def test_a_member_can_not_message_themselves(store):
    maya = person("maya")
    assert routing.route(maya.id, maya.id).refusal == "You can't message yourself."


def test_company_account_cannot_be_sent_an_inmail_or_a_message(store):
    maya = person("maya", "sales-navigator")
    summit = person("summit-cloud", kind="company", company="Summit Cloud")
    connect("maya", "summit-cloud")
    assert routing.route(maya.id, summit.id).refusal == routing.COMPANY_ACCOUNT
    for subject in ("A role", None):
        with pytest.raises(Refused, match="company account can't be messaged"):
            messaging.send(maya.id, ["summit-cloud"], "Hello Summit", subject=subject)
    assert credits.balance(maya.id) == 50  # nothing was spent


def test_a_block_is_the_reason_given_before_the_company_account_rule(store):
    maya = person("maya", "sales-navigator")
    summit = person("summit-cloud", kind="company")
    block(maya.id, "summit-cloud")
    assert routing.route(maya.id, summit.id).refusal == routing.CANT_MESSAGE


def test_a_company_account_sends_only_sponsored_messages(store):
    summit = person("summit-cloud", "premium-business", kind="company")
    ben = person("ben")
    assert routing.route(summit.id, ben.id).refusal == routing.COMPANY_SENDS_SPONSORED_ONLY
    with pytest.raises(Refused, match="only sends sponsored messages"):
        messaging.send(summit.id, ["ben"], "Hello Ben")
    messaging.send_sponsored(summit.id, "Summit Cloud is hiring")
    assert [row.kind for row in inbox.page(ben.id, "all", limit=5)] == ["sponsored"]
