"""What an import reports as it goes, for whoever draws it (the command line does).

The importer calls ``progress(stage, rows, fraction)``: fraction is 0..1 of the
bytes of the file being read, or None when unknown; rows is None for a stage that
counts nothing but takes time; ``progress("done", rows, 1.0)`` comes at the end.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, "int | None", "float | None"], None]
