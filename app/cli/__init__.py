"""The `parley` command line (SPEC §9): `parser` holds every command and option, one
module per command family runs them as thin calls into ``app.core``, and `render`
prints tables, JSON and plain text.

Exit codes: 0 done · 2 bad usage or bad input · 3 refused by a rule · 1 anything else.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``app.cli.run``), without the garbage collector while it loads (it says why)."""
    gc.disable()
    from app.cli.run import main as run

    return run(argv)
