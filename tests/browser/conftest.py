"""Browser tests for the chat widget: real server + a foreign-origin host page + Debian's chromium.

Fixtures start:
  * the real API server (`guidebot serve`, through the shared launcher in tests/conftest.py) on a
    free loopback port, with GUIDEBOT_ALLOWED_ORIGINS set to the host page's origin;
  * a plain HTTP server on another free port serving host pages that embed the widget with ONE
    script tag pointing at the API server (so every API call is cross-origin, like a real embed);
  * chromium from /usr/bin/chromium (never a downloaded browser).

If chromium is missing the tests are skipped, unless CI=true, in which case they fail.
"""

from __future__ import annotations

import html
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ..conftest import CORPUS, Server, free_port, serve

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
DOCS_SCREENSHOT_DIR = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = float(os.environ.get("GUIDEBOT_BROWSER_START_TIMEOUT", "90"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where a silently skipped browser suite would hide regressions."""
    if _in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure rather than a skip)", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end tests of the chat widget in chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- host page server

EVIL_CSS = {
    "all-unset": "* { all: unset !important; }",
    "div-none": "div { display: none !important; }",
}


class HostSite:
    """A foreign-origin site that embeds the widget with one script tag."""

    def __init__(self) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.api_base = ""  # filled in once the API server is up
        self.closed_port = free_port()  # nothing listens here
        self._httpd: ThreadingHTTPServer | None = None

    def url(self, **params: str) -> str:
        query = urllib.parse.urlencode(params)
        return f"{self.origin}/page.html" + (f"?{query}" if query else "")

    def render(self, params: dict[str, str]) -> str:
        api = self.api_base
        attrs = []
        if params.get("api") == "closed":
            attrs.append(f'data-api-base="http://127.0.0.1:{self.closed_port}"')
        for key in ("timeout", "open", "accent", "position", "title", "greeting", "lang", "theme", "launcher",
                    "contact_url", "contact_label", "persist", "persist_hours", "answer_lang"):
            if key in params:
                attrs.append(f'data-{key.replace("_", "-")}="{html.escape(params[key], quote=True)}"')
        css = EVIL_CSS.get(params.get("css", ""), "")
        script = "" if params.get("nowidget") else (
            f'<script src="{api}/widget.js" {" ".join(attrs)} defer></script>'
        )
        # A page's own button opening the chat (for data-launcher="none"); a right-to-left page in Arabic.
        own_launcher = '<p><button type="button" id="ask-us">Ask us a question</button></p>' \
            if params.get("launcher") == "none" else ""
        html_tag = '<html lang="ar" dir="rtl">' if params.get("rtl") else '<html lang="en">'
        heading = "جامعة المثال: القبول للدراسات العليا" if params.get("rtl") else \
            "Example University &mdash; Graduate admissions"
        return f"""<!doctype html>
{html_tag}
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example University: Graduate admissions</title>
<style>
  body {{ font-family: Georgia, serif; margin: 0; padding: 32px 48px; color: #222; background: #fafaf7; }}
  h1 {{ font-size: 30px; margin: 0 0 12px; }}
  p {{ max-width: 640px; font-size: 17px; line-height: 1.6; }}
  {css}
</style>
</head>
<body>
<h1>{heading}</h1>
<div class="content"><p>Thinking about a Master's in Machine Learning in the US? Read our
<a href="#guide" id="host-link">application guide</a>, or ask the assistant in the corner.</p>
<p>Applications for the fall intake open in September. International applicants should check
English-language and visa requirements early.</p></div>
{own_launcher}
{script}
<script>
  document.addEventListener("click", function (e) {{
    if (e.target && e.target.id === "ask-us" && window.Guidebot) window.Guidebot.open();
  }});
</script>
</body>
</html>"""

    def start(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                parsed = urllib.parse.urlparse(self.path)
                if parsed.path != "/page.html":
                    self.send_error(404)
                    return
                params = dict(urllib.parse.parse_qsl(parsed.query))
                body = site.render(params).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                if params.get("csp"):
                    # A strict site: no inline styles or scripts at all, only the widget's origin.
                    api = site.api_base
                    self.send_header(
                        "Content-Security-Policy",
                        f"default-src 'none'; script-src {api}; connect-src {api}; style-src 'none'; img-src 'none'",
                    )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()


@pytest.fixture(scope="session")
def host_site():
    site = HostSite()
    site.start()
    yield site
    site.stop()


# --------------------------------------------------------------------------- API server


@pytest.fixture(scope="session")
def api_server(host_site: HostSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    corpus = Path(os.environ.get("GUIDEBOT_CORPUS_DIR", str(CORPUS)))
    workdir = tmp_path_factory.mktemp("guidebot-server")
    try:
        with serve(workdir, corpus=corpus, env={"GUIDEBOT_ALLOWED_ORIGINS": host_site.origin},
                   timeout=SERVER_START_TIMEOUT) as server:
            host_site.api_base = server.base
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        _unavailable(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 (any launch failure means "no usable browser")
        pw.stop()
        _unavailable(f"could not launch chromium at {CHROMIUM}: {exc}")
    yield b
    b.close()
    pw.stop()


class PageProbe:
    """Collects uncaught page errors, dialogs and every request URL for later assertions."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", lambda req: self.requests.append(req.url))

        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)


def _new_page(browser, **context_kwargs):
    context = browser.new_context(**context_kwargs)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.probe = PageProbe(page)
    return context, page


@pytest.fixture()
def page(browser, api_server, host_site):
    context, pg = _new_page(browser, viewport={"width": 1280, "height": 800})
    yield pg
    errors = list(pg.probe.errors)
    context.close()
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture()
def mobile_page(browser, api_server, host_site):
    context, pg = _new_page(browser, **PHONE)
    yield pg
    errors = list(pg.probe.errors)
    context.close()
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"


def _save_screenshot(page, name: str, docs_name: str | None = None) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    page.screenshot(path=str(path))
    if docs_name and os.environ.get("GUIDEBOT_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT_DIR / docs_name)
    return path


@pytest.fixture()
def screenshot():
    """`screenshot(page, name, docs_name=None)`: always saves to tests/browser/screenshots/ (ignored by
    git); with GUIDEBOT_UPDATE_SCREENSHOTS=1 also refreshes the README copy in docs/screenshots/."""
    return _save_screenshot


@pytest.fixture(params=sorted(DEVICES))
def device_page(request, browser, api_server, host_site):
    """The same test on a 1280x800 desktop and on a 390x844 touch phone; `page.device` names it."""
    context, pg = _new_page(browser, **DEVICES[request.param])
    pg.device = request.param
    yield pg
    errors = list(pg.probe.errors)
    context.close()
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"


@pytest.fixture()
def new_page(browser, api_server, host_site):
    """`new_page(**context options)`: pages in contexts of the test's own making, closed afterwards."""
    contexts = []

    def make(**options):
        context, pg = _new_page(browser, **options)
        contexts.append((context, pg))
        return pg

    yield make
    errors = [e for _, pg in contexts for e in pg.probe.errors]
    for context, _ in contexts:
        context.close()
    assert not errors, f"uncaught JavaScript errors on the page: {errors}"


# --------------------------------------------------------------------------- axe-core

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(f"axe-core is not installed at {AXE_JS} (npm ci --prefix tests/browser)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture()
def axe(axe_source: str):
    """`axe(page, state)`: runs axe-core on the widget (its open shadow root included) and fails
    listing every violation, naming the state the widget was in."""

    def check(page, state: str) -> None:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(axe_source)  # through DevTools, so even a strict page CSP cannot block it
        page.wait_for_timeout(250)  # let open/close motion settle: colours are checked as shown
        violations = page.evaluate(
            """async () => {
                const result = await axe.run({include: [["guidebot-widget"]]},
                                             {resultTypes: ["violations"]});
                return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => [n.target, n.failureSummary])}));
            }"""
        )
        assert violations == [], f"axe-core found violations in state {state!r}: {violations}"

    return check
