"""Generated program notes: the shipped corpus plus any number of made-up universities, each a valid
`kind: program` note with a name, aliases, a city and state, and a few sentences in the shipped
notes' style. Used to measure how start-up and requests grow with the number of notes
(`bench/startup.py`, `bench/hostile.py`) and by tests that need many names.

Names are made of syllables ("Korilum University of Zentavbel", alias "KOZE17"), so they are
not English words and every one of them is distinct.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "corpus"
SYLLABLES = ("ka", "lo", "ri", "zen", "tor", "vil", "mar", "qua", "bel", "dor", "fin", "gar", "hol", "jun", "kes",
             "lum", "nor", "pra", "sel", "tav", "ur", "wex", "yor", "zul")
STATES = ("California", "Texas", "Ohio", "Oregon", "Nevada", "Utah", "Iowa", "Maine")


def made_up_word(rng: random.Random, syllables: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def note_text(number: int, first: str, second: str, state: str) -> str:
    university = f"{first} University of {second}"
    alias = f"{first[:2].upper()}{second[:2].upper()}{number}"
    return f"""---
id: gen-{number:05d}
title: {university} ({alias})
kind: program
university: {university}
aliases: [{alias}, {first} {second}]
city: {second}ville
state: {state}
url: https://www.gen{number}.example.edu/
reviewed: 2026-11-26
---

## Location

{university} is located in {second}ville, {state}.

## Machine learning master's degrees

{university} offers a Master of Science in Machine Learning through its School of {first} Studies.

The {first} {second} program can be completed online or on campus.
"""


def write_corpus(folder: Path, notes: int, seed: int = 13) -> list[str]:
    """Copy the shipped corpus to `folder` and add `notes` generated program notes under
    `programs/generated/`; returns the generated universities' names."""
    shutil.copytree(SHIPPED_CORPUS, folder)
    out = folder / "programs" / "generated"
    out.mkdir(parents=True)
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    names = []
    for number in range(notes):
        while True:
            first, second = made_up_word(rng), made_up_word(rng)
            if (first, second) not in seen:
                seen.add((first, second))
                break
        (out / f"gen-{number:05d}.md").write_text(note_text(number, first, second, rng.choice(STATES)),
                                                   encoding="utf-8")
        names.append(f"{first} University of {second}")
    return names
