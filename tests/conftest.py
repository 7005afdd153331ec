"""Shared fixtures: a fresh store per test, on a fixed clock."""

from __future__ import annotations

import pytest

from app.store.db import open_store

FIXED_NOW = "2026-03-02T09:00:00Z"


@pytest.fixture
def clock(monkeypatch):
    """Set the one clock: clock("2026-03-05T10:00:00Z")."""

    def set_now(value: str) -> None:
        monkeypatch.setenv("PARLEY_NOW", value)

    set_now(FIXED_NOW)
    return set_now


@pytest.fixture
def store(tmp_path, clock):
    """A new, empty SQLite store bound to the models."""
    st = open_store(str(tmp_path / "parley.db"))
    yield st
    st.close()
