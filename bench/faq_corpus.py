"""A second, foreign corpus built on the fly from the installed Debian FAQ (`apt-get install debian-faq`).

The package ships the FAQ as DocBook XHTML, one page per chapter, under /usr/share/doc/debian/FAQ/
(GUIDEBOT_DEBIAN_FAQ overrides the folder). Every numbered entry (1.2, 3.1.5, 8.1.6.1, ...) that has
text of its own becomes one corpus document: front matter `id` (the entry's anchor, as the FAQ's
own links use it), `title` (the entry's question, or a neutral "chapter, entry number" title with
`titled=False`), `kind: topic` and `url` (that entry on www.debian.org's copy of the FAQ); the body
is the entry's own text (not its sub-entries', which are documents of their own), paragraphs kept,
lists as Markdown lists, screens as indented code. A `guidebot.yaml` profile describes the FAQ.

Nothing is downloaded and nothing is written inside the repository: the data set is never
committed, it is rebuilt from the package in a temporary folder by whoever needs it.

    .venv/bin/python -m bench.faq_corpus /tmp/debian-faq            # write the corpus and validate it
    .venv/bin/python -m bench.faq_corpus /tmp/debian-faq --untitled # the same with neutral titles
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FAQ_DIR = Path("/usr/share/doc/debian/FAQ")
WEB_BASE = "https://www.debian.org/doc/manuals/debian-faq/"
XHTML = "{http://www.w3.org/1999/xhtml}"
NUMBERED = re.compile(r"^(\d+(?:\.\d+)+)\.?\s+(.*)$", re.DOTALL)
CHAPTER = re.compile(r"^Chapter\s+(\d+)\.\s+(.*)$", re.DOTALL)
SLUG_BAD = re.compile(r"[^a-z0-9._-]+")
INSTALL_HINT = "install it with `apt-get install debian-faq` (in CI, .ci/run does)"


class FaqMissing(RuntimeError):
    """The Debian FAQ package is not installed (or its HTML is not where it should be)."""


@dataclass(frozen=True)
class Entry:
    id: str  # the entry's anchor, lowercased: "whatisdebian", "s3.1.5"
    number: str  # "3.1.5"
    question: str  # the heading without its number
    chapter_number: int
    chapter: str  # "Choosing a Debian distribution"
    page: str  # "choosing.en.html"
    anchor: str  # as in the HTML: "s3.1.5", "TrustedOrgs"
    body: str  # Markdown

    @property
    def url(self) -> str:
        return f"{WEB_BASE}{self.page}#{self.anchor}"

    @property
    def neutral_title(self) -> str:
        """A title that names where the entry is, not what it asks."""
        return f"Debian FAQ chapter {self.chapter_number} ({self.chapter}), entry {self.number}"

    @property
    def is_question(self) -> bool:
        return "?" in self.question

    def title(self, titled: bool) -> str:
        return self.question if titled else self.neutral_title


def faq_dir() -> Path:
    return Path(os.environ.get("GUIDEBOT_DEBIAN_FAQ") or DEFAULT_FAQ_DIR)


def is_installed(folder: Path | None = None) -> bool:
    folder = folder or faq_dir()
    return folder.is_dir() and any(folder.glob("*.en.html"))


# ---------------------------------------------------------------------------------------------
# Parsing the DocBook XHTML


def _cls(el: ET.Element) -> str:
    return el.get("class") or ""


def _tag(el: ET.Element) -> str:
    return el.tag.removeprefix(XHTML)


def _inline(el: ET.Element) -> str:
    """The text of an element, footnote markers left out, whitespace collapsed."""
    parts: list[str] = []

    def walk(node: ET.Element) -> None:
        if _tag(node) in ("sup",) or (_tag(node) == "a" and _cls(node) in ("footnote", "para")):
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tail:
            parts.append(node.tail)

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _screen(el: ET.Element) -> str:
    lines = "".join(el.itertext()).expandtabs().splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join("    " + line.rstrip() if line.strip() else "" for line in lines)


def _list_lines(lst: ET.Element, depth: int = 0) -> list[str]:
    ordered = _tag(lst) == "ol"
    lines: list[str] = []
    items = [li for li in lst if _tag(li) == "li"]
    for n, li in enumerate(items, start=1):
        texts: list[str] = []
        nested: list[str] = []
        for child in li:
            tag = _tag(child)
            if tag in ("ul", "ol"):
                nested += _list_lines(child, depth + 1)
            elif tag == "div" and _cls(child) in ("itemizedlist", "orderedlist"):
                for sub in child:
                    if _tag(sub) in ("ul", "ol"):
                        nested += _list_lines(sub, depth + 1)
            elif tag == "pre":
                texts.append(re.sub(r"\s+", " ", "".join(child.itertext())).strip())
            else:
                texts.append(_inline(child))
        if li.text and li.text.strip():
            texts.insert(0, li.text.strip())
        marker = f"{n}." if ordered else "-"
        text = " ".join(t for t in texts if t)
        if text:
            lines.append(f"{'  ' * depth}{marker} {text}")
        lines += nested
    return lines


def _definition_lines(dl: ET.Element) -> list[str]:
    lines: list[str] = []
    term: str | None = None
    for child in dl:
        if _tag(child) == "dt":
            term = _inline(child).rstrip(":").strip()
        elif _tag(child) == "dd":
            definition = " ".join(_inline(p) for p in child) if len(child) else _inline(child)
            lines.append(f"- {term}: {definition}" if term else f"- {definition}")
            term = None
    return lines


def _blocks(container: ET.Element) -> Iterator[str]:
    """Markdown blocks of an entry's own content (its sub-entries and footnotes left out)."""
    for child in container:
        tag, cls = _tag(child), _cls(child)
        if tag == "div" and cls in ("titlepage", "section", "footnotes", "toc", "navheader", "navfooter"):
            continue
        if tag == "p":
            text = _inline(child)
            if text:
                yield text  # one line: wrapped lines could start with '#' or '1.' and be misread
        elif tag == "pre":
            text = _screen(child)
            if text:
                yield text
        elif tag in ("ul", "ol"):
            lines = _list_lines(child)
            if lines:
                yield "\n".join(lines)
        elif tag == "dl":
            lines = _definition_lines(child)
            if lines:
                yield "\n".join(lines)
        elif tag == "div":  # itemizedlist, orderedlist, variablelist, note, ...: what they hold
            yield from _blocks(child)
        elif tag == "table":
            for row in child.iter(XHTML + "tr"):
                cells = [_inline(c) for c in row if _tag(c) in ("td", "th")]
                if any(cells):
                    yield " | ".join(cells)


