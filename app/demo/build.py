"""The demo store: a believable professional inbox that shows every state of the spec.

Everything is built through the real core API (add_member, connect, send, reply,
recall, moderation, report…) in time order, with the clock fixed to each step's
instant, so the rules apply exactly as they would for real people: routes,
credits, refunds, reminders, expiry and the bulk-spam rule. The timeline ends at a
fixed "now" (or at the ``now`` given, shifted as a whole), and every choice that
looks random comes from one seeded generator, so two builds are identical.

The acting member is "me", Maya Chen, an engineering manager on Premium Business. She
also works in Northwind Support's shared inbox, with a teammate (``shared_inbox``).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Callable

from app.core import clock
from app.demo.cast import (
    COMPANY,
    CONNECTIONS,
    CUSTOMERS,
    DEMO_NOW,
    HEADLINES,
    INVITATIONS,
    ME,
    OPEN_PROFILE_ON,
    PEOPLE,
    SEED,
    SUPPORT,
    SUPPORT_JOINED,
    TEAMMATE,
    TEMPLATES,
)
from app.demo.stories import ACCEPT, ATTACHMENTS, DECLINE, LONG, Line, Story, delay, instant, long_message, stories

@dataclass(order=True)
class Step:
    at: datetime
    order: int
    run: Callable[[datetime], object] = field(compare=False)


class Timeline:
    """Steps from every story, run in time order with the clock fixed to each step."""

    def __init__(self, shift: timedelta):
        self.shift = shift
        self.steps: list[Step] = []

    def add(self, at: datetime, run: Callable[[datetime], object]) -> None:
        self.steps.append(Step(at + self.shift, len(self.steps), run))

    def play(self) -> None:
        for step in sorted(self.steps):
            os.environ[clock.ENV] = step.at.isoformat() + "Z"
            step.run(step.at)


def has_demo(target: str) -> bool:
    """Whether ``target`` already holds a store with members (a built demo)."""
    from app.store.db import may_hold_a_store, open_store
    from app.store.models import Member

    if not may_hold_a_store(target):
        return False
    store = open_store(target)
    try:
        return Member.select().exists()
    finally:
        store.close()


def build_demo(path: str | os.PathLike, now: datetime | None = None) -> None:
    """Build the demo store at ``path`` (a new or empty store), its timeline ending at ``now``."""
    from app.core import credits
    from app.core.errors import BadInput
    from app.store.db import open_store, write
    from app.store.models import Member

    end = now or DEMO_NOW
    saved = os.environ.get(clock.ENV)
    store = open_store(str(path))
    try:
        if Member.select().exists():
            raise BadInput(f"{path} already has members; the demo needs a new store.")
        timeline = Timeline(end - DEMO_NOW)
        _Demo(timeline, random.Random(SEED)).plan()
        with write():  # all or nothing: a build that fails half-way leaves an empty store
            timeline.play()
            os.environ[clock.ENV] = end.isoformat() + "Z"
            credits.settle(end)
    finally:
        if saved is None:
            os.environ.pop(clock.ENV, None)
        else:
            os.environ[clock.ENV] = saved
        store.close()


class _Demo:
    def __init__(self, timeline: Timeline, rng: random.Random):
        self.timeline = timeline
        self.rng = rng
        self.ids: dict[str, int] = {}

    def plan(self) -> None:
        self.members()
        self.connections()
        self.timeline.add(OPEN_PROFILE_ON, self.open_profile_on)
        for story in stories():
            self.story(story)
        self.bulk_outreach(datetime(2026, 2, 10, 7, 0))
        self.sponsored(datetime(2026, 2, 24, 15, 0))
        self.others_talk()
        self.timeline.add(datetime(2026, 3, 1, 21, 40), self.compose_draft)
        self.invitations_and_templates()
        self.shared_inbox()

    # -- members and the graph

    def members(self) -> None:
        from app.core.members import add_member

        start = datetime(2025, 8, 1, 9, 0)
        for index, (handle, name, position, company, location, plan, open_profile) in enumerate(PEOPLE):
            at = start + timedelta(days=index % 20, hours=index % 7, minutes=13 * index % 60)
            if handle == ME:
                at = datetime(2025, 8, 15, 9, 0)  # billing day the 15th: grants, cap trims and expiries by March

            def add(at, handle=handle, name=name, position=position, company=company, location=location,
                    plan=plan, open_profile=open_profile):
                view = add_member(handle, name, headline=HEADLINES.get(handle, f"{position} at {company}"),
                                  company=company, position=position, location=location, plan=plan,
                                  open_profile=open_profile, now=at)
                self.ids[handle] = view.id

            self.timeline.add(at, add)
        handle, name, headline, company, location = COMPANY

        def add_company(at):
            view = add_member(handle, name, headline=headline, company=company, location=location,
                              kind="company", now=at)
            self.ids[handle] = view.id

        self.timeline.add(datetime(2025, 8, 1, 8, 0), add_company)
        # A member who upgraded, and one who turned sponsored messages off.
        self.timeline.add(datetime(2026, 1, 9, 12, 0), lambda at: self.set_plan("sam-oconnell", "premium-business", at))
        self.timeline.add(datetime(2025, 9, 1, 12, 0), lambda at: self.setting("tom-hartley", "allow-sponsored", False))

    def set_plan(self, handle: str, plan: str, at: datetime) -> None:
        from app.core.members import set_plan

        set_plan(handle, plan, now=at)

    def setting(self, handle: str, key: str, value: bool) -> None:
        from app.core.members import update_setting

        update_setting(self.ids[handle], key, value)

    def connections(self) -> None:
        from app.core.members import connect

        start = datetime(2025, 8, 25, 12, 0)
        for index, (a, b) in enumerate(CONNECTIONS):
            self.timeline.add(start + timedelta(hours=5 * index), partial(connect, a, b))

    def open_profile_on(self, at: datetime) -> None:
        self.setting(ME, "open-profile", True)

    # -- conversations

    def story(self, story: Story) -> None:
        state: dict[str, int] = {}
        at = instant(story.lines[0].after)
        for index, item in enumerate(story.lines):
            if index:
                at += delay(item.after)
            self.timeline.add(at, partial(self.say, story, state, item, index == 0))
            if item.recall_after:
                self.timeline.add(at + delay(item.recall_after), partial(self.recall, story, state, item))
        done = at + timedelta(minutes=20)
        if story.read:
            self.timeline.add(done, lambda when: self.mark_read(ME, state, when))
        if story.peers_read and len(story.others) == 1:
            self.timeline.add(done, lambda when: self.mark_read(story.others[0], state, when))
        for action in story.actions:
            self.timeline.add(done + timedelta(minutes=5), partial(self.apply, action, state))
        if story.report:
            self.timeline.add(done + timedelta(minutes=10), partial(self.report, story.report, state))
        if story.draft:
            self.timeline.add(done + timedelta(minutes=15), partial(self.reply_draft, story.draft, state))

    def reply_draft(self, text: str, state: dict, at: datetime) -> None:
        from app.core.messaging import save_draft

        save_draft(self.ids[ME], [], "", text, conversation_id=state["conversation"], now=at)

    def compose_draft(self, at: datetime) -> None:
        from app.core.messaging import save_draft

        save_draft(self.ids[ME], ["hannah-cole"], "", "Hannah, loved your talk on survival models. Would you "
                   "walk our team through", now=at)

    def invitations_and_templates(self) -> None:
        """Two invitations waiting for Maya's answer, one of hers waiting, and her saved replies."""
        from app.core.invitations import invite
        from app.core.templates import add

        def inviting(sender: str, recipient: str, note: str, at: datetime) -> None:
            invite(self.ids[sender], recipient, note, now=at)

        def saving(name: str, subject: str, body: str, at: datetime) -> None:
            add(self.ids[ME], name, body, subject=subject, now=at)

        for at, sender, recipient, note in INVITATIONS:
            self.timeline.add(at, partial(inviting, sender, recipient, note))
        for name, subject, body in TEMPLATES:
            self.timeline.add(datetime(2026, 2, 2, 8, 0), partial(saving, name, subject, body))

    def _author(self, story: Story, who: str) -> str:
        return {"me": ME, "them": story.others[0]}.get(who, who)

    def say(self, story: Story, state: dict, item: Line, first: bool, at: datetime) -> None:
        from app.core.messaging import reply, send

        author = self._author(story, item.who)
        text = long_message(self.rng) if item.text == LONG else item.text
        if first:
            files = [(name, *ATTACHMENTS[name]()) for name in item.attach]
            recipients = [h for h in (ME, *story.others) if h != author]
            result = send(self.ids[author], recipients, text, subject=story.subject, attachments=files, now=at)
            state["conversation"] = result.conversation
        else:
            accept, decline = text == ACCEPT, text == DECLINE
            body = item.reply if (accept or decline) else text
            result = reply(self.ids[author], state["conversation"], body, accept=accept, decline=decline, now=at)
        state[f"message:{id(item)}"] = result.message

    def recall(self, story: Story, state: dict, item: Line, at: datetime) -> None:
        from app.core.messaging import recall

        recall(self.ids[self._author(story, item.who)], state[f"message:{id(item)}"], now=at)

    def mark_read(self, handle: str, state: dict, at: datetime) -> None:
        from app.core.inbox import mark_read

        mark_read(self.ids[handle], state["conversation"], now=at)

    def apply(self, action: str, state: dict, at: datetime) -> None:
        from app.core import moderation

        moderation.apply(self.ids[ME], action, [state["conversation"]], now=at)

    def report(self, reason: str, state: dict, at: datetime) -> None:
        from app.core import moderation

        moderation.report(self.ids[ME], state["conversation"], reason, now=at)

    # -- spam, sponsored, and what others say among themselves

    def bulk_outreach(self, start: datetime) -> None:
        """The same pitch to six strangers within the hour: the fifth and sixth land in Spam."""
        from app.core.messaging import send

        pitch = ("Quick question: are you the right person to talk to about filling your sales calendar? "
                 "We book 30+ qualified meetings a month for teams like yours. Worth a 10-minute chat?")
        targets = ("farah-haddad", "chloe-evans", "hana-kowalski", "julia-novak", "lucas-moreau", ME)
        for index, handle in enumerate(targets):
            def send_pitch(at, handle=handle):
                send(self.ids["kyle-brandt"], [handle], pitch, subject="Quick question", now=at)

            self.timeline.add(start + timedelta(minutes=7 * index), send_pitch)

    def sponsored(self, at: datetime) -> None:
        from app.core.messaging import send_sponsored

        self.timeline.add(at, lambda when: send_sponsored(
            self.ids["summit-cloud"],
            "Summit Cloud Data Week is here: five days of free workshops on streaming, lakehouse design and cost "
            "control, plus 40% off every certification until March 15th. Save your seat today.",
            None, subject="Summit Cloud Data Week — 40% off certifications", now=when))

    def others_talk(self) -> None:
        """A few conversations among other members, so acting as them shows a real inbox too."""
        talks = (
            ("raj-patel", "emily-zhang", "2026-02-25 09:00",
             "Emily, can you present the dbt rollout at Friday's all-hands?", "Sure, 10 minutes is enough."),
            ("jonas-weber", "claire-dubois", "2026-02-26 10:00",
             "Claire, Maya at Northwind asked for a lineage deep dive in June. Can you own the demo?",
             "Yes — I'll prepare a Northwind-shaped dataset."),
            ("aisha-bello", "grace-kim", "2026-02-22 09:00",
             "I referred you to Maya Chen at Northwind. Expect a message!", "Thank you Aisha, I owe you one."),
            ("david-levi", "isabel-santos", "2026-02-27 12:00",
             "Did you introduce Tomás to Maya at Northwind?", "Doing it today."),
        )
        for sender, recipient, at, first, answer in talks:
            state: dict[str, int] = {}

            def opening(when, sender=sender, recipient=recipient, first=first, state=state):
                from app.core.messaging import send

                state["conversation"] = send(self.ids[sender], [recipient], first, now=when).conversation

            def answering(when, recipient=recipient, answer=answer, state=state):
                from app.core.messaging import reply

                reply(self.ids[recipient], state["conversation"], answer, now=when)

            self.timeline.add(instant(at), opening)
            self.timeline.add(instant(at) + timedelta(hours=2), answering)

    # -- a shared inbox

    def shared_inbox(self) -> None:
        """Northwind Support, worked by Maya and Sipho: customers from everywhere, two
        conversations assigned, an internal note, replies written for the inbox, an archive,
        and the audit those leave. Everything happens after Maya's own inbox is complete."""
        from app.core import moderation, team
        from app.core.inbox import mark_read
        from app.core.members import add_member, connect
        from app.core.messaging import reply, send

        support, teammate = SUPPORT[0], TEAMMATE[0]

        def join(at, person, plan="basic"):
            handle, name, position, company, location = person
            self.ids[handle] = add_member(handle, name, headline=f"{position} at {company}", company=company,
                                          position=position, location=location, plan=plan, now=at).id

        self.timeline.add(SUPPORT_JOINED, partial(join, person=SUPPORT, plan="premium-business"))
        self.timeline.add(SUPPORT_JOINED + timedelta(minutes=5),
                          lambda at: self.setting(support, "allow-sponsored", False))
        self.timeline.add(SUPPORT_JOINED + timedelta(minutes=10), partial(join, person=TEAMMATE))
        for index, (customer, _) in enumerate(CUSTOMERS, 1):
            self.timeline.add(SUPPORT_JOINED + timedelta(minutes=10 * index + 10), partial(join, person=customer))
            self.timeline.add(SUPPORT_JOINED + timedelta(days=1, minutes=index),
                              partial(connect, support, customer[0]))

        def delegate(at, staff):
            team.add_delegate(self.ids[support], support, staff, now=at)

        self.timeline.add(datetime(2026, 3, 1, 22, 0), partial(delegate, staff=ME))
        self.timeline.add(datetime(2026, 3, 1, 22, 1), partial(delegate, staff=teammate))
        conversations: dict[str, int] = {}
        # Ayşe wrote last night; the others this morning, in the order of the cast.
        written = (datetime(2026, 3, 2, 6, 40), datetime(2026, 3, 2, 7, 10), datetime(2026, 3, 2, 7, 55),
                   datetime(2026, 3, 2, 8, 20), datetime(2026, 3, 1, 22, 30))
        for at, ((handle, *_), body) in zip(written, CUSTOMERS):
            def write(when, handle=handle, body=body):
                conversations[handle] = send(self.ids[handle], [support], body, now=when).conversation

            self.timeline.add(at, write)

        def inbox() -> int:
            return self.ids[support]

        def answer(at, customer, author, body):
            reply(inbox(), conversations[customer], body, author_id=self.ids[author], now=at)

        def read(at, customer, author):
            mark_read(inbox(), conversations[customer], now=at, author_id=self.ids[author])

        def assign(at, customer, author, assignee):
            team.assign(inbox(), self.ids[author], conversations[customer], assignee, now=at)

        def note(at, customer, author, body):
            team.note(inbox(), self.ids[author], conversations[customer], body, now=at)

        def archive(at, customer, author):
            moderation.apply(inbox(), "archive", [conversations[customer]], now=at, author_id=self.ids[author])

        dimitris, olga, ayse = CUSTOMERS[0][0][0], CUSTOMERS[1][0][0], CUSTOMERS[4][0][0]
        self.timeline.add(datetime(2026, 3, 1, 22, 55), partial(read, customer=ayse, author=ME))
        self.timeline.add(datetime(2026, 3, 1, 23, 0), partial(
            answer, customer=ayse, author=ME,
            body="Hi Ayşe, we've sent the reset e-mail again; please look in your spam folder too."))
        self.timeline.add(datetime(2026, 3, 1, 23, 40), partial(archive, customer=ayse, author=ME))
        self.timeline.add(datetime(2026, 3, 2, 8, 25), partial(assign, customer=dimitris, author=teammate,
                                                               assignee=ME))
        self.timeline.add(datetime(2026, 3, 2, 8, 27), partial(
            note, customer=dimitris, author=teammate,
            body="Same cache bug as last week's ticket. Maya, the fix shipped in 2.14.1; ask him to refresh."))
        self.timeline.add(datetime(2026, 3, 2, 8, 32), partial(assign, customer=olga, author=ME,
                                                               assignee=teammate))
        self.timeline.add(datetime(2026, 3, 2, 8, 35), partial(read, customer=olga, author=teammate))
        self.timeline.add(datetime(2026, 3, 2, 8, 40), partial(
            answer, customer=olga, author=teammate,
            body="Hi Olga, thanks for writing. We're looking at the export button now and will get back to you "
                 "within the hour."))
