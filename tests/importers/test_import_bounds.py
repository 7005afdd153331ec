"""An import reads with bounds and follows no links: an overlong message is skipped and
reported, a zip bomb is refused before it is expanded, a folder's symlinks are skipped."""

from __future__ import annotations

import os
import zipfile

import pytest
from linkedin_samples import ANA, HEADER_2024, PROFILE_CSV, ROBIN, csv_text

from app.core.errors import BadInput
from app.core.plans import LIMITS
from app.interchange.linkedin.linkedin import import_linkedin
from app.store.models import Message


def _row(conversation: str, content: str) -> list[str]:
    return [conversation, "", "Ana Silva", ANA, "Robin Vale", ROBIN, "2024-03-05 14:22:01 UTC", "",
            content, "INBOX", "No", "No"]


def test_an_import_skips_a_message_longer_than_a_message_may_be(store, export):
    too_long = "x" * (LIMITS.message_body_max + 1)
    folder = (export().add("Profile.csv", PROFILE_CSV)
              .add("messages.csv", csv_text(HEADER_2024, [_row("2-a", "Hi Robin"), _row("2-b", too_long)]))
              .folder())
    summary = import_linkedin(folder)
    assert [m.body for m in Message.select()] == ["Hi Robin"]
    assert "Skipped 1 row: messages longer than a message may be (1)." in summary.describe()


def test_a_zip_member_that_would_expand_too_far_is_refused_unexpanded(store, tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.zip"
    header = (HEADER_2024 + "\r\n").encode()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("messages.csv", header + b" " * (8 * 1024**2))
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, *a, **k: opened.append("opened") or real_open(self, *a, **k))
    with pytest.raises(BadInput, match="it is refused unexpanded"):
        import_linkedin(bomb)
    assert opened == []
    assert Message.select().count() == 0


def test_a_folder_export_skips_symlinks_and_reports_them(store, export, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    folder = (export().add("Profile.csv", PROFILE_CSV)
              .add("messages.csv", csv_text(HEADER_2024, [_row("2-a", "Hi Robin")]))
              .folder())
    os.symlink(secret, folder / "Connections.csv")
    os.symlink(tmp_path / "nowhere", folder / "Invitations.csv")
    summary = import_linkedin(folder)
    assert [m.body for m in Message.select()] == ["Hi Robin"]
    note = summary.describe()
    assert "Skipped 2 symbolic links, which Parley does not follow: Connections.csv and Invitations.csv." in note
    assert "root:x" not in note
