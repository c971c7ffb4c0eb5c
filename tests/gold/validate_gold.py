"""Validate the gold evaluation set in tests/gold/*.yaml and tests/gold/v2/*.yaml.

Usage:  python tests/gold/validate_gold.py [--corpus DIR] [--guide FILE] [--notes]

v1 (tests/gold/*.yaml): checks the schema (unique ids, valid categories/splits, turns, expect
keys), prints counts per category and split, and -- when the corpus is present -- checks that
every must_contain alternative occurs (case-insensitively) in at least one of the cited documents
(or, when nothing is cited, in some corpus document).

v2 (tests/gold/v2/*.yaml, ids prefixed ``v2-``): the same schema plus, in ``expect``, exactly one
of ``evidence`` (a sentence, or a list of sentences, copied verbatim from the corpus body) or
``not_in_corpus: true``. On top of the v1 checks it verifies that

- the category is one of the v2 categories, with its minimum count reached;
- ``answered`` is ``not not_in_corpus``;
- every evidence sentence is a whole sentence (or list item) of the body of one of the cited
  documents, whitespace-normalised (anywhere in the corpus when nothing is cited), and every
  cited document holds at least one of them;
- every must_contain entry of an answered case has an alternative inside the evidence text;
- a not_in_corpus case cites nothing and its must_contain entries are official-site domains from
  the notes' front matter ``url``; a ``uni_topic`` not_in_corpus case must have one;
- ``multi_turn`` cases have 3-5 turns, the other categories exactly one;
- the heldout share of every v2 category is between 25% and 40%.

``--notes`` also lists not_in_corpus cases outside ``uni_topic`` that mention a covered
university without its domain in must_contain (informational: a name such as "Arizona State" or
"Washington University in St. Louis" matches an alias but is not a covered university).

Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import re
import sys
from urllib.parse import urlparse

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
V2_DIR = HERE / "v2"

V1_CATEGORIES = {
    "direct", "paraphrase", "typo", "program", "topic", "smalltalk",
    "out_of_scope", "partial", "follow_up", "list",
}
# v2 categories and the minimum number of cases each must have.
V2_MIN_COUNTS = {
    "uni_topic": 50,
    "paraphrase_lex": 40,
    "multi_turn": 30,
    "list": 25,
    "honest_no": 25,
    "real_student": 50,
    "guide": 20,
}
V2_MIN_TOTAL = 250
V2_HELDOUT_RANGE = (0.25, 0.40)
CATEGORIES = V1_CATEGORIES | set(V2_MIN_COUNTS)
SPLITS = {"tune", "heldout"}
DOC_IDS = {
    "guide",
    "cmu", "mit", "stanford", "berkeley", "georgia-tech", "uw", "uiuc",
    "caltech", "umich", "ucsd", "arizona",
    "f1-visa", "opt-stem-opt", "english-tests", "gre",
}
EXPECT_KEYS = {"answered", "must_contain", "cites"}
V2_EXPECT_KEYS = EXPECT_KEYS | {"evidence", "not_in_corpus"}


def load_cases(folder: pathlib.Path) -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise SystemExit(f"{path}: not valid YAML: {e}") from None
        if not isinstance(data, list):
            raise SystemExit(f"{path.name}: top level must be a list")
        name = path.name if folder == HERE else f"{folder.name}/{path.name}"
        cases.extend((name, c) for c in data)
    return cases


def read_docs(corpus: pathlib.Path, guide: pathlib.Path | None) -> dict[str, str]:
    """Raw text (front matter included) of every document, by doc id."""
    docs: dict[str, str] = {}
    g = corpus / "guide.md"
    if g.exists():
        docs["guide"] = g.read_text(encoding="utf-8")
    elif guide is not None and guide.exists():
        docs["guide"] = guide.read_text(encoding="utf-8")
    for sub in ("programs", "topics"):
        for p in sorted((corpus / sub).glob("*.md")):
            docs[p.stem] = p.read_text(encoding="utf-8")
    return docs


def load_corpus(corpus: pathlib.Path, guide: pathlib.Path | None) -> dict[str, str]:
    return {k: strip_front_matter(v).lower() for k, v in read_docs(corpus, guide).items()}


def strip_front_matter(text: str) -> str:
    """Answers are built from body sentences, so ignore YAML front matter."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4:]
    return text


