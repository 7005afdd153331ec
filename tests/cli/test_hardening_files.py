"""The rules for the user's files: bounded reads, private writes, never through a symlink."""

from __future__ import annotations

import os

import pytest

from app.files import FileRefused, TooLarge, private_text_file, read_bounded, write_new_private


def test_saving_never_follows_a_symlink(tmp_path):
    target = tmp_path / "elsewhere.txt"
    link = tmp_path / "report.pdf"
    os.symlink(target, link)  # dangling: nothing at its target yet
    with pytest.raises(FileRefused, match="already exists"):
        write_new_private(link, b"attachment")
    assert not target.exists()
    saved = tmp_path / "saved.pdf"
    write_new_private(saved, b"attachment")
    assert saved.read_bytes() == b"attachment"
    assert (os.stat(saved).st_mode & 0o777) == 0o600


def test_a_read_stops_one_byte_past_its_limit(tmp_path):
    with pytest.raises(TooLarge, match="larger than 1,000 bytes"):
        read_bounded("/dev/zero", 1_000, "The file /dev/zero")
    exact = tmp_path / "exact"
    exact.write_bytes(b"a" * 1_000)
    assert read_bounded(exact, 1_000, "exact") == b"a" * 1_000


def test_a_written_file_replaces_a_symlink_rather_than_writing_through_it(tmp_path):
    target = tmp_path / "passwd"
    target.write_text("untouched")
    link = tmp_path / "export.csv"
    os.symlink(target, link)
    with private_text_file(link) as out:
        out.write("exported")
    assert target.read_text() == "untouched"
    assert not link.is_symlink() and link.read_text() == "exported"
    assert (os.stat(link).st_mode & 0o777) == 0o600



def test_saving_an_attachment_never_writes_through_a_dangling_symlink(store, tmp_path):
    from app.core import members, messaging
    from app.core.errors import BadInput
    from app.store.models import Attachment

    for handle in ("ana", "ben"):
        members.add_member(handle, handle.title())
    members.connect("ana", "ben")
    ana, ben = members.member_by_handle("ana"), members.member_by_handle("ben")
    sent = messaging.send(ana.id, ["ben"], "The agenda", attachments=[("agenda.txt", b"09:00 coffee", "text/plain")])
    attachment = Attachment.get(Attachment.message == sent.message)
    elsewhere = tmp_path / "elsewhere.txt"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "agenda.txt").symlink_to(elsewhere)
    with pytest.raises(BadInput, match="already exists"):
        messaging.save_attachment(ben.id, attachment.id, downloads)
    assert not elsewhere.exists()
    saved = messaging.save_attachment(ben.id, attachment.id, tmp_path / "agenda-copy.txt")
    assert saved.read_bytes() == b"09:00 coffee" and oct(saved.stat().st_mode & 0o777) == "0o600"
