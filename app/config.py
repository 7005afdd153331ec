"""Where Parley keeps its files, and the user's TOML config file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("parley", appauthor=False))


def config_path() -> Path:
    override = os.environ.get("PARLEY_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The config file as a dict ({} when there is none)."""
    path = path or config_path()
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
