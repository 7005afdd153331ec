"""Fixtures that build LinkedIn exports in tmp_path from the samples module."""

from __future__ import annotations

import pytest

from linkedin_samples import CONNECTIONS_CSV, PROFILE_CSV, Export, messages_2024

from app.interchange.linkedin import linkedin
from app.interchange.linkedin.forked import can_fork


@pytest.fixture(autouse=True, params=["rows-made-here", "rows-made-by-a-copy"])
def rows_made(request, monkeypatch):
    """Every test here runs twice: with the message rows made by the importing process, as
    small imports do, and by a forked copy of it, as large imports do."""
    if request.param == "rows-made-by-a-copy":
        if not can_fork():
            pytest.skip("this platform cannot fork")
        monkeypatch.setattr(linkedin, "FORKED_ROWS", 0)
    return request.param


@pytest.fixture
def export(tmp_path):
    """A new export; call it with a sub-folder name to build several."""
    made: dict[str, Export] = {}

    def build(name: str = "a") -> Export:
        made[name] = Export(tmp_path / name)
        return made[name]

    return build


@pytest.fixture
def robin_export(export):
    """Robin Vale's full 2024 export."""
    return (
        export("robin")
        .add("Profile.csv", PROFILE_CSV)
        .add("Connections.csv", CONNECTIONS_CSV)
        .add("messages.csv", messages_2024())
    )
