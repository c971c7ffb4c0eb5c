"""The layout shows the architecture: data flows one way through the layers below, a later stage is
never imported by an earlier one, answering and conversation never reach into the service or the
index's internals, and no module or function grows past what a newcomer can read."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import guidebot

SRC = Path(guidebot.__file__).parent
# Lower layers first. A module may import from its own layer or a lower one, never a higher one.
LAYERS: list[set[str]] = [
    {"errors", "datafiles", "policy", "budget", "caches"},
    {"corpus", "settings"},
    {"chunking", "analysis", "english", "archive"},
    {"index", "lexicon"},
    {"semantic"},
    {"build", "search"},
    {"answering"},
    {"conversation"},
    {"chat"},
    {"evaluation", "service"},
    {"cli"},
]
LAYER_OF = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# Below the facade, these must not be reached: the HTTP service, and BM25's arrays (only search.py reads them).
FORBIDDEN_BELOW_FACADE = {"service", "index", "build", "chat", "evaluation", "cli"}


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(SRC)], prefix="guidebot."))


def top_name(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def imported_guidebot_modules(module: str) -> set[str]:
    """guidebot modules that `module` imports, resolved from its source (relative imports too)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    package = module if spec.origin.endswith("__init__.py") else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            found.update(n for n in [target, *names] if n.startswith("guidebot.") and importlib.util.find_spec(
                n.rsplit(".", 1)[0]) is not None)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("guidebot."))
    return {f for f in found if f.count(".") >= 1}


@pytest.mark.parametrize("module", modules())
def test_every_module_imports_and_says_what_it_owns(module: str) -> None:
    imported = importlib.import_module(module)
    assert imported.__doc__ and len(imported.__doc__.strip()) > 20, f"{module} needs a docstring on top"


@pytest.mark.parametrize("module", modules())
def test_imports_flow_from_later_stages_to_earlier_ones_only(module: str) -> None:
    own = top_name(module)
    assert own in LAYER_OF, f"{module}: add its package to LAYERS in this test"
    for target in imported_guidebot_modules(module):
        other = top_name(target)
        if other == own or other not in LAYER_OF:
            continue
        assert LAYER_OF[other] <= LAYER_OF[own], f"{module} imports {target}, a later stage"


@pytest.mark.parametrize("module", [m for m in modules() if top_name(m) in ("answering", "conversation")])
def test_answering_and_conversation_never_reach_the_service_or_index_internals(module: str) -> None:
    for target in imported_guidebot_modules(module):
        assert top_name(target) not in FORBIDDEN_BELOW_FACADE, f"{module} imports {target}"


def test_only_the_searcher_reads_bm25_arrays() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name in ("search.py", "index.py", "build.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if ".bm25" in text or "term_ids" in text:
            offenders.append(path.relative_to(SRC).as_posix())
    assert not offenders


def test_no_module_is_over_300_lines_and_no_function_over_50_without_saying_why() -> None:
    long_modules, long_functions = [], []
    for path in SRC.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 300:
            long_modules.append(path.relative_to(SRC).as_posix())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if length > 50 and "long because" not in doc.lower():
                    long_functions.append(f"{path.relative_to(SRC).as_posix()}:{node.name} ({length} lines)")
    assert not long_modules and not long_functions, (long_modules, long_functions)


def string_literals(source: str) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def test_no_reply_text_or_domain_word_is_hard_coded_below_the_facade() -> None:
    """Reply texts and what the corpus is about come from the lexicon and the corpus profile."""
    for folder in ("answering", "conversation"):
        for path in (SRC / folder).glob("*.py"):
            literals = " ".join(string_literals(path.read_text(encoding="utf-8"))).lower()
            for phrase in ("don't know", "machine learning", "the guide and its notes", "please check", "tuition",
                           "universities"):
                assert phrase not in literals, f"{path.name} has {phrase!r} in a string"
