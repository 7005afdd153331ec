"""Members, plans, connections, settings and blocks (SPEC §1, §7)."""

from __future__ import annotations

import pytest

from app.core import credits, members
from app.core.errors import BadInput, NotFound, Refused
from app.core.members import add_member, connect
from app.store.models import Connection


def person(handle: str, plan: str = "basic", **extra):
    return add_member(handle, handle.replace("-", " ").title(), plan=plan, **extra)


@pytest.mark.parametrize("handle", ["Maya", "maya chen", "-maya", "maya-", "maya--chen", "", "ma_ya", "x" * 61])
def test_a_handle_is_a_lowercase_slug(handle):
    with pytest.raises(BadInput, match="is not a valid handle: use lowercase letters, digits and hyphens."):
        members.validate_handle(handle)


def test_a_valid_handle_is_kept():
    assert members.validate_handle("maya-chen-2") == "maya-chen-2"


def test_a_member_is_added_with_their_plan_and_settings(store):
    maya = add_member("maya-chen", "Maya Chen", headline="Recruiter", company="Acme", plan="premium-career")
    assert (maya.handle, maya.name, maya.company, maya.plan) == ("maya-chen", "Maya Chen", "Acme", "premium-career")
    assert credits.balance(maya.id) == 5
    assert members.get_settings(maya.id) == {
        "allow-inmail": True,
        "allow-open-profile": True,
        "allow-sponsored": True,
        "focused-inbox": True,
        "read-receipts": True,
        "notifications": True,
        "desktop-notifications": False,
        "open-profile": False,
    }
    assert members.list_members() == [maya]


def test_a_handle_is_unique(store):
    person("maya")
    with pytest.raises(BadInput, match="There is already a member 'maya'."):
        person("maya")


def test_an_unknown_plan_is_bad_input(store):
    with pytest.raises(BadInput, match="Unknown plan 'gold'"):
        person("maya", "gold")


def test_an_unknown_member_is_not_found(store):
    with pytest.raises(NotFound, match="There is no member 'nobody'."):
        members.member_by_handle("nobody")


def test_open_profile_needs_a_premium_plan(store):
    with pytest.raises(Refused, match="Open Profile needs a Premium plan."):
        person("maya", open_profile=True)
    ben = person("ben")
    with pytest.raises(Refused, match="Open Profile needs a Premium plan."):
        members.update_setting(ben.id, "open-profile", True)
    members.set_plan("ben", "premium-career")
    assert members.update_setting(ben.id, "open-profile", True)["open-profile"]


def test_cancelling_premium_ends_open_profile(store):
    maya = person("maya", "premium-career", open_profile=True)
    members.set_plan("maya", "basic")
    assert not members.get_settings(maya.id)["open-profile"]


def test_settings_change_one_at_a_time(store):
    maya = person("maya")
    assert members.update_setting(maya.id, "allow-inmail", False)["allow-inmail"] is False
    with pytest.raises(BadInput, match="Unknown setting 'colour'"):
        members.update_setting(maya.id, "colour", True)


def test_connections_are_mutual(store):
    maya, ben = person("maya"), person("ben")
    connect("maya", "ben")
    connect("ben", "maya")
    assert members.is_connected(maya.id, ben.id) and members.is_connected(ben.id, maya.id)
    assert Connection.select().count() == 2
    with pytest.raises(BadInput, match="A member can't connect to themselves."):
        connect("maya", "maya")


def test_degree_and_shared_connections_come_from_the_graph(store):
    maya, ben, cara, dev = person("maya"), person("ben"), person("cara"), person("dev")
    connect("maya", "ben")
    connect("ben", "cara")
    assert members.degree(maya.id, maya.id) == "you"
    assert members.degree(maya.id, ben.id) == "1st"
    assert members.degree(maya.id, cara.id) == "2nd"
    assert members.degree(maya.id, dev.id) == "3rd+"
    facts = members.profile_facts(maya.id, cara.id)
    assert (facts.member, facts.degree, facts.shared) == (cara, "2nd", (ben,))


def test_blocks_count_either_way(store):
    maya, ben = person("maya"), person("ben")
    members.block(maya.id, "ben")
    assert members.is_blocked_either(ben.id, maya.id)
    members.unblock(maya.id, "ben")
    assert not members.is_blocked_either(maya.id, ben.id)


def test_members_are_found_by_handle_or_name_prefix(store):
    add_member("maya-chen", "Maya Chen")
    add_member("ben-wu", "Ben Wu")
    add_member("sam-100", "Sam 100%")
    assert [m.handle for m in members.search_members("ma")] == ["maya-chen"]
    assert [m.handle for m in members.search_members("Wu")] == ["ben-wu"]
    assert members.search_members("%") == []
    assert members.search_members("") == []
