"""Serving pages and assets: gzip for widget.js and the pages (never for the JSON API), weak
ETags with 304 Not Modified, Cache-Control, HEAD answered like GET without a body, and the
widget's size budget."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from guidebot.service import pages
from guidebot.service.delivery import compact_script

GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize("path", ["/widget.js", "/", "/embed", "/sources/guide", "/sources"])
def test_pages_and_the_widget_are_gzipped_with_an_etag(client: TestClient, path: str) -> None:
    reply = client.get(path, headers=GZIP)
    assert reply.status_code == 200
    assert reply.headers["content-encoding"] == "gzip" and "Accept-Encoding" in reply.headers["vary"]
    assert reply.headers["etag"].startswith('W/"') and reply.headers["cache-control"]
    again = client.get(path, headers={**GZIP, "If-None-Match": reply.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == reply.headers["etag"]


def test_a_changed_page_gets_a_new_etag_and_a_full_reply(client: TestClient) -> None:
    reply = client.get("/sources/guide", headers={"If-None-Match": 'W/"something-else"'})
    assert reply.status_code == 200 and "<h1>" in reply.text


def test_the_json_api_is_never_compressed(client: TestClient) -> None:
    for reply in (client.get("/api/config", headers=GZIP),
                  client.post("/api/chat", json={"message": "What are the admission requirements?"}, headers=GZIP)):
        assert reply.status_code == 200 and "content-encoding" not in reply.headers and "etag" not in reply.headers


def test_cache_control_lets_the_widget_be_cached_and_pages_revalidate(client: TestClient) -> None:
    assert client.get("/widget.js").headers["cache-control"] == "public, max-age=3600"
    assert client.get("/").headers["cache-control"] == "no-cache"
    assert client.get("/sources/cmu").headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/widget.js", "/", "/embed", "/sources/cmu", "/static/host-test.html", "/api/health"])
def test_head_is_answered_like_get_without_a_body(client: TestClient, path: str) -> None:
    head = client.head(path)
    get = client.get(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if "etag" in get.headers:
        assert head.headers["etag"] == get.headers["etag"]


def test_head_keeps_the_page_csp(client: TestClient) -> None:
    assert client.head("/").headers["content-security-policy"] == client.get("/").headers["content-security-policy"]


def test_the_widget_stays_under_20_kb_gzipped_as_served(client: TestClient) -> None:
    served = client.get("/widget.js", headers=GZIP)
    assert int(served.headers["content-length"]) < 20 * 1024
    assert len(gzip.compress(served.content, 9)) < 20 * 1024


def test_the_served_widget_is_the_source_without_comments(client: TestClient) -> None:
    source = pages.WIDGET_JS.read_text(encoding="utf-8")
    served = client.get("/widget.js").text
    assert served == compact_script(source)
    assert "// " not in "\n".join(line for line in served.splitlines() if line.startswith("//"))
    assert served.startswith("/*! guidebot chat widget") and "var DEFAULT_GREETING" in served
