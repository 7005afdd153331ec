"""Import from LinkedIn's data export, and export the acting member's conversations."""

from __future__ import annotations

import sys

from app.cli.render import EXIT_OK, unguarded
from app.cli.session import acting_member, open_store


def import_linkedin(args) -> int:
    from app.cli.progress import ImportProgress
    from app.interchange.linkedin.archive import LinkedInExport
    from app.interchange.linkedin.linkedin import import_linkedin as run_import

    # A path that is no export is refused before the store is opened (or made).
    LinkedInExport(args.path).close()
    if args.dry_run:
        return _dry_run(args)
    open_store(args)
    # The progress bar moves the cursor on purpose; its words are Parley's own.
    with ImportProgress(unguarded(sys.stderr)) as progress:
        summary = run_import(args.path, progress=progress, owner=args.owner or "")
    print(summary.describe())
    return EXIT_OK


def _dry_run(args) -> int:
    """The import done and reported, then rolled back. A store that does not exist yet is
    not made: the import runs on an empty store of its own, dropped after."""
    import tempfile
    from pathlib import Path

    from app.cli.progress import ImportProgress
    from app.interchange.linkedin.linkedin import import_linkedin as run_import
    from app.store.db import open_store as open_
    from app.store.target import is_postgres_url

    with tempfile.TemporaryDirectory(prefix="parley-dry-run-") as scratch:
        exists = is_postgres_url(args.target) or Path(args.target).expanduser().exists()
        store = open_(args.target if exists else str(Path(scratch) / "store.db"), create=not exists)
        try:
            with ImportProgress(unguarded(sys.stderr)) as progress:
                summary = run_import(args.path, progress=progress, owner=args.owner or "", dry_run=True)
        finally:
            store.close()
    print(summary.describe())
    return EXIT_OK


def export(args) -> int:
    from app.files import private_text_file, refuse_existing
    from app.interchange.export import export as run_export
    from app.store.target import store_files

    if args.out:
        # Before the store is opened: the store itself is never written over, nor any file unasked.
        refuse_existing(args.out, protected=store_files(args.target), force=args.force)
    open_store(args)
    me = acting_member(args)
    if not args.out:
        # The export makes its own cells safe to show, and its CSV lines end in CR LF.
        run_export(me.id, args.format, unguarded(sys.stdout), visible=True)
        return EXIT_OK
    with private_text_file(args.out) as out:
        run_export(me.id, args.format, out)
    print(f"Exported your conversations to {args.out}.", file=sys.stderr)
    return EXIT_OK
