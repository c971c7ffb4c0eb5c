"""Validate the gold evaluation set in tests/gold/*.yaml.

Usage:  python tests/gold/validate_gold.py [--corpus DIR] [--guide FILE]

Checks the schema (unique ids, valid categories/splits, turns, expect keys),
prints counts per category and split, and -- when the corpus is present --
checks that every must_contain alternative occurs (case-insensitively) in at
least one of the cited documents (or, when nothing is cited, in some corpus
document). Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

CATEGORIES = {
    "direct", "paraphrase", "typo", "program", "topic", "smalltalk",
    "out_of_scope", "partial", "follow_up", "list",
}
SPLITS = {"tune", "heldout"}
DOC_IDS = {
    "guide",
    "cmu", "mit", "stanford", "berkeley", "georgia-tech", "uw", "uiuc",
    "caltech", "umich", "ucsd", "arizona",
    "f1-visa", "opt-stem-opt", "english-tests", "gre",
}
EXPECT_KEYS = {"answered", "must_contain", "cites"}


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise SystemExit(f"{path.name}: top level must be a list")
        cases.extend((path.name, c) for c in data)
    return cases


def load_corpus(corpus: pathlib.Path, guide: pathlib.Path | None) -> dict[str, str]:
    docs: dict[str, str] = {}
    g = corpus / "guide.md"
    if g.exists():
        docs["guide"] = g.read_text(encoding="utf-8")
    elif guide is not None and guide.exists():
        docs["guide"] = guide.read_text(encoding="utf-8")
    for sub in ("programs", "topics"):
        for p in sorted((corpus / sub).glob("*.md")):
            docs[p.stem] = p.read_text(encoding="utf-8")
    return {k: strip_front_matter(v).lower() for k, v in docs.items()}


def strip_front_matter(text: str) -> str:
    """Answers are built from body sentences, so ignore YAML front matter."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4:]
    return text


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=pathlib.Path, default=ROOT / "corpus")
    ap.add_argument("--guide", type=pathlib.Path, default=None,
                    help="guide text to use if corpus/guide.md is missing")
    args = ap.parse_args()

    errors: list[str] = []
    cases = load_cases()
    seen: set[str] = set()
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    for fname, c in cases:
        cid = c.get("id")
        where = f"{fname}:{cid}"
        if not isinstance(cid, str) or not cid:
            errors.append(f"{where}: missing id")
        elif cid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(cid)
        if c.get("category") not in CATEGORIES:
            errors.append(f"{where}: bad category {c.get('category')!r}")
        if c.get("split") not in SPLITS:
            errors.append(f"{where}: bad split {c.get('split')!r}")
        turns = c.get("turns")
        if not (isinstance(turns, list) and turns and all(isinstance(t, str) and t.strip() for t in turns)):
            errors.append(f"{where}: turns must be a non-empty list of strings")
        exp = c.get("expect")
        if not isinstance(exp, dict) or not isinstance(exp.get("answered"), bool):
            errors.append(f"{where}: expect.answered must be a bool")
            continue
        if set(exp) - EXPECT_KEYS:
            errors.append(f"{where}: unknown expect keys {set(exp) - EXPECT_KEYS}")
        mc = exp.get("must_contain", [])
        cites = exp.get("cites", [])
        if not (isinstance(mc, list) and all(isinstance(s, str) and s for s in mc)):
            errors.append(f"{where}: must_contain must be a list of strings")
        if not (isinstance(cites, list) and all(isinstance(s, str) for s in cites)):
            errors.append(f"{where}: cites must be a list of strings")
        for d in cites:
            if d not in DOC_IDS:
                errors.append(f"{where}: unknown doc id {d!r}")
        cat = c.get("category")
        if cat == "smalltalk" and (exp["answered"] or mc):
            errors.append(f"{where}: smalltalk must be answered: false without must_contain")
        if cat in {"out_of_scope", "partial"} and exp["answered"]:
            errors.append(f"{where}: {cat} must be answered: false")
        if cat == "partial" and not mc:
            errors.append(f"{where}: partial needs must_contain (official site)")
        if cat == "follow_up" and len(turns or []) < 2:
            errors.append(f"{where}: follow_up needs >= 2 turns")
        counts[cat][c.get("split")] += 1

    docs = load_corpus(args.corpus, args.guide)
    if docs:
        for fname, c in cases:
            exp = c.get("expect") or {}
            cites = exp.get("cites") or []
            missing = [d for d in cites if d not in docs]
            if missing:
                errors.append(f"{fname}:{c['id']}: cited doc(s) not in corpus yet: {missing}")
                continue
            pool = [docs[d] for d in cites] if cites else list(docs.values())
            for alt in exp.get("must_contain") or []:
                options = [a.strip().lower() for a in alt.split("|")]
                if not any(o in text for o in options for text in pool):
                    errors.append(f"{fname}:{c['id']}: {alt!r} not found in {cites or 'corpus'}")
    else:
        print("(corpus not found: skipped text checks)")

    total = collections.Counter()
    print(f"{'category':<14}{'tune':>6}{'heldout':>9}{'total':>7}{'held%':>7}")
    for cat in sorted(counts):
        t, h = counts[cat]["tune"], counts[cat]["heldout"]
        total["tune"] += t
        total["heldout"] += h
        print(f"{cat:<14}{t:>6}{h:>9}{t + h:>7}{100 * h / max(1, t + h):>6.0f}%")
    t, h = total["tune"], total["heldout"]
    print(f"{'TOTAL':<14}{t:>6}{h:>9}{t + h:>7}{100 * h / max(1, t + h):>6.0f}%")

    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
