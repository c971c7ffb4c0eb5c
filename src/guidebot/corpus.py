"""Loading and validating the corpus folder: Markdown documents with YAML front matter, plus
`synonyms.yaml`. Owns the `Document` type and the corpus fingerprint; knows nothing of chunks or
indexes. Every problem found is reported (file, field, fix), and loading fails as a whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CorpusError, Problem

KINDS = ("guide", "program", "topic")
COMMON_REQUIRED = ("id", "title", "kind")
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "guide": (),
    "program": ("university", "aliases", "city", "state", "url", "reviewed"),
    "topic": (),
}
OPTIONAL_FIELDS = ("aliases", "url", "reviewed", "sources", "university", "city", "state", "source")
KNOWN_FIELDS = frozenset(COMMON_REQUIRED + OPTIONAL_FIELDS)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
SYNONYMS_FILE = "synonyms.yaml"
PROFILE_FILE = "guidebot.yaml"
# The corpus profile: what guidebot says about this corpus (see corpus/README.md, "guidebot.yaml").
PROFILE_TEXT_FIELDS = ("title", "greeting", "topic", "sources", "scope", "coverage", "entities", "description")
PROFILE_LIST_FIELDS = ("suggestions", "program_suggestions", "not_covered")
PROFILE_FIELDS = (*PROFILE_TEXT_FIELDS, *PROFILE_LIST_FIELDS, "replies", "regions")
SKIPPED_FILES = frozenset({"README.md"})
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Document:
    """One corpus document. `text` is the body after the front matter; chunk offsets point into it."""

    id: str
    title: str
    kind: str
    path: str
    text: str
    url: str | None = None
    university: str | None = None
    city: str | None = None
    state: str | None = None
    aliases: tuple[str, ...] = ()
    reviewed: str | None = None
    sources: tuple[str, ...] = ()
    # (phrase, url): a sentence containing the phrase was checked against that page of `sources`.
    source_for: tuple[tuple[str, str], ...] = ()

    def source_of(self, sentence: str) -> str | None:
        """The official page a sentence was checked against, when the front matter says so."""
        return next((url for phrase, url in self.source_for if phrase in sentence), None)


@dataclass(frozen=True)
class Corpus:
    """All documents, the synonym groups, and a fingerprint of every byte they were read from."""

    documents: tuple[Document, ...]
    synonyms: tuple[tuple[str, ...], ...]
    fingerprint: str
    profile: dict[str, Any] = field(default_factory=dict)

    def by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}


def load_corpus(corpus_dir: Path) -> Corpus:
    """Read and validate every document under `corpus_dir`; raise CorpusError listing all problems."""
    root = Path(corpus_dir)
    if not root.is_dir():
        raise CorpusError([Problem(str(root), None, "the corpus folder does not exist",
                                   "create it or pass --corpus with the right folder")])
    problems: list[Problem] = []
    documents: list[Document] = []
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if path.name in SKIPPED_FILES or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        raw = path.read_bytes()
        digest.update(rel.encode() + b"\0" + raw + b"\0")
        doc = parse_document(rel, raw, problems)
        if doc is not None:
            documents.append(doc)
    problems.extend(_duplicate_id_problems(documents))
    synonyms_path = root / SYNONYMS_FILE
    synonyms: tuple[tuple[str, ...], ...] = ()
    if synonyms_path.exists():
        raw = synonyms_path.read_bytes()
        digest.update(SYNONYMS_FILE.encode() + b"\0" + raw)
        synonyms = parse_synonyms(SYNONYMS_FILE, raw, problems)
    profile: dict[str, Any] = {}
    profile_path = root / PROFILE_FILE
    if profile_path.exists():
        raw = profile_path.read_bytes()
        digest.update(PROFILE_FILE.encode() + b"\0" + raw)
        profile = parse_profile(PROFILE_FILE, raw, problems)
    if not documents and not problems:
        problems.append(Problem(str(root), None, "the corpus has no Markdown documents",
                                "add at least one .md file with front matter (see corpus/README.md)"))
    if problems:
        raise CorpusError(problems)
    return Corpus(tuple(documents), synonyms, digest.hexdigest(), profile)


def parse_document(rel: str, raw: bytes, problems: list[Problem]) -> Document | None:
    """Parse one file's bytes; append problems and return None when it is not usable."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, None, f"not valid UTF-8 (byte {exc.start})", "save the file as UTF-8"))
        return None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        problems.append(Problem(rel, None, "the file is empty", "add front matter and a body, or delete the file"))
        return None
    match = FRONT_MATTER.match(text)
    if match is None:
        problems.append(Problem(rel, None, "no front matter found",
                                "start the file with a '---' line, YAML fields, and a closing '---' line"))
        return None
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark is not None else ""
        problems.append(Problem(rel, None, f"front matter is not valid YAML{line}",
                                "fix the YAML syntax (quote values that contain ':' or '#')"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, None, "front matter is not a mapping of fields",
                                "write one 'field: value' per line"))
        return None
    body = text[match.end():]
    before = len(problems)
    _check_fields(rel, meta, body, problems)
    if len(problems) > before:
        return None
    return Document(
        id=str(meta["id"]),
        title=str(meta["title"]).strip(),
        kind=str(meta["kind"]),
        path=rel,
        text=body,
        url=_opt_str(meta.get("url")),
        university=_opt_str(meta.get("university")),
        city=_opt_str(meta.get("city")),
        state=_opt_str(meta.get("state")),
        aliases=tuple(str(a).strip() for a in meta.get("aliases") or ()),
        reviewed=_opt_str(meta.get("reviewed")),
        sources=tuple(_source_url(s) for s in meta.get("sources") or ()),
        source_for=tuple((phrase.strip(), _source_url(s)) for s in meta.get("sources") or ()
                         if isinstance(s, dict) for phrase in s.get("for") or ()),
    )


