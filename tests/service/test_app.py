"""The app and its pages (guidebot.service.app, .pages, .schemas): /api/config with its limits,
the time budget, CORS, the CSP of the HTML pages (checked in a real browser too), the widget's
fallbacks matching the server, assets served from the package, and what the service may import."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import guidebot.service
from guidebot.chat import DEFAULT_GREETING, Guidebot
from guidebot.service import pages
from guidebot.service.app import create_app
from guidebot.service.delivery import compact_script
from guidebot.settings import Settings

# ---------------------------------------------------------------------------------------------
# /api/config


def test_config_gives_title_greeting_three_starters_and_the_default_limits(client: TestClient,
                                                                          bot: Guidebot) -> None:
    body = client.get("/api/config").json()
    assert body == {"title": bot.title, "greeting": bot.greeting, "suggestions": bot.starters(3),
                    "limits": {"max_message_chars": 2000, "max_history_items": 50, "max_turn_chars": 4000,
                               "max_request_chars": 16000, "max_body_bytes": 262144},
                    "contact_url": None}
    assert len(body["suggestions"]) == 3


def test_the_title_and_greeting_come_from_the_corpus_profile_unless_set(bot: Guidebot) -> None:
    assert bot.title == "guidebot" and "Machine Learning" in bot.greeting  # corpus/guidebot.yaml
    with TestClient(create_app(Settings(title="Ask ESU", greeting="Hello!"), bot=bot)) as client:
        body = client.get("/api/config").json()
        assert (body["title"], body["greeting"]) == ("Ask ESU", "Hello!")
        assert "Ask ESU" in client.get("/").text


def test_config_limits_follow_the_settings(bot: Guidebot) -> None:
    settings = Settings(max_message_chars=300, max_history_items=4, max_turn_chars=900, max_request_chars=1200,
                        max_body_bytes=9000, greeting="Hello!")
    with TestClient(create_app(settings, bot=bot)) as client:
        body = client.get("/api/config").json()
    assert body["limits"] == {"max_message_chars": 300, "max_history_items": 4, "max_turn_chars": 900,
                              "max_request_chars": 1200, "max_body_bytes": 9000}
    assert body["greeting"] == "Hello!"


def test_config_limits_are_documented_in_openapi(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["ConfigResponse"]["required"]) == {"title", "greeting", "suggestions", "limits"}
    assert set(schemas["Limits"]["properties"]) == {"max_message_chars", "max_history_items", "max_turn_chars",
                                                    "max_request_chars", "max_body_bytes"}


def test_cors_allows_only_configured_origins_and_exposes_retry_after(bot: Guidebot) -> None:
    settings = Settings(allowed_origins=("https://uni.example",), rate_limit_per_minute=1)
    with TestClient(create_app(settings, bot=bot)) as client:
        allowed = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "https://uni.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://uni.example"
        limited = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "https://uni.example"})
        assert limited.status_code == 429 and limited.headers["access-control-allow-origin"] == "https://uni.example"
        assert "retry-after" in limited.headers["access-control-expose-headers"].lower()
        other = client.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# ---------------------------------------------------------------------------------------------
# Pages and their CSP


def inline_hashes(html: str, tag: str) -> set[str]:
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in blocks}


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_pages_have_a_csp_allowing_exactly_their_inline_blocks(client: TestClient, path: str) -> None:
    reply = client.get(path)
    csp = dict(part.strip().split(" ", 1) for part in reply.headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["connect-src"] == "'self'" and csp["base-uri"] == "'none'"
    assert set(csp["style-src"].split()) == inline_hashes(reply.text, "style")
    assert set(csp["script-src"].split()) == {"'self'"} | inline_hashes(reply.text, "script")
    assert "unsafe" not in reply.headers["content-security-policy"]
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_widget_script_is_served_without_a_page_csp(client: TestClient) -> None:
    reply = client.get("/widget.js")
    assert reply.status_code == 200 and reply.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in reply.headers  # it runs on foreign pages, under their policy
    assert reply.headers["content-type"].startswith("text/javascript")
    assert reply.headers["cache-control"] == "public, max-age=3600"


def test_pages_and_assets_are_served_from_package_data(client: TestClient) -> None:
    package = Path(guidebot.service.__file__).resolve().parent
    assert package / "web" == pages.WEB_DIR
    source = (package / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    assert client.get("/widget.js").content == compact_script(source).encode("utf-8")
    assert client.get("/static/host-test.html").status_code == 200
    assert "widget.js" in client.get("/").text and "widget.js" in client.get("/embed").text


# Run in its own process: the browser suite keeps a sync Playwright running in the test thread,
# and a second one cannot start beside it.
CSP_PROBE = """
import json, sys
from playwright.sync_api import sync_playwright
base, chromium = sys.argv[1], sys.argv[2]
found = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
    for path in ("/", "/embed"):
        page = browser.new_page()
        messages = []
        page.on("console", lambda m: messages.append(m.text))
        page.goto(base + path)
        page.wait_for_function("() => window.Guidebot && window.Guidebot.__mounted", timeout=15000)
        styled = page.evaluate("getComputedStyle(document.body).margin === '0px'")
        answered = None
        if path == "/":
            page.evaluate("() => window.Guidebot.ask('Where is CMU?')")
            page.wait_for_function("() => [...document.querySelectorAll('*')].some(e => e.shadowRoot && "
                                   "e.shadowRoot.textContent.includes('Pittsburgh'))", timeout=15000)
            answered = True
        found[path] = {"violations": [m for m in messages if "Content Security Policy" in m], "styled": styled,
                       "answered": answered}
        page.close()
    browser.close()
