"""The service's pages and browser assets: the full-page chat at `/`, the embed instructions at
`/embed`, the widget script at `/widget.js`, the files under `/static`, and the readable corpus
documents under `/sources` (sources.py).

The templates and static files are package data in `web/` beside this module (listed in
pyproject.toml's `[tool.setuptools.package-data]`), so an installed package serves them too.
Each HTML page carries a CSP computed from its own rendered inline blocks (see
`middleware.page_security_headers`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..settings import Settings
from .delivery import ScriptFile
from .forwarding import from_trusted_peer
from .lifecycle import BotHolder
from .middleware import page_security_headers
from .sources import add_source_pages

WEB_DIR = Path(__file__).resolve().parent / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
WIDGET_JS = STATIC_DIR / "widget.js"


def add_pages(app: FastAPI, settings: Settings, holder: BotHolder) -> None:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

    def branding() -> dict[str, object]:
        """The chat's title and greeting: GUIDEBOT_TITLE / _GREETING, else the corpus profile's."""
        bot = holder.bot
        return {"title": settings.title or bot.title, "greeting": settings.greeting or bot.greeting}

    def page(request: Request, name: str, context: dict[str, object]) -> HTMLResponse:
        response = templates.TemplateResponse(request, name, context)
        response.headers.update(page_security_headers(bytes(response.body).decode("utf-8")))
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index_page(request: Request) -> HTMLResponse:
        return page(request, "index.html", {**branding(), "asset_base": ""})

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    async def embed_page(request: Request) -> HTMLResponse:
        base_url = public_base_url(settings, request)
        snippet = f'<script src="{base_url}/widget.js" defer></script>'
        return page(request, "embed.html", {**branding(), "base_url": base_url, "snippet": snippet,
                                            "asset_base": ""})

    widget = ScriptFile(WIDGET_JS)

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response(widget.body(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    add_source_pages(app, holder, templates)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")


def public_base_url(settings: Settings, request: Request) -> str:
    """The URL other sites should load the widget from: GUIDEBOT_PUBLIC_URL when set; else the
    request's own URL, whose host comes from the Host header only when a trusted proxy sent the
    request (any client can type any Host); else the address the connection arrived at."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if from_trusted_peer(request.scope):
        return str(request.base_url).rstrip("/")
    server = request.scope.get("server")
    if not server or server[1] is None:
        return str(request.base_url.replace(netloc="localhost")).rstrip("/")
    host, port = server
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(request.url.scheme)
    return f"{request.url.scheme}://{host}" + ("" if port == default else f":{port}")
