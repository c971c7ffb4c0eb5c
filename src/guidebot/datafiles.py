"""The one loader of shipped data files (`src/guidebot/data/`): word lists and YAML tables.

Word lists are one entry per line, `#` starting a comment line; a pair list splits each line
at the first run of spaces. Every module that reads shipped data goes through here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

PACKAGE = "guidebot.data"


def read_bytes(name: str) -> bytes:
    return resources.files(PACKAGE).joinpath(name).read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")


def lines(text: str) -> list[str]:
    """Non-blank lines that are not comments, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=32)
def word_list(name: str) -> tuple[str, ...]:
    """A shipped list, one entry per line."""
    return tuple(lines(read_text(name)))


@lru_cache(maxsize=32)
def pair_list(name: str) -> tuple[tuple[str, str], ...]:
    """A shipped list of `key value` lines (the value may contain spaces)."""
    pairs = []
    for line in lines(read_text(name)):
        key, value = line.split(None, 1)
        pairs.append((key, value.strip()))
    return tuple(pairs)


@lru_cache(maxsize=8)
def yaml_table(name: str) -> Any:
    """A shipped YAML file, parsed."""
    return yaml.safe_load(read_text(name))
