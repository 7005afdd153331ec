"""Whose export it is: the member who becomes "me", and how the import knows."""

from __future__ import annotations

from collections import Counter

from app.core.errors import BadInput
from app.interchange.linkedin.people import canonical_url, name_key, url_key
from app.interchange.linkedin.reading import _Identity, _Thread
from app.interchange.linkedin.summary import ImportSummary
from app.store.models import Member

ME = "me"
BY_OPTION = "as --owner names"
BY_PROFILE = "from Profile.csv"
BY_STORE = 'the member "me" already in the store'


class OwnerChoice:
    """Chooses the export's owner: --owner, else Profile.csv, else the member "me" the store
    already has, else the rows (its state lives on the importer)."""

    summary: ImportSummary
    identities: dict[str, _Identity]
    urls_by_name: dict[str, set[str]]
    threads: dict[str, _Thread]
    owner_votes: Counter[str]
    owner_names: set[str]
    owner_keys: set[str]
    canon: dict[str, str]
    owner_name: str
    profile_name: str
    owner_first: str
    owner_last: str
    owner_headline: str
    owner_location: str

    def _expected_owner(self) -> list[tuple[str, str]]:
        """The names (as keys) the owner is expected to have before the rows are read, and how each is known."""
        expected = []
        if self.owner_name:
            expected.append((name_key(self.owner_name), BY_OPTION))
        if self.profile_name:
            expected.append((name_key(self.profile_name), BY_PROFILE))
        me = Member.get_or_none(Member.handle == ME)
        if me is not None:
            if me.profile_url:
                expected.append((url_key(canonical_url(me.profile_url)), BY_STORE))
            expected.append((name_key(me.name), BY_STORE))
        return expected

    def _expect_owner(self) -> None:
        self.owner_names = {key for key, _how in self._expected_owner()[:1]}

    def _choose_owner(self) -> None:
        self.canon = {key: next(iter(urls)) for key, urls in self.urls_by_name.items() if len(urls) == 1}
        for key, target in self.canon.items():
            # A connection known by name alone, met in the messages with a profile URL: one person.
            named, found = self.identities.get(key), self.identities.get(target)
            if named is not None and found is not None:
                found.company = found.company or named.company
                found.position = found.position or named.position
        canonical = self.canon.get
        in_threads = {canonical(k, k) for thread in self.threads.values() for k in thread.participants}
        for key, how in self._expected_owner():
            keys = {canonical(key, key)} | {canonical(u, u) for u in self.urls_by_name.get(key, ())}
            if keys & in_threads or not self.threads or how == BY_OPTION:
                if how == BY_OPTION and not keys & in_threads and self.threads:
                    raise BadInput(f"--owner: no one called '{self.owner_name}' takes part in this export's "
                                   "conversations.")
                self._owner_is(keys, how)
                return
        people = lambda k: k.startswith(("u:", "n:"))  # noqa: E731
        votes = Counter({canonical(k, k): n for k, n in self.owner_votes.items() if people(k)})
        how = "the sender of the rows marked outgoing (DIRECTION)"
        if not votes:
            for thread in self.threads.values():
                votes.update({canonical(k, k) for k in thread.participants if people(k)})
            how = "the person in the most conversations ({n:,} of {total:,})"
        if not votes:
            self._owner_is(set(), "")
            return
        (key, n), = votes.most_common(1)
        self._owner_is({key}, how.format(n=n, total=len(self.threads)))

    def _owner_is(self, keys: set[str], how: str) -> None:
        if how == BY_OPTION and name_key(self.owner_name) != name_key(self.profile_name):
            # Profile.csv is someone else's: none of it is the owner's.
            self.profile_name = self.owner_first = self.owner_last = self.owner_headline = self.owner_location = ""
        self.owner_keys = keys
        self.owner_names = set()
        self.summary.owner_chosen = how
        names = [self.identities[k].name for k in keys if k in self.identities and self.identities[k].name]
        self.summary.owner = self.profile_name if how == BY_PROFILE else (names[0] if names else self.owner_name)
