"""Sponsored conversations: which conversations are ads, and who sent each one.

A conversation is an ad when any of its rows is titled "Sponsored Conversation", has a
named sender without a profile URL (only companies write so), or carries a mail-merge
field such as ``%FIRSTNAME%``. In the oldest layout, which has no URLs at all, an ad is a
conversation the owner never wrote in, from someone who is not a connection, whose text
carries HTML. Each ad gets its own sender: a company account named after the sponsor
where the rows name it, else a distinct "Sponsor N"; never one "LinkedIn Member" for all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

from app.interchange.linkedin.people import HIDDEN_MEMBER, SPONSORED_TITLE, company_key
from app.interchange.linkedin.reading import _Identity, _Thread
from app.interchange.linkedin.summary import FileReport

# Hosts of links that say nothing of who sponsors an ad.
_NOT_SPONSORS = ("linkedin.com", "lnkd.in", "bit.ly", "goo.gl", "t.co", "ow.ly")


def sponsor_from_link(url: str) -> str:
    """A company name from a link's host: https://www.northwind-cloud.example/x → "Northwind Cloud"."""
    host = urlsplit(url).hostname or ""
    if not host or any(host == h or host.endswith("." + h) for h in _NOT_SPONSORS):
        return ""
    labels = [label for label in host.split(".") if label and label != "www"]
    if len(labels) < 2:
        return ""
    return " ".join(word.capitalize() for word in labels[-2].replace("_", "-").split("-") if word)


class Sponsors:
    """Marks the sponsored conversations and gives each its sender (state on the importer)."""

    identities: dict[str, _Identity]
    threads: dict[str, _Thread]
    connections: list[tuple[str, datetime, FileReport]]
    invited: list[str]
    canon: dict[str, str]

    _is_owner: Callable[[str], bool]  # the reading pass's

    def _find_sponsors(self) -> None:
        canonical = self.canon.get
        connected = {canonical(key, key) for key, _at, _report in self.connections}
        unnamed = 0
        for thread in self.threads.values():
            if not thread.count:
                continue
            senders = list(thread.first_by)
            if not thread.sponsored and thread.key.startswith("ls:"):
                thread.sponsored = (thread.html and bool(senders)
                                    and not any(self._is_owner(k) for k in senders)
                                    and not any(canonical(k, k) in connected for k in senders))
            if not thread.sponsored:
                continue
            name = thread.sponsor_hint or self._named_sender(senders) or self._named_in_title(thread)
            if not name and thread.links:
                name = sponsor_from_link(thread.links[0])
            if not name:
                unnamed += 1
                name = f"Sponsor {unnamed}"
            thread.sponsor = self._company(name)
            self._sent_by_sponsor(thread)
        self._forget_unused()

    def _named_sender(self, senders: list[str]) -> str:
        for key in senders:
            identity = self.identities.get(key)
            if identity is not None and not self._is_owner(key) and identity.name and identity.name != HIDDEN_MEMBER:
                return identity.name
        return ""

    @staticmethod
    def _named_in_title(thread: _Thread) -> str:
        title = thread.title.strip()
        return title if title and title != SPONSORED_TITLE and title != thread.subject else ""

    def _company(self, name: str) -> str:
        key = company_key(name)
        if key not in self.identities:
            self.identities[key] = _Identity(" ".join(name.split()), "", "company")
        return key

    def _sent_by_sponsor(self, thread: _Thread) -> None:
        """Everyone but the owner in an ad is its sponsor."""
        sponsor = thread.sponsor
        owner = [k for k in thread.participants if self._is_owner(k)]
        thread.participants = dict.fromkeys([*owner, sponsor])
        for times, keep in ((thread.first_by, min), (thread.last_by, max)):
            theirs = [at for key, at in times.items() if not self._is_owner(key)]
            for key in [key for key in times if not self._is_owner(key)]:
                del times[key]
            if theirs:
                times[sponsor] = keep(theirs)
        if thread.first_sender and not self._is_owner(thread.first_sender):
            thread.first_sender = sponsor

    def _forget_unused(self) -> None:
        """People met only as the senders of ads are no members of their own."""
        used = {k for thread in self.threads.values() for k in thread.participants}
        used |= {key for key, _at, _report in self.connections} | set(self.invited)
        canonical = self.canon.get
        used |= {canonical(k, k) for k in used}
        for key in [k for k in self.identities if k not in used and canonical(k, k) not in used]:
            del self.identities[key]
