"""Transfer to FAQs nobody here tuned on: the zlib, XZ Utils, lsof, sed and Valgrind FAQs that their
Debian packages install (zlib1g-dev, xz-utils, lsof, sed, valgrind; the last two added on 2026-12-02
and first measured before any change looked at them), each turned into a corpus of one document per entry,
each entry's own question asked, beside naive rank-bm25 over whole entries in the same run.

The Debian FAQ (`bench.faq`) is the foreign corpus the answerability work was measured on; these
five were not tuned on (zlib's, sed's and lsof's misses were read once each, to find causes that
hold beyond them), so they show whether its transfer holds on FAQs written in other styles (numbered
entries with short bodies; "Q:"/"A:" pairs; long FAQs of numbered sections, with scripts and program
output in the answers). Same two conditions as `bench.faq`: **A**, the entry's question as the document
title; **B**, a neutral title ("zlib FAQ entry 12"), so the question's words are not in the document.
Naive reference: `rank_bm25.BM25Okapi` over lowercase `\\w+` tokens of whole entries (title, in A,
and body), top-1 = the entry. The corpora are written to a temporary folder and never committed.

    .venv/bin/python -m bench.faq_more            # every FAQ found on this machine
    .venv/bin/python -m bench.faq_more --show B   # also list the condition's misses
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus

TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    body: str


def _read(path: str) -> str | None:
    file = Path(path)
    if not file.exists():
        return None
    return gzip.open(file, "rt", encoding="utf-8", errors="replace").read()


def _lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def zlib_entries() -> list[Entry] | None:
    """zlib's FAQ: " 12. Question?" then an indented answer."""
    text = _read("/usr/share/doc/zlib1g-dev/FAQ.gz")
    if text is None:
        return None
    parts = re.split(r"\n\s*(\d+)\. ", "\n" + text)
    entries = []
    for i in range(1, len(parts) - 1, 2):
        question, _, body = parts[i + 1].partition("\n\n")
        entries.append(Entry(f"zlib-{parts[i]}", " ".join(question.split()), _lines(body)))
    return entries


def xz_entries() -> list[Entry] | None:
    """XZ Utils' FAQ: "Q:" and "A:" paragraphs."""
    text = _read("/usr/share/doc/xz-utils/faq.txt.gz")
    if text is None:
        return None
    pairs = re.finditer(r"Q:\s+(.*?)\n\s*\nA:\s+(.*?)(?=\n\s*\nQ:|\Z)", text, re.S)
    return [Entry(f"xz-{n}", " ".join(m.group(1).split()), _lines(m.group(2))) for n, m in enumerate(pairs, 1)]


def lsof_entries() -> list[Entry] | None:
    """lsof's FAQ: numbered sections ("3.1.2 Why ...?") each answered by the text up to the next."""
    text = _read("/usr/share/doc/lsof/00FAQ.gz")
    if text is None:
        return None
    heads = list(re.finditer(r"^(\d+\.\d+(?:\.\d+)?)\s+(.+?\?)\s*\n", text, re.M))
    entries: dict[str, Entry] = {}  # the table of contents lists each heading first: the entry comes last
    for k, head in enumerate(heads):
        body = _lines(text[head.end():heads[k + 1].start() if k + 1 < len(heads) else len(text)])
        if len(body) > 40 and body.count("\n") < 200:  # no empty heading, no whole appendix
            number = head.group(1).replace(".", "-")
            entries[number] = Entry(f"lsof-{number}", " ".join(head.group(2).split()), body)
    return list(entries.values())


def sed_entries() -> list[Entry] | None:
    """The sed FAQ: numbered sections ("4.10. How do I ...?"), each answered by the text up to the
    next section of the same or a higher level; only the sections whose heading asks something."""
    text = _read("/usr/share/doc/sed/sedfaq.txt.gz")
    if text is None:
        return None
    text = text[text.index("\n1.1. Introduction", text.index("CONTENTS") + 2000):]  # past the contents
    heads = list(re.finditer(r"^(\d+(?:\.\d+)+)\.\s+(.+(?:\n(?!\s*\n)(?!\d+\.).+)?)", text, re.M))
    entries = []
    for k, head in enumerate(heads):
        number, title = head.group(1), " ".join(head.group(2).split())
        if "?" not in title:
            continue
        later = [h.start() for h in heads[k + 1:] if h.group(1).count(".") <= number.count(".")]
        body = _lines(text[head.end():later[0] if later else len(text)])
        entries.append(Entry(f"sed-{number.replace('.', '-')}", title[:title.index("?") + 1], body))
    return entries