def front_matter(text: str) -> dict:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            data = yaml.safe_load(text[3:end])
            return data if isinstance(data, dict) else {}
    return {}


def norm(text: str) -> str:
    return " ".join(text.split())


# A sentence ends at . ! or ? followed by whitespace and a capital letter (so "Ph.D. in" stays
# whole), but not after an initial ("Paul G. Allen"); headings are skipped and list bullets
# stripped, so a list item is a unit of its own.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![ (][A-Z]\.)\s+(?=[A-Z\"“(])")


def body_units(body: str) -> set[str]:
    units: set[str] = set()
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("- ", "* ")):
            line = line[2:].strip()
        for part in _SENTENCE_END.split(line):
            if part.strip():
                units.add(norm(part))
    return units


def domain(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def check_common(where: str, c: dict, expect_keys: set[str], errors: list[str], seen: set[str]) -> bool:
    """Checks shared by v1 and v2. Returns False when expect is unusable."""
    cid = c.get("id")
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
        return False
    if set(exp) - expect_keys:
        errors.append(f"{where}: unknown expect keys {set(exp) - expect_keys}")
    mc = exp.get("must_contain", [])
    cites = exp.get("cites", [])
    if not (isinstance(mc, list) and all(isinstance(s, str) and s for s in mc)):
        errors.append(f"{where}: must_contain must be a list of strings")
    if not (isinstance(cites, list) and all(isinstance(s, str) for s in cites)):
        errors.append(f"{where}: cites must be a list of strings")
    for d in cites if isinstance(cites, list) else []:
        if d not in DOC_IDS:
            errors.append(f"{where}: unknown doc id {d!r}")
    return True


def check_v1(cases, errors, seen, counts) -> None:
    for fname, c in cases:
        where = f"{fname}:{c.get('id')}"
        if not check_common(where, c, EXPECT_KEYS, errors, seen):
            continue
        exp, cat, turns = c["expect"], c.get("category"), c.get("turns") or []
        mc = exp.get("must_contain", [])
        if cat not in V1_CATEGORIES:
            errors.append(f"{where}: {cat!r} is a v2 category; v2 cases go in tests/gold/v2/")
        if cat == "smalltalk" and (exp["answered"] or mc):
            errors.append(f"{where}: smalltalk must be answered: false without must_contain")
        if cat in {"out_of_scope", "partial"} and exp["answered"]:
            errors.append(f"{where}: {cat} must be answered: false")
        if cat == "partial" and not mc:
            errors.append(f"{where}: partial needs must_contain (official site)")
        if cat == "follow_up" and len(turns) < 2:
            errors.append(f"{where}: follow_up needs >= 2 turns")
        counts[cat][c.get("split")] += 1


def check_must_contain_in_docs(cases, docs, errors) -> None:
    for fname, c in cases:
        exp = c.get("expect") or {}
        cites = exp.get("cites") or []
        missing = [d for d in cites if d not in docs]
        if missing:
            errors.append(f"{fname}:{c.get('id')}: cited doc(s) not in corpus yet: {missing}")
            continue
        pool = [docs[d] for d in cites] if cites else list(docs.values())
        for alt in exp.get("must_contain") or []:
            options = [a.strip().lower() for a in alt.split("|")]
            if not any(o in text for o in options for text in pool):
                errors.append(f"{fname}:{c.get('id')}: {alt!r} not found in {cites or 'corpus'}")


def check_v2(cases, raw_docs, errors, notes, seen, counts) -> None:
    bodies = {k: strip_front_matter(v) for k, v in raw_docs.items()}
    units = {k: body_units(v) for k, v in bodies.items()}
    flat = {k: norm(v) for k, v in bodies.items()}
    metas = {k: front_matter(v) for k, v in raw_docs.items()}
    domains = {domain(m["url"]) for m in metas.values() if m.get("url")}
    # names of covered universities, for --notes
    names: dict[str, str] = {}
    for m in metas.values():
        if m.get("kind") == "program" and m.get("url"):
            for n in [m.get("university"), *(m.get("aliases") or [])]:
                if n:
                    names[str(n)] = domain(m["url"])

    for fname, c in cases:
        cid = c.get("id")
        where = f"{fname}:{cid}"
        if not check_common(where, c, V2_EXPECT_KEYS, errors, seen):
            continue
        if isinstance(cid, str) and not cid.startswith("v2-"):
            errors.append(f"{where}: v2 ids start with 'v2-'")
        cat, exp, turns = c.get("category"), c["expect"], c.get("turns") or []
        if cat not in V2_MIN_COUNTS:
            errors.append(f"{where}: v2 category must be one of {sorted(V2_MIN_COUNTS)}")
        if cat == "multi_turn" and not 3 <= len(turns) <= 5:
            errors.append(f"{where}: multi_turn needs 3-5 turns")
        if cat != "multi_turn" and len(turns) != 1:
            errors.append(f"{where}: {cat} cases have exactly one turn (conversations are multi_turn)")
        counts[cat][c.get("split")] += 1

        has_ev, has_nic = "evidence" in exp, "not_in_corpus" in exp
        if has_ev == has_nic:
            errors.append(f"{where}: expect needs exactly one of evidence / not_in_corpus")
            continue
        mc = exp.get("must_contain") or []
        cites = exp.get("cites") or []
        if has_nic:
            if exp["not_in_corpus"] is not True:
                errors.append(f"{where}: not_in_corpus must be true (omit it otherwise)")
            if exp["answered"]:
                errors.append(f"{where}: not_in_corpus cases are answered: false")
            if cites:
                errors.append(f"{where}: a not_in_corpus case cites nothing")
            for alt in mc:
                bad = [o.strip() for o in alt.split("|") if o.strip().lower() not in domains]
                if bad:
                    errors.append(f"{where}: not_in_corpus must_contain {bad} is not an official-site "
                                  f"domain from a note's url ({', '.join(sorted(domains))})")
            if cat == "uni_topic" and not mc:
                errors.append(f"{where}: uni_topic not_in_corpus needs must_contain with the university's domain")
            if cat != "uni_topic" and not mc:
                text = " ".join(turns)
                hit = sorted({d for n, d in names.items()
                              if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)})
                if hit:
                    notes.append(f"{where}: mentions a covered university name ({', '.join(hit)}) "
                                 f"but has no must_contain domain")
            continue

        # answered with evidence
        if exp["answered"] is not True:
            errors.append(f"{where}: a case with evidence is answered: true")
        ev = exp["evidence"]
        ev_list = [ev] if isinstance(ev, str) else ev
        if not (isinstance(ev_list, list) and ev_list and all(isinstance(s, str) and s.strip() for s in ev_list)):
            errors.append(f"{where}: evidence must be a sentence or a non-empty list of sentences")
            continue
        if len(set(map(norm, ev_list))) != len(ev_list):
            errors.append(f"{where}: evidence repeats a sentence")
        pool = [d for d in cites if d in units] if cites else list(units)
        used: set[str] = set()
        for s in ev_list:
            s_n = norm(s)
            holders = [d for d in pool if s_n in units[d]]
            if holders:
                used.update(holders)
            elif any(s_n in flat[d] for d in pool):
                errors.append(f"{where}: evidence is only part of a sentence: {s[:70]!r}")
            else:
                elsewhere = [d for d in units if s_n in units[d]]
                hint = f" (it is in {elsewhere})" if elsewhere else ""
                errors.append(f"{where}: evidence not found verbatim in {cites or 'corpus'}{hint}: {s[:70]!r}")
        for d in cites:
            if d in units and d not in used:
                errors.append(f"{where}: cites {d!r} but no evidence sentence is from it")
        if not mc:
            errors.append(f"{where}: answered cases need must_contain (from the evidence)")
        limit = 11 if cat == "list" else 3
        if len(mc) > limit:
            errors.append(f"{where}: must_contain has {len(mc)} entries (at most {limit})")
        ev_text = norm(" ".join(ev_list)).lower()
        for alt in mc:
            if not any(norm(o).lower() in ev_text for o in alt.split("|") if o.strip()):
                errors.append(f"{where}: must_contain {alt!r} is not in the evidence")


