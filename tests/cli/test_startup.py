"""A command line quick enough for scripts: what a command loads, --version and completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "rich", "psycopg", "psycopg2", "peewee")
LOADED = ("import sys\nfrom app.cli import main\ncode = main(sys.argv[1:])\n"
          "print(code, sorted({name.split('.')[0] for name, module in sys.modules.items() if module}"
          f" & set({HEAVY!r})))")


def parley_loads(*argv: str, env: dict[str, str]) -> str:
    """Run a command in a new interpreter; its exit code and which heavy packages it loaded."""
    done = subprocess.run([sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, **env})
    return done.stdout.splitlines()[-1]


@pytest.fixture
def store(tmp_path):
    db = str(tmp_path / "parley.db")
    env = {"PARLEY_NOW": "2026-03-02T09:00:00Z", "PARLEY_CONFIG": str(tmp_path / "no-config.toml")}
    assert parley_loads("--db", db, "member", "add", "me", "--name", "Maya Chen", env=env) == "0 ['peewee']"
    return db, env


def test_a_command_on_a_sqlite_store_loads_neither_the_screens_nor_rich_nor_a_postgresql_driver(store):
    db, env = store
    assert parley_loads("--db", db, "--as", "me", "inbox", "--limit", "1", env=env) == "0 ['peewee']"
    assert parley_loads("--db", db, "member", "list", "--json", env=env) == "0 ['peewee']"


def test_help_version_and_completion_load_no_database_code(store):
    _, env = store
    for argv in (["--help"], ["--version"], ["completion", "bash"]):
        assert parley_loads(*argv, env=env) == "0 []"


def test_the_import_draws_its_progress_with_rich(store, tmp_path):
    db, env = store
    export = tmp_path / "export"
    export.mkdir()
    (export / "messages.csv").write_text("CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
                                         "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n")
    assert parley_loads("--db", db, "import", "linkedin", str(export), env=env) == "0 ['peewee', 'rich']"


def test_version_is_the_installed_packages(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"parley {version('parley')}\n"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_every_command_and_its_options(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for word in ("member", "send", "inbox", "import", "linkedin", "completion", "--body-file", "--filter"):
        assert word in script
    if shell == "bash" and shutil.which("bash"):
        checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    if shell == "fish":
        assert "complete -c parley" in script
    if shell == "zsh":
        assert script.startswith("#compdef parley")


def test_completion_names_a_shell():
    assert main(["completion", "tcsh"]) == 2


def test_the_screens_start_without_the_garbage_collector_and_a_command_runs_with_it(monkeypatch, tmp_path):
    """Starting up makes objects that live on: the cyclic collector only slows the first paint.
    It is off until the screens show their first page, and on for every other command's work
    and after any command ends."""
    import gc

    from app.cli import launch, members as members_cli

    seen: dict[str, bool] = {}
    monkeypatch.setattr(launch, "_run_app", lambda target, acting: seen.setdefault("screens", gc.isenabled()) and 0)
    real_add = members_cli.member_add

    def member_add(args):
        seen["command"] = gc.isenabled()
        return real_add(args)

    monkeypatch.setattr(members_cli, "member_add", member_add)
    db = str(tmp_path / "parley.db")
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "no-config.toml"))
    assert main(["--db", db, "member", "add", "zoe", "--name", "Ζωή Παπαδοπούλου"]) == 0
    assert main(["--db", db, "--as", "zoe"]) == 0
    assert seen == {"command": True, "screens": False}
    assert gc.isenabled()
