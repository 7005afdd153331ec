"""CSV cells that a spreadsheet would run as a formula, guarded with a leading quote.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
(or becomes one) in a spreadsheet; the export writes it with a ``'`` before it, which a
spreadsheet shows as text. A cell made of quotes before such a character gets one quote
more, so that the import can take exactly one away and read back what was exported.
"""

from __future__ import annotations

import re

TRIGGERS = "=+-@\t\r"
GUARD = "'"
_GUARDED = re.compile(f"'+[{re.escape(TRIGGERS)}]")


def guard(cell: str) -> str:
    if cell and (cell[0] in TRIGGERS or (cell[0] == GUARD and _GUARDED.match(cell))):
        return GUARD + cell
    return cell


def unguard(cell: str) -> str:
    """The cell as it was before ``guard``."""
    return cell[1:] if cell[:1] == GUARD and _GUARDED.match(cell) else cell