def print_table(title: str, counts) -> None:
    total = collections.Counter()
    print(title)
    print(f"{'category':<16}{'tune':>6}{'heldout':>9}{'total':>7}{'held%':>7}")
    for cat in sorted(counts, key=str):
        t, h = counts[cat]["tune"], counts[cat]["heldout"]
        total["tune"] += t
        total["heldout"] += h
        print(f"{cat!s:<16}{t:>6}{h:>9}{t + h:>7}{100 * h / max(1, t + h):>6.0f}%")
    t, h = total["tune"], total["heldout"]
    print(f"{'TOTAL':<16}{t:>6}{h:>9}{t + h:>7}{100 * h / max(1, t + h):>6.0f}%")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=pathlib.Path, default=ROOT / "corpus")
    ap.add_argument("--guide", type=pathlib.Path, default=None,
                    help="guide text to use if corpus/guide.md is missing")
    ap.add_argument("--notes", action="store_true",
                    help="list not_in_corpus cases that name a covered university without its domain")
    args = ap.parse_args()

    errors: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    v1_cases = load_cases(HERE)
    v2_cases = load_cases(V2_DIR) if V2_DIR.is_dir() else []
    v1_counts: dict = collections.defaultdict(collections.Counter)
    v2_counts: dict = collections.defaultdict(collections.Counter)

    check_v1(v1_cases, errors, seen, v1_counts)
    raw_docs = read_docs(args.corpus, args.guide)
    docs = {k: strip_front_matter(v).lower() for k, v in raw_docs.items()}
    if docs:
        check_must_contain_in_docs(v1_cases, docs, errors)
        check_must_contain_in_docs(v2_cases, docs, errors)
        check_v2(v2_cases, raw_docs, errors, notes, seen, v2_counts)
    else:
        print("(corpus not found: skipped text checks, v2 not checked)")

    print_table("v1 (tests/gold/*.yaml)", v1_counts)
    if v2_cases:
        print()
        print_table("v2 (tests/gold/v2/*.yaml)", v2_counts)
        answered = sum(bool((c.get("expect") or {}).get("answered")) for _, c in v2_cases)
        print(f"v2 answered: {answered}, not_in_corpus: {len(v2_cases) - answered}")
        lo, hi = V2_HELDOUT_RANGE
        for cat, need in V2_MIN_COUNTS.items():
            t, h = v2_counts[cat]["tune"], v2_counts[cat]["heldout"]
            if t + h < need:
                errors.append(f"v2: category {cat} has {t + h} cases, needs >= {need}")
            elif not lo <= h / (t + h) <= hi:
                errors.append(f"v2: category {cat} heldout share {h / (t + h):.0%} not in {lo:.0%}-{hi:.0%}")
        if len(v2_cases) < V2_MIN_TOTAL:
            errors.append(f"v2: {len(v2_cases)} cases, needs >= {V2_MIN_TOTAL}")

    if args.notes:
        for n in notes:
            print("note:", n)
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
