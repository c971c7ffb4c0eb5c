"""What the service tests share: an admin token, documents to add or break a corpus with, and
the app serving a writable corpus copy with reindexing enabled."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from guidebot.service.app import create_app
from guidebot.settings import Settings

TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW_TOPIC = ("---\nid: quokka-topic\ntitle: Quokka facts\nkind: topic\n---\n\n"
             "Quokkas are small marsupials that live on Rottnest Island.\n")
BROKEN_TOPIC = "---\nid: Not An Id\ntitle: Broken\nkind: topic\nprice: 3\n---\n\nText.\n"
T = TypeVar("T")


def settings_for(corpus: Path, index: Path, **overrides: object) -> Settings:
    return Settings(corpus_dir=corpus, index_path=index, admin_token=TOKEN, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def admin_client(corpus_copy: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The app serving a writable corpus copy from its own index file, with an admin token."""
    app = create_app(settings_for(corpus_copy, tmp_path / "index.gbi", rate_limit_per_minute=0))
    with TestClient(app) as client:
        yield client


def wait_for(condition: Callable[[], T], timeout: float, interval: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def search_doc_ids(base: str, query: str) -> set[str]:
    reply = httpx.get(f"{base}/api/search", params={"q": query, "k": 3}, timeout=10)
    return {r["doc_id"] for r in reply.json()["results"]}
