"""Connection requests (SPEC §2's first row): a note of at most 300 characters, one pending
invitation between two members, and free messages once it is accepted."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core import credits, invitations, members, messaging, routing
from app.core.errors import BadInput, NotFound, Refused
from app.store.models import Connection, Invitation

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def people(store):
    """Ana (basic), Ben (Premium, with InMail credits), Zoë (basic) and Acme, a company page."""
    ana = members.add_member("ana", "Ana Ruiz", company="Northwind", now=T0).id
    ben = members.add_member("ben", "Ben Okafor, MBA", plan="premium-business", now=T0).id
    zoe = members.add_member("zoe", "Ζωή Αλεξίου", now=T0).id
    acme = members.add_member("acme", "Acme Corp", kind="company", now=T0).id
    return ana, ben, zoe, acme


def test_accepting_an_invitation_makes_messaging_free(people):
    ana, ben, zoe, acme = people
    assert routing.route(ben, ana).route == "inmail"
    invitations.invite(ben, "ana", "Loved your talk on Δ-encoding 🙂", now=T0)
    assert [(i.handle, i.note, i.direction) for i in invitations.pending(ana)] == [
        ("ben", "Loved your talk on Δ-encoding 🙂", "received")]
    invitations.accept(ana, "ben", now=T0)
    assert members.is_connected(ana, ben) and members.is_connected(ben, ana)
    assert routing.route(ben, ana).route == "message"
    before = credits.credits_view(ben).balance
    result = messaging.send(ben, ["ana"], "Thanks for connecting!", now=T0)
    assert (result.route, result.credits_left) == ("message", before)
    assert invitations.pending(ana) == [] and invitations.pending(ben, sent=True) == []


def test_an_invitation_note_over_300_characters_is_refused(people):
    ana, ben, zoe, acme = people
    with pytest.raises(BadInput, match="at most 300 characters; this one has 301"):
        invitations.invite(ben, "ana", "ж" * 301)
    assert Invitation.select().count() == 0
    invitations.invite(ben, "ana", "ж" * 300)


@pytest.mark.parametrize("inviter, invited, sentence", [
    ("ben", "ben", "You can't invite yourself."),
    ("ben", "acme", "Acme Corp is a company page: it can be followed, not invited to connect."),
    ("acme", "ben", "A company page can't invite members to connect."),
])
def test_invitations_that_make_no_sense_are_refused(people, inviter, invited, sentence):
    by = members.member_by_handle(inviter).id
    with pytest.raises(Refused, match=sentence):
        invitations.invite(by, invited)


def test_someone_already_connected_is_not_invited(people):
    ana, ben, zoe, acme = people
    members.connect("ana", "ben")
    with pytest.raises(Refused, match="You and Ana Ruiz are already connected."):
        invitations.invite(ben, "ana")


def test_a_pending_invitation_either_way_refuses_another(people):
    ana, ben, zoe, acme = people
    invitations.invite(ben, "ana")
    with pytest.raises(Refused, match="Ben Okafor, MBA has already invited you: accept their invitation instead."):
        invitations.invite(ana, "ben")
    with pytest.raises(Refused, match="You have already invited Ana Ruiz"):
        invitations.invite(ben, "ana")
    assert Invitation.select().count() == 1


def test_a_blocked_member_cannot_be_invited_either_way(people):
    ana, ben, zoe, acme = people
    members.block(ana, "zoe")
    for by, handle in ((ana, "zoe"), (zoe, "ana")):
        with pytest.raises(Refused, match="one of you has blocked the other"):
            invitations.invite(by, handle)


def test_blocking_ends_a_pending_invitation(people):
    ana, ben, zoe, acme = people
    invitations.invite(zoe, "ana", "Γεια!")
    members.block(ana, "zoe")
    assert invitations.pending(ana) == [] and invitations.pending(zoe, sent=True) == []
    members.unblock(ana, "zoe")
    invitations.invite(zoe, "ana", "Second try")
    assert [i.note for i in invitations.pending(ana)] == ["Second try"]


def test_ignoring_and_withdrawing_leave_them_unconnected_and_free_to_invite_again(people):
    ana, ben, zoe, acme = people
    invitations.invite(ben, "ana")
    invitations.ignore(ana, "ben")
    assert invitations.pending(ana) == [] and not members.is_connected(ana, ben)
    invitations.invite(ben, "ana")
    invitations.withdraw(ben, "ana")
    assert invitations.pending(ana) == [] and Connection.select().count() == 0
    with pytest.raises(NotFound, match="You have no pending invitation to Ana Ruiz."):
        invitations.withdraw(ben, "ana")
    with pytest.raises(NotFound, match="Ben Okafor, MBA has no pending invitation to you."):
        invitations.accept(ana, "ben")


def test_connecting_by_other_means_answers_the_pending_invitation(people):
    ana, ben, zoe, acme = people
    invitations.invite(ben, "ana")
    members.connect("ana", "ben")
    assert invitations.pending(ana) == []
    assert Invitation.get().status == "accepted"


def test_pending_invitations_are_newest_first_with_the_count_for_the_status_line(people):
    ana, ben, zoe, acme = people
    invitations.invite(ben, "ana", now=T0)
    invitations.invite(zoe, "ana", now=datetime(2026, 3, 3, 8, 0))
    assert [i.handle for i in invitations.pending(ana)] == ["zoe", "ben"]
    assert invitations.pending_count(ana) == 2
    assert invitations.pending_between(ana, zoe) == "received"
    assert invitations.pending_between(zoe, ana) == "sent"
    assert invitations.pending_between(ben, zoe) is None