def valgrind_entries() -> list[Entry] | None:
    """Valgrind's FAQ: "4.2. The stack traces ... How can I improve them?" up to a line that ends in
    "?" or ":" or a blank line, the answer after it up to the next numbered entry."""
    text = _read("/usr/share/doc/valgrind/FAQ.txt.gz")
    if text is None:
        return None
    heads = list(re.finditer(r"^(\d+\.\d+)\.\s+", text, re.M))
    entries = []
    for k, head in enumerate(heads):
        whole = text[head.end():heads[k + 1].start() if k + 1 < len(heads) else len(text)]
        end = re.search(r"[?:][ \t]*\n|\n[ \t]*\n", whole)
        cut = end.end() if end else len(whole)
        question, body = " ".join(whole[:cut].split()), _lines(whole[cut:].replace("-" * 72, ""))
        if question and len(body) > 40:
            entries.append(Entry(f"valgrind-{head.group(1).replace('.', '-')}", question, body))
    return entries

FAQS: dict[str, Callable[[], list[Entry] | None]] = {
    "zlib FAQ": zlib_entries, "XZ Utils FAQ": xz_entries, "lsof FAQ": lsof_entries,
    "sed FAQ": sed_entries, "Valgrind FAQ": valgrind_entries}


def write_corpus(folder: Path, name: str, entries: list[Entry], titled: bool) -> None:
    folder.mkdir(parents=True)
    for number, entry in enumerate(entries, 1):
        meta = {"id": entry.id, "title": entry.question if titled else f"{name} entry {number}", "kind": "topic"}
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10**6)
        (folder / f"{entry.id}.md").write_text(f"---\n{front}---\n\n{entry.body}\n", encoding="utf-8")
    profile = {"title": name, "topic": name, "sources": f"the entries of the {name}", "scope": f"the {name}",
               "coverage": f"the {name}", "entities": f"entries of the {name}", "description": name,
               "greeting": f"Hi! I answer from the {name}.", "suggestions": []}
    (folder / "guidebot.yaml").write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")


@dataclass(frozen=True)
class Result:
    questions: int
    answered: float
    first: float
    naive: float
    misses: tuple[str, ...]


def run(root: Path, name: str, entries: list[Entry], titled: bool) -> Result:
    slug = re.sub(r"\W+", "-", name)
    folder = root / f"{slug}-{'A' if titled else 'B'}"
    write_corpus(folder, name, entries, titled)
    bot = Guidebot(build_index(load_corpus(folder)))
    texts = [f"{e.question if titled else ''} {e.body}".lower() for e in entries]
    naive = BM25Okapi([TOKEN.findall(t) for t in texts])
    answered = first = naive_right = 0
    misses = []
    for n, entry in enumerate(entries):
        reply = bot.chat(entry.question)
        scores = naive.get_scores(TOKEN.findall(entry.question.lower()))
        naive_right += max(range(len(entries)), key=lambda i: scores[i]) == n
        answered += reply.answered
        right = bool(reply.citations) and reply.citations[0].doc_id == entry.id
        first += right
        if not right:
            cited = reply.citations[0].doc_id if reply.citations else "nothing"
            misses.append(f"“{entry.question}” ({reply.kind}, cited {cited})")
    total = len(entries)
    return Result(total, answered / total, first / total, naive_right / total, tuple(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=["A", "B"], help="list this condition's misses")
    args = parser.parse_args(argv)
    print("| FAQ | condition | questions | answered | first citation = entry | naive rank-bm25 top-1 | difference |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    shown: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, read in FAQS.items():
            entries = read()
            if not entries:
                print(f"| {name} | not installed (its Debian package's docs are missing) | | | | | |")
                continue
            for label, titled in (("A titled", True), ("B untitled", False)):
                result = run(Path(tmp), name, entries, titled)
                print(f"| {name} | {label} | {result.questions} | {result.answered:.1%} | {result.first:.1%} | "
                      f"{result.naive:.1%} | {100 * (result.first - result.naive):+.1f} points |")
                if args.show and label.startswith(args.show):
                    shown += [f"- {name}: {miss}" for miss in result.misses]
    if shown:
        print("\nMisses:\n" + "\n".join(shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
