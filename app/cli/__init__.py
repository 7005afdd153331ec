"""The `parley` command line (SPEC §9): `parser` holds every command and option, one
module per command family runs them as thin calls into ``app.core``, and `render`
prints tables, JSON and plain text.

Exit codes: 0 done · 2 bad usage or bad input · 3 refused by a rule · 1 anything else.
"""

from app.cli.run import main

__all__ = ["main"]
