"""Words as the full-text index holds them: one fold, at index time and at query time.

Both backends index the words made here, and a query is cut into words here too,
so a query's words are exactly the words the index holds, in every script.

The fold: NFKC (ligatures, full-width forms, ``²``), full case folding (``ß`` ->
``ss``, final sigma), then accents off where they are optional: Latin, Greek and
Cyrillic accents (``é`` -> ``e``, ``ё`` -> ``е``, ``й`` -> ``и``), Hebrew points
and Arabic vowel marks, and variation selectors. Marks that spell a word
(Devanagari, Thai, Bengali vowel signs) stay in it.

Words are runs of letters, numbers and kept marks. Scripts written without spaces
between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) and Korean, whose
words carry endings, are cut into overlapping pairs of characters (a character
with its marks), followed by the run's last character alone: ``東京都`` is
``東京 京都 都``. A word of such a script in a query is then the phrase of its
pairs, ending in its last character matched as the start of a word, so it is
found anywhere inside a longer run. A pictograph (an emoji) is a word of its own,
without its skin tone.

SQLite's FTS5 table uses the ``ascii`` tokenizer on the folded text: it splits on
ASCII spaces and punctuation, lowers ASCII letters and keeps every other
character, so it takes the words made here as they are. Text that is all ASCII
folds to what that tokenizer makes of it anyway, and goes in unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

# For SQLite's FTS5 tables: the folded text is only split, never folded again.
TOKENIZER = "tokenize = 'ascii'"
# The SQL function that folds a text for the index (``INSERT … SELECT`` from the messages).
SQL_FUNCTION = "parley_index_text"

GAP, WORD, PAIRED, MARK, PICTURE = range(5)

# Characters of the scripts cut into pairs (their letters, numbers and marks).
_PAIRED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul jamo
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3038, 0x303C),
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK ideographs
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xA9E0, 0xA9FF),  # Myanmar extended B
    (0xAA60, 0xAA7F),  # Myanmar extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x1B000, 0x1B16F),  # kana supplement and extensions
    (0x20000, 0x3FFFF),  # CJK extensions B and on
)

# Marks taken off: accents of Latin, Greek and Cyrillic letters (the combining
# diacritics blocks and Cyrillic's own), Hebrew points, Arabic vowel marks, and
# variation selectors (an emoji drawn as a picture or as text is the same word).
_DROPPED_RANGES = (
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x0591, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x08D3, 0x08FF),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
    (0xE0100, 0xE01EF),
)
_DROPPED = {
    code: None
    for low, high in _DROPPED_RANGES
    for code in range(low, high + 1)
    if unicodedata.category(chr(code))[0] == "M"
}
_DROPPED[0x0640] = None  # Arabic tatweel only stretches a word

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_KINDS: dict[str, int] = {}


def _kind(char: str) -> int:
    kind = _KINDS.get(char)
    if kind is None:
        category = unicodedata.category(char)
        code = ord(char)
        if category[0] == "M":
            kind = MARK
        elif category[0] in "LN" or category == "Co":
            kind = PAIRED if any(low <= code <= high for low, high in _PAIRED_RANGES) else WORD
        elif category == "So":
            kind = PICTURE
        else:
            kind = GAP
        _KINDS[char] = kind
    return kind


def fold(text: str) -> str:
    """``text`` with compatibility forms, case and optional marks folded away."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(_DROPPED))


def words(text: str) -> list[str]:
    """The index words of ``text``, in order."""
    if text.isascii():  # the common case, and a fast one
        return _ASCII_WORD.findall(text.lower())
    found: list[str] = []
    word: list[str] = []  # letters of a word, or characters (with their marks) of a paired run
    paired = False
    for char in fold(text):
        kind = _kind(char)
        if kind == MARK:
            if word:
                word[-1] += char  # a mark belongs to the letter before it
            continue
        if word and (kind != (PAIRED if paired else WORD)):
            _close(found, word, paired)
            word = []
        if kind == PICTURE:
            found.append(char)
        elif kind != GAP:
            paired = kind == PAIRED
            word.append(char)
    if word:
        _close(found, word, paired)
    return found


def _close(found: list[str], word: list[str], paired: bool) -> None:
    if not paired:
        found.append("".join(word))
        return
    found.extend(first + second for first, second in pairwise(word))
    found.append(word[-1])


def runs_on(word: str) -> bool:
    """Whether ``word`` is a single character of a paired script, which the index holds
    only as the start of a pair or at the end of a run: a query matches it as a word's start."""
    return _kind(word[0]) == PAIRED and all(_kind(char) == MARK for char in word[1:])


def index_text(text: str | None) -> str:
    """``text`` as SQLite's FTS5 table is given it: its words, space-separated."""
    if not text or text.isascii():
        return text or ""
    return " ".join(words(text))


def is_ascii_sql(column: str) -> str:
    """SQL that is true when the column's text is all ASCII (or NULL): as many bytes as characters."""
    return f"coalesce(length(CAST({column} AS BLOB)) = length({column}), 1)"


def add_sql_function(connection: sqlite3.Connection) -> None:
    """Make ``index_text`` callable in this SQLite connection's SQL, as SQL_FUNCTION."""
    connection.create_function(SQL_FUNCTION, 1, index_text, deterministic=True)