def _heading(section: ET.Element) -> tuple[str, str] | None:
    """(anchor, heading text) of a div.section."""
    for title_page in section:
        if _tag(title_page) == "div" and _cls(title_page) == "titlepage":
            for h in title_page.iter():
                if _tag(h) in ("h2", "h3", "h4", "h5") and _cls(h) == "title":
                    anchor = next((a.get("id") for a in h.iter(XHTML + "a") if a.get("id")), None)
                    return (anchor or "", _inline(h))
    return None


def _sections(el: ET.Element) -> Iterator[ET.Element]:
    for child in el:
        if _tag(child) == "div" and _cls(child) == "section":
            yield child
            yield from _sections(child)


def slug(anchor: str) -> str:
    return SLUG_BAD.sub("-", anchor.lower()).strip("-._")[:80] or "entry"


def read_entries(folder: Path | None = None) -> list[Entry]:
    """Every numbered entry with text of its own, in FAQ order."""
    folder = folder or faq_dir()
    if not is_installed(folder):
        if Path("/var/lib/dpkg/info/debian-faq.list").exists() and folder == DEFAULT_FAQ_DIR:
            raise FaqMissing(f"debian-faq is installed but {folder} has no *.en.html: a dpkg path-exclude rule "
                             "(/etc/dpkg/dpkg.cfg.d/) probably drops /usr/share/doc; remove it and reinstall")
        raise FaqMissing(f"the Debian FAQ is not installed: no {folder}/*.en.html; {INSTALL_HINT}")
    entries: list[Entry] = []
    seen: set[str] = set()
    for page in sorted(folder.glob("*.en.html")):
        try:
            tree = ET.parse(page)
        except ET.ParseError as exc:
            raise FaqMissing(f"{page} is not the DocBook XHTML expected ({exc}); reinstall debian-faq") from exc
        chapter_div = next((d for d in tree.iter(XHTML + "div") if _cls(d) == "chapter"), None)
        if chapter_div is None:
            continue  # the title page (index.en.html)
        h1 = next((h for h in chapter_div.iter(XHTML + "h1")), None)
        match = CHAPTER.match(_inline(h1)) if h1 is not None else None
        if not match:
            continue
        chapter_number, chapter = int(match.group(1)), match.group(2).strip()
        for section in _sections(chapter_div):
            heading = _heading(section)
            if heading is None:
                continue
            anchor, text = heading
            numbered = NUMBERED.match(text)
            if not numbered:
                continue
            body = "\n\n".join(_blocks(section)).strip()
            if not body:
                continue  # an entry that only groups its sub-entries
            doc_id = slug(anchor or numbered.group(1))
            while doc_id in seen:
                doc_id += "-x"
            seen.add(doc_id)
            entries.append(Entry(doc_id, numbered.group(1), numbered.group(2).strip(), chapter_number, chapter,
                                 page.name, anchor, body + "\n"))
    if not entries:
        raise FaqMissing(f"no FAQ entries found in {folder}; reinstall debian-faq")
    entries.sort(key=lambda e: tuple(int(p) for p in e.number.split(".")))
    return entries


