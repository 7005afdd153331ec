"""The config file: known keys typed; a mistake is one warning naming its key, never a crash."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.config import Config, load_config


@pytest.fixture
def config(tmp_path, monkeypatch, clock):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("PARLEY_CONFIG", str(path))
    monkeypatch.delenv("PARLEY_DB", raising=False)
    return path


def test_the_known_keys_are_read_with_their_types(config):
    config.write_text('db = "team.db"\nas = "maya"\nglyphs = "plain"\n[keys]\narchive = "a"\nmove-down = ["j", "down"]\n')
    assert load_config() == Config(db="team.db", acting="maya", glyphs="plain",
                                   keys={"archive": "a", "move-down": ["j", "down"]})


def test_the_list_key_takes_one_line_or_two_line(config, capsys):
    config.write_text('list = "two-line"\n')
    assert load_config().get("list") == "two-line"
    config.write_text('list = "three-line"\n')
    loaded = load_config()
    assert loaded.get("list") is None
    assert loaded.problems == (f"{config}: 'list' should be \"one-line\" or \"two-line\"; it is ignored.",)


def test_no_config_file_means_the_defaults(config):
    assert load_config() == Config()


def test_unknown_keys_and_wrong_types_are_one_warning_each_and_the_rest_applies(config, tmp_path, capsys):
    db = tmp_path / "parley.db"
    config.write_text(f'db = "{db}"\nas = 7\ncolour = "blue"\n[keys]\narchive = 1\ncompose = "n"\n')
    assert main(["member", "add", "me", "--name", "Maya Chen"]) == 0
    out, err = capsys.readouterr()
    assert out == "Added Maya Chen (me) on Basic (free).\n" and db.exists()
    assert err.splitlines() == [
        f"{config}: 'as' should be text, not a number; it is ignored.",
        f"{config}: unknown key 'colour' (known keys: db, as, glyphs, list, keys, enter-sends); it is ignored.",
        f"{config}: 'keys.archive' should be text or a list of text, not a number; it is ignored.",
    ]
    assert load_config().keys == {"compose": "n"}
    assert main(["member", "list", "--json"]) == 0  # "as" ignored: the member "me" acts
    assert json.loads(capsys.readouterr().out)[0]["handle"] == "me"


def test_a_config_that_is_not_toml_is_bad_input(config, capsys):
    config.write_text("db = \n")
    assert main(["member", "list"]) == 2
    assert capsys.readouterr().err.startswith(f"The config file {config} is not valid TOML:")


def test_the_screens_read_settings_by_their_names_in_the_file(config):
    config.write_text('as = "maya"\n[keys]\narchive = "a"\n')
    loaded = load_config()
    assert loaded.get("as") == "maya" and loaded.get("keys") == {"archive": "a"} and loaded.get("glyphs") is None


def test_enter_sends_is_true_or_false(config, capsys):
    config.write_text("enter-sends = false\n")
    assert load_config().get("enter-sends", True) is False
    config.write_text('enter-sends = "no"\n')
    loaded = load_config()
    assert loaded.get("enter-sends", True) is True
    assert loaded.problems == (f"{config}: 'enter-sends' should be true or false, not text; it is ignored.",)
