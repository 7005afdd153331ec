"""`parley completion bash|zsh|fish`: a completion script generated from the parser by shtab,
so it always offers exactly the commands and options the parser takes."""

from __future__ import annotations

import argparse

import shtab

from app.cli.parser import build_parser

FILE_METAVARS = ("FILE", "PATH", "URL")  # a URL is most often a store's path


def _complete_files(parser: argparse.ArgumentParser) -> None:
    """Mark arguments that name a file, so the shell offers paths for them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _complete_files(sub)
        elif action.metavar in FILE_METAVARS:
            action.complete = shtab.FILE  # type: ignore[attr-defined]  # shtab's documented hook


def script(shell: str) -> str:
    parser = build_parser()
    _complete_files(parser)
    return shtab.complete(parser, shell=shell)


def completion(args) -> int:
    print(script(args.shell))
    return 0