def _source_url(entry: str | dict[str, Any]) -> str:
    return str(entry["url"] if isinstance(entry, dict) else entry).strip()


def _check_fields(rel: str, meta: dict[str, Any], body: str, problems: list[Problem]) -> None:
    for key in meta:
        if key not in KNOWN_FIELDS:
            problems.append(Problem(rel, str(key), "unknown front-matter field",
                                    f"remove it or use one of: {', '.join(sorted(KNOWN_FIELDS))}"))
    for key in COMMON_REQUIRED:
        if _is_blank(meta.get(key)):
            problems.append(Problem(rel, key, "required field is missing or empty", f"add '{key}: ...'"))
    kind = meta.get("kind")
    if not _is_blank(kind) and kind not in KINDS:
        problems.append(Problem(rel, "kind", f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}"))
    for key in REQUIRED_BY_KIND.get(str(kind), ()):
        if _is_blank(meta.get(key)):
            problems.append(Problem(rel, key, f"required for kind '{kind}' but missing or empty",
                                    f"add '{key}: ...' (see corpus/README.md)"))
    doc_id = meta.get("id")
    if not _is_blank(doc_id) and not ID_PATTERN.match(str(doc_id)):
        problems.append(Problem(rel, "id", f"id {doc_id!r} is not valid",
                                "use lowercase letters, digits, '-', '_' or '.', starting with a letter or digit"))
    url = meta.get("url")
    if not _is_blank(url) and not re.match(r"^https?://[^\s/$.?#][^\s]*$", str(url)):
        problems.append(Problem(rel, "url", f"{url!r} is not an http(s) URL", "write a full https://... address"))
    aliases = meta.get("aliases")
    if aliases is not None and not (isinstance(aliases, list)
                                    and all(isinstance(v, str) and v.strip() for v in aliases)):
        problems.append(Problem(rel, "aliases", "must be a list of non-empty strings", "write 'aliases: [a, b]'"))
    _check_sources(rel, meta.get("sources"), body, problems)
    reviewed = meta.get("reviewed")
    if not _is_blank(reviewed) and not isinstance(reviewed, dt.date):
        try:
            dt.date.fromisoformat(str(reviewed))
        except ValueError:
            problems.append(Problem(rel, "reviewed", f"{reviewed!r} is not a date", "write it as YYYY-MM-DD"))
    for key in ("title", "university", "city", "state"):
        value = meta.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(Problem(rel, key, "must be plain text", f"write '{key}: some text'"))
    if not body.strip():
        problems.append(Problem(rel, None, "the document has front matter but no body text",
                                "write the document's text below the closing '---'"))


def _check_sources(rel: str, sources: Any, body: str, problems: list[Problem]) -> None:
    """`sources` lists pages as URLs, or as `{url, for: [phrases]}` naming the sentences (those
    containing a phrase) that were checked against that page; every phrase must be in the text."""
    if not isinstance(sources, list | None):
        problems.append(Problem(rel, "sources", "must be a list of pages", "write 'sources:' then '  - https://...'"))
    for n, entry in enumerate(sources if isinstance(sources, list) else (), start=1):
        url, phrases = (entry.get("url"), entry.get("for")) if isinstance(entry, dict) else (entry, [])
        if not (isinstance(url, str) and re.match(r"^https?://\S+$", url.strip())):
            problems.append(Problem(rel, f"sources[{n}]", "must be an http(s) URL, or a mapping with 'url' and 'for'",
                                    "write '- https://...' or '- {url: https://..., for: [a phrase of the text]}'"))
        elif isinstance(entry, dict) and (set(entry) != {"url", "for"} or not isinstance(phrases, list) or not all(
                isinstance(p, str) and p.strip() for p in phrases)):
            problems.append(Problem(rel, f"sources[{n}]", "a page with sentences needs 'url' and a list 'for' only",
                                    "write '{url: https://..., for: [a phrase of the sentences it backs]}'"))
        else:
            problems.extend(Problem(rel, f"sources[{n}]", f"the phrase {p.strip()!r} is not in the text",
                                    "copy the phrase exactly from a sentence of this document, or remove it")
                            for p in phrases if p.strip() not in body)


def _duplicate_id_problems(documents: list[Document]) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for doc in documents:
        if doc.id in seen:
            problems.append(Problem(doc.path, "id", f"id {doc.id!r} is already used by {seen[doc.id]}",
                                    "give each document a unique id"))
        else:
            seen[doc.id] = doc.path
    return problems


def parse_synonyms(rel: str, raw: bytes, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    """`synonyms.yaml` is a list of groups; each group is a list of words or phrases that mean the same."""
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        problems.append(Problem(rel, None, "not valid UTF-8 YAML", "fix the syntax; see corpus/README.md"))
        return ()
    if data is None:
        return ()
    groups = data.get("groups") if isinstance(data, dict) else data
    if not isinstance(groups, list):
        problems.append(Problem(rel, "groups", "must be a list of groups", "write 'groups:' then '- [a, b, c]' lines"))
        return ()
    result = []
    for n, group in enumerate(groups, start=1):
        if not (isinstance(group, list) and len(group) >= 2 and all(isinstance(t, str) and t.strip() for t in group)):
            problems.append(Problem(rel, f"groups[{n}]", "a group must list at least two non-empty words or phrases",
                                    "write it as [word, other word]"))
            continue
        result.append(tuple(t.strip() for t in group))
    return tuple(result)


def parse_profile(rel: str, raw: bytes, problems: list[Problem]) -> dict[str, Any]:
    """guidebot.yaml: a mapping of known fields; texts are strings, lists are lists of strings,
    `replies` maps reply names to texts. Unknown fields are errors (a typo is caught)."""
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(rel, None, f"not valid UTF-8 YAML ({exc})", "fix the YAML syntax"))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(rel, None, "must be a mapping of fields", "write `field: value` lines"))
        return {}
    profile: dict[str, Any] = {}
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            problems.append(Problem(rel, str(key), "unknown field", f"use one of: {', '.join(PROFILE_FIELDS)}"))
        elif key in PROFILE_TEXT_FIELDS and not isinstance(value, str):
            problems.append(Problem(rel, key, "must be a text", f"write `{key}: some text`"))
        elif key in PROFILE_LIST_FIELDS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(Problem(rel, key, "must be a list of texts", f"write `{key}:` then `  - text` lines"))
        elif key == "replies" and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            problems.append(Problem(rel, key, "must map reply names to texts", "write `replies:` then `  name: text`"))
        elif key == "regions" and not (isinstance(value, dict) and all(isinstance(v, list) for v in value.values())):
            problems.append(Problem(rel, key, "must map regions to lists of places", "write `  midwest: [Illinois]`"))
        else:
            profile[key] = value
    return profile


def _is_blank(value: Any) -> bool:
    return not value.strip() if isinstance(value, str) else value is None or (isinstance(value, list) and not value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
