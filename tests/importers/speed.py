"""Measure the import speed on a generated messages.csv (SPEC §10, issue 5: ≥ 50,000 rows/s).

    python tests/importers/speed.py [--rows 500000] [--per-conversation 10] [--newest-first] [--keep DIR]

Writes a 2024-layout messages.csv of made-up people (10 messages a conversation
unless told otherwise; oldest first, or newest first as LinkedIn lists them),
imports it into a new SQLite store, and prints the rate and the peak memory of
the process and of the copy of it that makes the message rows (resource.getrusage). The test suite runs a small version of this
(tests/importers/test_import_progress_and_speed.py); the full run is this script.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

HEADER = [
    "CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
    "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT",
    "IS CONVERSATION DRAFT",
]
FIRST = ["Ana", "Ben", "Chidi", "Dana", "Eli", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kemi", "Lars"]
LAST = ["Silva", "Okafor", "Nwosu", "Kowalczyk", "Fischer", "Haddad", "Petrov", "Sato", "Novak", "Lee"]
WORDS = ("payments roadmap offsite porto invoice launch review budget hiring design "
         "migration latency customer contract quarterly demo feedback").split()


def write_messages_csv(path: Path, rows: int, per_conversation: int = 10, newest_first: bool = False) -> None:
    owner, owner_url = "Robin Vale", "https://www.linkedin.com/in/robin-vale"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(rows):
            conversation = n // per_conversation
            other = f"{FIRST[conversation % len(FIRST)]} {LAST[(conversation // len(FIRST)) % len(LAST)]}"
            other_url = f"https://www.linkedin.com/in/person-{conversation % 20000}"
            day, second = divmod(rows - 1 - n if newest_first else n, 86_400)
            date = f"20{18 + day % 7:02d}-{1 + day % 12:02d}-{1 + day % 28:02d} " \
                   f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} UTC"
            words = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(14))
            content = f'Message {n}: about the {words}, "quoted", done.'
            if n % 2:
                row = [f"2-{conversation:08x}", "", owner, owner_url, other, other_url]
            else:
                row = [f"2-{conversation:08x}", "", other, other_url, owner, owner_url]
            folder = "ARCHIVE" if conversation % 5 == 0 else "INBOX"
            writer.writerow(row + [date, "", content, folder, "No", "No"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--per-conversation", type=int, default=10,
                        help="messages in each conversation (memory grows with conversations, not messages)")
    parser.add_argument("--newest-first", action="store_true",
                        help="list the messages newest first, as LinkedIn does (the import sorts them)")
    parser.add_argument("--keep", help="a folder to keep the CSV and store in")
    args = parser.parse_args()
    os.environ.setdefault("PARLEY_NOW", "2026-03-02T09:00:00Z")
    from app.interchange.linkedin.linkedin import import_linkedin
    from app.cli.progress import ImportProgress
    from app.store.db import open_store

    work = Path(args.keep or tempfile.mkdtemp(prefix="parley-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / "export"
    source.mkdir(exist_ok=True)
    csv_path = source / "messages.csv"
    if not csv_path.exists():
        write_messages_csv(csv_path, args.rows, args.per_conversation, args.newest_first)
    store_path = work / "speed.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(store_path) + suffix).unlink(missing_ok=True)
    store = open_store(str(store_path))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with ImportProgress(sys.stderr) as progress:
        summary = import_linkedin(source, progress=progress)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    copy_peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    store.close()
    print(summary.describe(), file=sys.stderr)
    print(json.dumps({
        "rows": args.rows,
        "order": "newest first" if args.newest_first else "oldest first",
        "conversations": summary.conversations,
        "messages": summary.messages,
        "seconds": round(seconds, 2),
        "rows_per_second": round(args.rows / seconds),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "rss_before_import_mib": round(before / 1024, 1),
        "row_process_peak_rss_mib": round(copy_peak_kib / 1024, 1),
        "csv_mib": round(csv_path.stat().st_size / 2**20, 1),
    }))


if __name__ == "__main__":
    main()
