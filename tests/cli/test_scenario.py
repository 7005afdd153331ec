"""The README's walk-throughs (its first conversation, a workday in a shared inbox), run line
by line: the commands a newcomer pastes, and the output they see. If the product changes what
it prints, the README must change too."""

from __future__ import annotations

import re
import shlex
import time
from pathlib import Path

import pytest

from app.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


SECTIONS = ("A first conversation", "One workday in a shared inbox")


def scenario(title: str = SECTIONS[0]) -> list[tuple[str, str]]:
    """(command, expected output) pairs from the console block of a README section."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL).group(1)
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "".join(f"{line}\n" for line in output)) for command, output in steps]


def test_the_readme_scenario_has_the_steps_it_promises():
    commands = [command for command, _ in scenario()]
    assert any(" send " in c and "--subject" in c for c in commands)
    assert any(" reply " in c for c in commands)
    assert any(c.endswith(" credits") for c in commands)


def test_the_readme_workday_shows_every_part_of_a_shared_inbox():
    commands = " | ".join(command for command, _ in scenario(SECTIONS[1]))
    for step in ("delegate add", "assign", "note", "--filter mine", "reply", "audit"):
        assert step in commands


@pytest.mark.parametrize("title", SECTIONS)
def test_the_readme_scenario_runs_as_written(title, tmp_path, monkeypatch, capsys, backend, store_target, store):
    # Dates in the README are shown in UTC, tables are as wide as a 120-column terminal.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("PARLEY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.chdir(tmp_path)
    for command, expected in scenario(title):
        words = shlex.split(command)
        if words[0] == "export":
            for assignment in words[1:]:
                key, value = assignment.split("=", 1)
                if key == "PARLEY_DB" and backend == "postgres":
                    value = store_target  # the same scenario against a PostgreSQL server
                monkeypatch.setenv(key, value)
            continue
        assert words[0] == "parley"
        capsys.readouterr()
        code = main(words[1:])
        out, err = capsys.readouterr()
        assert out + err == expected, command
        assert code == (3 if err else 0), command


@pytest.fixture(autouse=True)
def _local_time_restored():
    yield
    time.tzset()


def test_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one():
    setup = README.read_text(encoding="utf-8").split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, re.DOTALL)
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/parley demo",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
    ]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    # CI makes its own fresh venv, puts it first on PATH, then runs the README's command.
    assert 'python3 -m venv "$work/venv"' in ci
    readme_test = commands[1].split(" && ", 1)[1].replace(".venv/bin/", "")
    assert ci.rstrip().splitlines()[-1] == readme_test


def test_every_file_the_readme_links_to_exists():
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in t and not t.startswith("#")]
    missing = [t for t in targets if not (README.parent / t.split("#")[0]).exists()]
    assert missing == []
