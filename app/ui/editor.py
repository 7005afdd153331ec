"""Editing text in the user's own editor ($VISUAL, then $EDITOR, then vi), from Compose or a reply."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported


class EditorFailed(Exception):
    """The editor could not run; the message is the sentence to show."""


def edit_in_editor(app: App, text: str) -> str:
    """The text as the editor left it (the app is suspended meanwhile)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="parley-", delete=False, encoding="utf-8") as handle:
        handle.write(text)
        path = Path(handle.name)
    try:
        with app.suspend():
            subprocess.run([*shlex.split(editor), str(path)], check=False)
        edited = path.read_text(encoding="utf-8")
    except SuspendNotSupported:
        raise EditorFailed("This terminal can't hand over to an editor; edit the text here.") from None
    except (OSError, ValueError) as err:
        raise EditorFailed(f"Couldn't run the editor {editor!r}: {err}.") from None
    finally:
        path.unlink(missing_ok=True)
    # Editors end the file with a newline the user never typed.
    if edited.endswith("\n") and not text.endswith("\n"):
        edited = edited[:-1]
    return edited


def edit_box(app: App, box, failed) -> None:
    """Hand a text box's text to the editor and take it back, focused; ``failed(sentence)``
    shows why when the editor could not run."""
    try:
        box.value = edit_in_editor(app, box.text)
    except EditorFailed as error:
        failed(str(error))
    box.focus()