print(json.dumps(found))
"""


@pytest.mark.browser
def test_pages_and_widget_work_under_their_csp_in_chromium(live_server: str) -> None:
    chromium = os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        pytest.skip(f"chromium not found at {chromium}")
    pytest.importorskip("playwright.sync_api")
    result = subprocess.run([sys.executable, "-c", CSP_PROBE, live_server, chromium], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for path, page in found.items():
        assert page["violations"] == [], path
        assert page["styled"], f"{path}: its inline <style> was blocked"
    assert found["/"]["answered"]


# ---------------------------------------------------------------------------------------------
# The widget's fallbacks are the server's defaults


def test_widget_fallback_greeting_and_limits_equal_the_servers_defaults() -> None:
    script = pages.WIDGET_JS.read_text(encoding="utf-8")
    greeting = re.search(r'var DEFAULT_GREETING = ("(?:[^"\\]|\\.)*");', script)
    assert greeting and json.loads(greeting.group(1)) == DEFAULT_GREETING
    limits = re.search(r"var DEFAULT_LIMITS = \{ maxMessage: (\d+), maxHistory: (\d+), maxTurn: (\d+) \};", script)
    defaults = Settings()
    assert limits and tuple(map(int, limits.groups())) == (
        defaults.max_message_chars, defaults.max_history_items, defaults.max_turn_chars)
    assert "MAX_MESSAGE" not in script and "MAX_HISTORY" not in script  # no other copy of the limits


# ---------------------------------------------------------------------------------------------
# Import directions


# chunking too: the source pages split a document's Markdown with the same code that chunked it.
ALLOWED_OUTSIDE = {"guidebot.chat", "guidebot.build", "guidebot.index", "guidebot.corpus", "guidebot.errors",
                   "guidebot.settings", "guidebot.chunking"}


def imported_modules(path: Path) -> set[str]:
    """The guidebot modules a service module imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ["guidebot", "service"][: 3 - node.level]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "guidebot" or name.startswith("guidebot.")}


def test_service_talks_only_to_the_facade_build_index_and_settings() -> None:
    package = Path(guidebot.service.__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        outside = {m for m in imported_modules(path) if not m.startswith("guidebot.service")}
        assert outside <= ALLOWED_OUTSIDE, f"{path.name} imports {sorted(outside - ALLOWED_OUTSIDE)}"
