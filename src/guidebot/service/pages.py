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
        base_url = str(request.base_url).rstrip("/")
        snippet = f'<script src="{base_url}/widget.js" defer></script>'
        return page(request, "embed.html", {**branding(), "base_url": base_url, "snippet": snippet})

    widget = ScriptFile(WIDGET_JS)

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response(widget.body(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    add_source_pages(app, holder, templates)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
