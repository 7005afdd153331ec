"""The tree shows the architecture: modules stay small enough to read whole, and which
database a store is on is known only to that database's backend."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
MOST_LINES = 900


def _modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def test_no_module_is_over_900_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MOST_LINES}
    assert long == {}


def test_only_each_backend_names_its_database():
    named = {"SqliteDatabase": "app/store/sqlite/", "PostgresqlDatabase": "app/store/postgres/"}
    strays = []
    for path in _modules():
        where = str(path.relative_to(ROOT))
        text = path.read_text()
        for name, home in named.items():
            if re.search(rf"\b{name}\b", text) and not where.startswith(home):
                strays.append(f"{where}: {name}")
    assert strays == []
