"""The row of filters with their live counts, on one line; or, in search results, what was searched.

Each filter shows as `KEY LABEL COUNT` (keys 1–9 in the order of SPEC §5, then 0).
A shared inbox has two more after the nine, Mine and Unassigned, keyed by their initials.
When the filters do not fit the width, the longest labels give up letters first
(a label keeps its first letters; of several words, the last names the filter), and
Drafts is left out before the filters lose more than that.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from app.core.views import DRAFTS, FILTER_LABELS, FILTERS, TEAM_FILTERS, Counts
from app.ui.keymap import TEAM_FILTER_KEYS
from app.ui.text import literal

SHORTEST_LABEL = 1  # the key already names the filter; its first letter is a reminder
ROOMY_LABEL = 3  # letters every label keeps before a filter after the ninth is shown
ALWAYS_SHOWN = 9  # the filters of keys 1–9 (and a shared inbox's two); Drafts appears where there is room
GAPS = ("  ", " ")  # two spaces between filters where they fit, else one


def short_count(count: int) -> str:
    """56 → "56"; 1234 → "1.2k"; 56789 → "57k"; 1234567 → "1.2M"."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size:
            value = count / size
            return f"{value:.1f}".removesuffix(".0") + suffix if value < 10 else f"{round(value)}{suffix}"
    return str(count)


def filter_key(number: int) -> str:
    """The key of the filter in this place: 1…9, then 0."""
    return str(number % 10)


# The places of a shared inbox's filters, after Drafts' 10; shown before Drafts.
TEAM_PLACES: dict[str, int] = {name: len(FILTERS) + 2 + index for index, name in enumerate(TEAM_FILTERS)}


def key_of(number: int, name: str) -> str:
    return TEAM_FILTER_KEYS.get(name) or filter_key(number)


def fit_labels(labels: list[str], room: int) -> list[str] | None:
    """The labels as they fit in `room` cells in all: whole when they can be, else the
    longest first gives up a letter, again and again; None when even the shortest forms
    do not fit."""
    if sum(map(len, labels)) <= room:
        return labels
    shown = [_significant(label) for label in labels]
    while sum(map(len, shown)) > room:
        longest = max(range(len(shown)), key=lambda i: len(shown[i]))
        if len(shown[longest]) <= SHORTEST_LABEL:
            return None
        shown[longest] = shown[longest][:-1]
    return shown


def _significant(label: str) -> str:
    """The word of a label that names the filter ("My connections" → "Connections")."""
    last = label.split()[-1]
    return last[:1].upper() + last[1:]


class FilterBar(Widget):
    COMPONENT_CLASSES = {"filter-bar--active", "filter-bar--key", "filter-bar--unread"}
    DEFAULT_CSS = """
    FilterBar { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = "all"
        self.counts: Counts | None = None
        self.focused_inbox = True
        self.searching: str | None = None
        self.found: int | None = None  # how many conversations the search found, once counted
        self.shared = False  # the inbox has delegates: Mine and Unassigned are shown

    def show(self, active: str, counts: Counts | None = None, *, focused_inbox: bool | None = None,
             searching: str | None = None, found: int | None = None, shared: bool | None = None) -> None:
        self.active = active
        if counts is not None:
            self.counts = counts
        if focused_inbox is not None:
            self.focused_inbox = focused_inbox
        if shared is not None:
            self.shared = shared
        self.searching = searching
        self.found = found
        self.refresh()

    def visible_filters(self) -> list[tuple[int, str]]:
        """(place, filter) pairs shown; Focused and Other merge into All when off."""
        shown = [
            (number, name)
            for number, name in enumerate(FILTERS, 1)
            if self.focused_inbox or name not in ("focused", "other")
        ]
        if self.shared:
            shown += [(TEAM_PLACES[name], name) for name in TEAM_FILTERS]
        return [*shown, (len(FILTERS) + 1, DRAFTS)]

    def layout_filters(self, width: int) -> tuple[str, list[tuple[int, str, str, str]]]:
        """The gap between filters, and (place, filter, label as shown, count as shown)
        for the filters that fit in `width`: the layout whose labels keep the most letters."""
        chosen = self.visible_filters()
        always = max(ALWAYS_SHOWN, len(chosen) - 1)  # all but Drafts, in a shared inbox
        while True:
            counts = [short_count(self.counts.by_filter.get(name, 0)) if self.counts else ""
                      for _, name in chosen]
            fixed = sum(len(key_of(number, name)) + 1 + (len(count) + 1 if count else 0)
                        for (number, name), count in zip(chosen, counts))
            layouts = []
            for gap in GAPS:
                labels = fit_labels([FILTER_LABELS[name] for _, name in chosen],
                                    width - fixed - len(gap) * (len(chosen) - 1))
                if labels is not None:
                    layouts.append((min(map(len, labels)), len(gap), gap, labels))
            best = max(layouts, default=None)
            # Drafts comes only where the labels stay readable.
            if len(chosen) <= always or (best is not None and best[0] >= ROOMY_LABEL):
                break
            chosen = chosen[:-1]
        if best is None:  # a very narrow terminal: the line ends in an ellipsis
            gap, labels = GAPS[-1], [_significant(FILTER_LABELS[name])[:SHORTEST_LABEL] for _, name in chosen]
        else:
            gap, labels = best[2], best[3]
        return gap, [(number, name, label, count)
                     for (number, name), label, count in zip(chosen, labels, counts)]

    def render(self) -> Text:
        if self.searching is not None:
            return self._search_line()
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        key_style = self.get_component_rich_style("filter-bar--key", partial=True)
        active_style = self.get_component_rich_style("filter-bar--active", partial=True)
        gap, shown_filters = self.layout_filters(max(self.size.width, 20))
        for place, (number, name, label, count) in enumerate(shown_filters):
            link = Style.from_meta({"@click": f"screen.filter('{name}')"})
            if place:
                text.append(gap)
            text.append(key_of(number, name), key_style + link)
            text.append(" ", link)
            shown = label + (f" {count}" if count else "")
            text.append(shown, (active_style if name == self.active else Style()) + link)
        return text

    def _search_line(self) -> Text:
        """What was searched, in which filter, and how many conversations matched."""
        active_style = self.get_component_rich_style("filter-bar--active", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f"Search “{literal(self.searching or '', one_line=True)}”", active_style)
        text.append(f" in {FILTER_LABELS.get(self.active, self.active)}")
        if self.found is None:
            text.append(" · searching…")
        else:
            text.append(f" · {self.found} {'match' if self.found == 1 else 'matches'}")
        text.append(" · esc back to the list")
        return text