def faq_version(folder: Path | None = None) -> str:
    index = (folder or faq_dir()) / "index.en.html"
    match = re.search(r"Version\s+([\d.]+)", index.read_text(encoding="utf-8", errors="replace")) \
        if index.exists() else None
    return match.group(1) if match else "unknown"


# ---------------------------------------------------------------------------------------------
# Writing the corpus folder


def profile(entries: list[Entry], version: str) -> dict[str, object]:
    chapters = sorted({(e.chapter_number, e.chapter) for e in entries})
    starters = ["What is Debian GNU/Linux?", "How can I keep my Debian system current?",
                "What is a Debian package?", "How do I report a bug in Debian?",
                "How do I put a package on hold?", "What about \"sid\"?"]
    questions = {e.question for e in entries}
    return {
        "title": "Debian FAQ",
        "greeting": "Hi! I answer questions about Debian GNU/Linux from the Debian FAQ. Every answer cites its entry.",
        "topic": "Debian GNU/Linux and the Debian project",
        "sources": "the entries of the Debian FAQ",
        "scope": f"the Debian GNU/Linux FAQ (version {version})",
        "coverage": "; ".join(c if c.startswith("Debian") else c[0].lower() + c[1:] for _, c in chapters),
        "entities": "entries of the Debian FAQ",
        "description": "Cited answers from the Debian GNU/Linux FAQ.",
        "suggestions": [q for q in starters if q in questions],
    }


def _inside_repo(folder: Path) -> bool:
    return folder.resolve().is_relative_to(ROOT)


def write_corpus(folder: Path, *, titled: bool = True, entries: list[Entry] | None = None) -> list[tuple[str, str]]:
    """Write the corpus (one document per entry, plus guidebot.yaml) into `folder`, which must be
    outside the repository; return (question, expected doc id) for every entry whose heading is a question."""
    folder = Path(folder)
    if _inside_repo(folder):
        raise ValueError(f"refusing to write the Debian FAQ corpus inside the repository ({folder}): use a temp dir")
    entries = entries if entries is not None else read_entries()
    folder.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        meta = {"id": entry.id, "title": entry.title(titled), "kind": "topic", "url": entry.url}
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10**6)
        chapter_dir = folder / Path(entry.page).name.split(".")[0]
        chapter_dir.mkdir(exist_ok=True)
        (chapter_dir / f"{entry.id}.md").write_text(f"---\n{front}---\n\n{entry.body}", encoding="utf-8")
    (folder / "guidebot.yaml").write_text(
        "# The Debian FAQ as a guidebot corpus, generated by bench/faq_corpus.py from the installed package.\n"
        + yaml.safe_dump(profile(entries, faq_version()), sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8")
    return questions(entries)


def split_of(doc_id: str) -> str:
    """A fixed third of the entries is held out from calibration (bench/calibrate.py fits on the rest)."""
    return "heldout" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def questions(entries: list[Entry]) -> list[tuple[str, str]]:
    """Each entry's own question, with the entry it must be answered from."""
    return [(e.question, e.id) for e in entries if e.is_question]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the corpus (outside the repository)")
    parser.add_argument("--untitled", action="store_true", help="neutral titles instead of the questions")
    args = parser.parse_args(argv)
    from guidebot.corpus import load_corpus

    try:
        pairs = write_corpus(args.folder, titled=not args.untitled)
    except (FaqMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    corpus = load_corpus(args.folder)
    print(f"{len(corpus.documents)} documents, {len(pairs)} questions, written to {args.folder} and validated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
