"""The core and everything beside it but the screens run without the terminal UI:
importing them loads neither textual nor rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import app.bench
import app.core
import app.demo
import app.interchange

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return sorted(
        info.name
        for package in (app.core, app.interchange, app.bench, app.demo)
        for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
        if not info.ispkg
    )


def test_every_core_module_is_found():
    assert {"app.core.members", "app.core.credits", "app.core.routing", "app.core.messaging",
            "app.interchange.linkedin.linkedin", "app.bench.data", "app.demo.build"} <= set(core_modules())


def test_importing_the_core_loads_neither_textual_nor_rich():
    program = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(ui))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
