"""The installed `parley` in a real terminal: tmux runs it, the test types keys and reads the screen.

The tmux server is a private one (its own socket), so the test never touches the
user's sessions, and it is killed at the end whatever happens.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# The console script of this environment first (a venv's bin is not always on PATH).
PARLEY = shutil.which("parley", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
TMUX = shutil.which("tmux")
FIXED_NOW = "2026-03-02T09:00:00Z"

# Facts of the demo store on the fixed clock: the newest conversation, and a word
# that only the platform team's group conversation holds.
NEWEST = "Kevin Osei"
SEARCH_WORD = "offsite"
FOUND = "Daniel Okafor, Marcus"  # the group title, cut to the list's name column


class Terminal:
    """One tmux session on a private server, 100 columns by 30 rows unless told."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.session = "parley"
        self.size = (100, 30)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str) -> None:
        width, height = self.size
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def press_and_see(self, what: str, *keys: str) -> str:
        """Press keys and wait until the screen has changed (a box opened, a focus moved)."""
        before = self.screen()
        self.press(*keys)
        return self.wait_until(what, lambda screen: screen != before)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def wait_until(self, what: str, ready, timeout: float = 20.0) -> str:
        """The screen once ready(screen) holds; fails with the last screen after timeout."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout:.0f}s for {what}; the screen shows:\n{screen}")

    def shows(self, text: str, timeout: float = 20.0) -> str:
        return self.wait_until(repr(text), lambda screen: text in screen, timeout)

    def hides(self, text: str, timeout: float = 20.0) -> str:
        return self.wait_until(f"{text!r} to go", lambda screen: text not in screen, timeout)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture
def terminal():
    if PARLEY is None:
        pytest.skip("the parley console script is not installed: pip install -e . first")
    if TMUX is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    term = Terminal(f"parley-e2e-{os.getpid()}-{time.monotonic_ns()}")
    try:
        yield term
    finally:
        term.close()


def start_demo(terminal: Terminal, tmp_path: Path) -> Path:
    """`parley demo` on a new store in the terminal; the store's path."""
    demo = tmp_path / "demo.db"
    environment = {
        "PARLEY_NOW": FIXED_NOW,
        "PARLEY_CONFIG": str(tmp_path / "config.toml"),  # none: the default keys
        "PARLEY_GLYPHS": "unicode",
    }
    settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items())
    # COLUMNS and LINES (pytest may set them) would override the pane's real size.
    # After quitting, the pane says how parley exited, so the test can read it.
    terminal.start(
        f"env -u COLUMNS -u LINES {settings} {shlex.quote(PARLEY)} demo --db {shlex.quote(str(demo))}; "
        'echo "parley exited $?"; sleep 60'
    )
    return demo


def test_the_demo_in_a_real_terminal(terminal, tmp_path):
    start_demo(terminal, tmp_path)

    # The demo store is built first, then the inbox opens with its filters and counts.
    inbox = terminal.wait_until(
        "the inbox", lambda screen: "1 All" in screen and NEWEST in screen, timeout=180
    )
    assert "InMail" in inbox and "(@me)" in inbox

    # enter opens the newest conversation; escape goes back to the inbox.
    terminal.press("Enter")
    terminal.wait_until(
        f"{NEWEST}'s conversation", lambda screen: "1 All" not in screen and NEWEST in screen
    )
    terminal.press("Escape")
    terminal.shows("1 All")

    # c opens Compose with its route line; escape closes it and nothing was typed to keep.
    terminal.press("c")
    terminal.shows("New message")
    terminal.shows("the route shows here")
    terminal.press("Escape")
    terminal.hides("New message")
    terminal.shows("1 All")

    # / searches names, subjects and bodies; enter shows what matched.
    # Typing before the search box is open would send the letters to the list as keys.
    terminal.press_and_see("the search box", "/")
    terminal.type(SEARCH_WORD)
    terminal.shows(SEARCH_WORD)
    terminal.press("Enter")
    found = terminal.wait_until(
        f"the search for {SEARCH_WORD!r}", lambda screen: FOUND in screen and NEWEST not in screen
    )
    assert SEARCH_WORD in found and "1 match" in found

    # escape clears the search (waited for: an escape right before a key reads as alt+key);
    # q quits, cleanly.
    terminal.press("Escape")
    terminal.shows(NEWEST)
    terminal.press("q")
    terminal.shows("parley exited 0")


# A row of the list ends with its date: a time today, a day this year, or a full date.
DATED_ROW = re.compile(r"(\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}( \d{4})?) ?.?$")


def archived_count(screen: str) -> int:
    """The Archived filter's count, as the filter bar shows it (its label may be shortened)."""
    found = re.search(r"\b8 Ar\w* (\d+)", screen)
    assert found, screen
    return int(found.group(1))


def test_an_80x24_terminal_shows_19_conversations_and_triages_by_keys_alone(terminal, tmp_path):
    terminal.size = (80, 24)
    demo = start_demo(terminal, tmp_path)
    screen = terminal.wait_until("the inbox", lambda screen: "1 All" in screen and NEWEST in screen,
                                 timeout=180)
    lines = screen.splitlines()
    rows = [line for line in lines[1:] if DATED_ROW.search(line.rstrip())]
    assert len(rows) >= 19, screen
    assert all(len(line) <= 80 for line in lines)
    archived = archived_count(screen)

    # Read five conversations in a row: open, J four times, back with q.
    terminal.press("Enter")
    terminal.wait_until("the first thread", lambda screen: "1 All" not in screen)
    for _ in range(4):
        terminal.press_and_see("the next conversation", "J")
    terminal.press("q")
    terminal.shows("1 All")

    # Ten conversations archived, one key each, each seen to leave the list.
    for done in range(1, 11):
        terminal.press("e")
        terminal.wait_until(f"{done} archived", lambda screen: archived_count(screen) == archived + done)
    terminal.press("q")
    terminal.shows("parley exited 0")

    listed = subprocess.run(
        [PARLEY, "--db", str(demo), "inbox", "--filter", "archived", "--json", "--limit", "100"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PARLEY_NOW": FIXED_NOW, "PARLEY_CONFIG": str(tmp_path / "config.toml")},
    )
    assert len(json.loads(listed.stdout)) == archived + 10
