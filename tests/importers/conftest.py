"""Fixtures that build LinkedIn exports in tmp_path from the samples module."""

from __future__ import annotations

import pytest

from linkedin_samples import CONNECTIONS_CSV, PROFILE_CSV, Export, messages_2024


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
