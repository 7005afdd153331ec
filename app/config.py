"""Where Parley keeps its files, and the user's TOML config file, read into typed settings.

A key the config does not know, or a value of the wrong type, is not fatal: it is
left out and reported as one line naming the key, and everything else still applies.
Only a file that is not TOML at all is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Config:
    """The settings a config file may hold; ``problems`` are the lines to warn about."""

    db: str | None = None  # the store: a path or a postgresql:// URL
    acting: str | None = None  # "as" in the file: the acting member's handle
    glyphs: str | None = None  # "unicode" or "plain"
    list_density: str | None = None  # "list" in the file: "one-line" or "two-line" conversation rows
    keys: dict[str, str | list[str]] = field(default_factory=dict)  # binding id → keys, e.g. "j,down"
    enter_sends: bool | None = None  # "enter-sends": enter sends a reply (else a newline; ctrl+s sends)
    problems: tuple[str, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        """A setting by its name in the file (``as`` for ``acting``), as the screens read them."""
        value = getattr(self, FILE_NAMES.get(key, ""), None)
        return default if value is None else value


# Each setting's name in the file, and the field that holds it.
FILE_NAMES = {"db": "db", "as": "acting", "glyphs": "glyphs", "list": "list_density", "keys": "keys",
              "enter-sends": "enter_sends"}
TEXT_KEYS = ("db", "as", "glyphs", "list")
SWITCH_KEYS = ("enter-sends",)
# Settings that take one of a few words.
CHOICES = {"list": ("one-line", "two-line")}


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("parley", appauthor=False))


def config_path() -> Path:
    override = os.environ.get("PARLEY_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config file's settings (the defaults when there is no file)."""
    path = path or config_path()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
            mode = os.fstat(fh.fileno()).st_mode
    except FileNotFoundError:
        return Config()
    import tomllib  # only when there is a file: most commands run without one

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
    config = read_config(table, path)
    if mode & 0o077 and _holds_password(config.db):
        warning = f"{path} holds a database password that others can read; make it private: chmod 600 {path}"
        config = replace(config, problems=(*config.problems, warning))
    return config


def _holds_password(db: str | None) -> bool:
    from urllib.parse import urlsplit

    try:  # a path has no password part; only a URL can
        return bool(db) and urlsplit(db).password is not None
    except ValueError:
        return False


def read_config(table: dict[str, Any], path: Path) -> Config:
    """The settings in a parsed config table; what does not fit is reported, not applied."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in table.items():
        if key == "keys":
            values["keys"] = _keys(value, path, problems)
        elif key in CHOICES and value not in CHOICES[key]:
            choices = " or ".join(f'"{choice}"' for choice in CHOICES[key])
            problems.append(f"{path}: '{key}' should be {choices}; it is ignored.")
        elif key in TEXT_KEYS:
            if isinstance(value, str):
                values[FILE_NAMES[key]] = value
            else:
                problems.append(f"{path}: '{key}' should be text, not {_kind(value)}; it is ignored.")
        elif key in SWITCH_KEYS:
            if isinstance(value, bool):
                values[FILE_NAMES[key]] = value
            else:
                problems.append(f"{path}: '{key}' should be true or false, not {_kind(value)}; it is ignored.")
        else:
            known = ", ".join(FILE_NAMES)
            problems.append(f"{path}: unknown key '{key}' (known keys: {known}); it is ignored.")
    return Config(**values, problems=tuple(problems))


def _keys(value: Any, path: Path, problems: list[str]) -> dict[str, str | list[str]]:
    if not isinstance(value, dict):
        problems.append(f"{path}: 'keys' should be a table of binding = \"keys\", not {_kind(value)}; it is ignored.")
        return {}
    keys: dict[str, str | list[str]] = {}
    for binding, chosen in value.items():
        if isinstance(chosen, str) or (isinstance(chosen, list) and all(isinstance(k, str) for k in chosen)):
            keys[binding] = chosen
        else:
            problems.append(f"{path}: 'keys.{binding}' should be text or a list of text, not {_kind(chosen)}; "
                            "it is ignored.")
    return keys


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table", str: "text"}
    return names.get(type(value), type(value).__name__)

