"""Real English text for benchmarks and parity tests: docstrings of the Python standard library.

Deterministic for a given Python version, available offline on every machine, and written by
people, so its term statistics look like prose (unlike random words).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Iterator

SKIP_PREFIXES = ("test", "idlelib", "tkinter", "turtle", "lib2to3", "ensurepip", "antigravity", "this",
                 "__main__", "pydoc_data", "_")


def _modules() -> Iterator[object]:
    top_level = [m for m in pkgutil.iter_modules(_stdlib_paths())
                 if not m.name.startswith(SKIP_PREFIXES) and "test" not in m.name]
    names = sorted(m.name for m in top_level)
    for package in (m for m in top_level if m.ispkg):
        path = [f"{_stdlib_paths()[0]}/{package.name}"]
        names += sorted(f"{package.name}.{m.name}" for m in pkgutil.iter_modules(path))
    for name in names:
        info = type("Info", (), {"name": name})
        parts = info.name.split(".")
        if parts[0].startswith(SKIP_PREFIXES) or any(p.startswith("_") or "test" in p for p in parts):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - some stdlib modules do not import on every platform
            continue


def _stdlib_paths() -> list[str]:
    import sysconfig

    return [sysconfig.get_paths()["stdlib"]]


def docstrings(limit: int, min_words: int = 8) -> list[tuple[str, str]]:
    """Up to `limit` (title, text) pairs: qualified name and docstring paragraph of stdlib objects."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for module in _modules():
        members = [(module.__name__, module)]
        try:
            for n, o in inspect.getmembers(module):
                if n.startswith("_"):
                    continue
                members.append((f"{module.__name__}.{n}", o))
                if inspect.isclass(o) and getattr(o, "__module__", "") == module.__name__:
                    members += [(f"{module.__name__}.{n}.{m}", f) for m, f in vars(o).items()
                                if not m.startswith("_") and callable(f)]
        except Exception:  # noqa: BLE001
            continue
        for name, obj in members:
            doc = inspect.getdoc(obj) if not isinstance(obj, (str, int, float, bytes)) else None
            if not doc:
                continue
            for n, paragraph in enumerate(p.strip() for p in doc.split("\n\n")):
                text = " ".join(paragraph.split())
                if len(text.split()) < min_words or text in seen or ">>>" in text:
                    continue
                seen.add(text)
                found.append((f"{name} ({n + 1})", text))
                if len(found) >= limit:
                    return found
    return found
