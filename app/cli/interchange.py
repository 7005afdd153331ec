"""Import from LinkedIn's data export, and export the acting member's conversations."""

from __future__ import annotations

import os
import sys

from app.cli.render import EXIT_OK, unguarded
from app.cli.session import acting_member, open_store
from app.core.errors import BadInput


def import_linkedin(args) -> int:
    from app.cli.progress import ImportProgress
    from app.interchange.linkedin.linkedin import import_linkedin as run_import

    open_store(args)
    # The progress bar moves the cursor on purpose; its words are Parley's own.
    with ImportProgress(unguarded(sys.stderr)) as progress:
        summary = run_import(args.path, progress=progress)
    print(summary.describe())
    return EXIT_OK


def export(args) -> int:
    from app.interchange.export import export as run_export

    open_store(args)
    me = acting_member(args)
    if not args.out:
        # The export makes its own cells safe to show, and its CSV lines end in CR LF.
        run_export(me.id, args.format, unguarded(sys.stdout), visible=True)
        return EXIT_OK
    # Written beside the target and renamed, so a failed export never leaves half a file.
    partial = f"{args.out}.partial"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            run_export(me.id, args.format, out)
        os.replace(partial, args.out)
    except OSError as exc:
        raise BadInput(f"Can't write {args.out}: {exc.strerror}.") from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"Exported your conversations to {args.out}.", file=sys.stderr)
    return EXIT_OK
