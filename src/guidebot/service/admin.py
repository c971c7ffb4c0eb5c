"""The maintainer's dashboard at /admin: sign-in (admin_auth.py), the report (report.py) as
server-rendered HTML with an inline SVG chart (charts.py), and each table's CSV/JSON export.

Present only when GUIDEBOT_ADMIN_TOKEN is set and recording is on; otherwise /admin is a 404.
Pages carry the chat page's strict CSP (middleware.page_security_headers) tightened further:
no scripts, connections or images at all, forms only to this origin, and `no-store` caching.
Exports also accept the admin token as a bearer token, for scripts.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError

from ..settings import Settings
from .admin_auth import AdminAuth
from .charts import daily_chart
from .lifecycle import BotHolder
from .middleware import page_security_headers
from .pages import TEMPLATES_DIR
from .recording import Recorder
from .replyids import load_secret
from .report import TABLES, build_report, parse_since
from .report_text import TITLES, to_csv

PERIODS = ("24h", "7d", "30d", "90d")
MAX_FORM_BYTES = 4096


def admin_headers(html: str) -> dict[str, str]:
    """The chat page's CSP for this page, with nothing allowed that the dashboard does not use."""
    policy = page_security_headers(html)["Content-Security-Policy"]
    policy = re.sub(r"script-src [^;]*", "script-src 'none'", policy)
    policy = policy.replace("connect-src 'self'", "connect-src 'none'").replace("img-src 'self'", "img-src 'none'")
    policy = policy.replace("form-action 'none'", "form-action 'self'")
    return {"Content-Security-Policy": policy, "Cache-Control": "no-store"}


def add_admin_pages(app: FastAPI, settings: Settings, holder: BotHolder, recorder: Recorder) -> None:
    if not settings.admin_token or not recorder.enabled or recorder.writer is None:
        return
    pages = AdminPages(settings, holder, recorder)
    for path, method, endpoint in (("/admin", "GET", pages.dashboard), ("/admin/login", "GET", pages.login_form),
                                   ("/admin/login", "POST", pages.login), ("/admin/logout", "POST", pages.logout),
                                   ("/admin/export/{table}.{fmt}", "GET", pages.export)):
        app.add_api_route(path, endpoint, methods=[method], include_in_schema=False)


class AdminPages:
    """The dashboard's routes, sharing the sign-in keys, the store and the templates."""

    def __init__(self, settings: Settings, holder: BotHolder, recorder: Recorder) -> None:
        assert recorder.writer is not None
        self.auth = AdminAuth(load_secret(settings.secret, Path(settings.index_path).parent), settings.admin_token)
        self.holder = holder
        self.recorder = recorder
        self.store = recorder.writer.store
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

    def page(self, request: Request, name: str, context: dict[str, object], status: int = 200) -> HTMLResponse:
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(admin_headers(bytes(response.body).decode("utf-8")))
        return response

    def login_page(self, request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
        csrf, fresh_nonce = self.auth.login_csrf(request)
        response = self.page(request, "admin/login.html", {"error": error, "csrf": csrf}, status)
        if fresh_nonce is not None:
            self.auth.set_login_nonce(response, request, fresh_nonce)
        return response

    async def dashboard(self, request: Request, since: Annotated[str, Query(max_length=8)] = "30d") -> Response:
        session = self.auth.session(request)
        if session is None:
            return RedirectResponse("/admin/login", status_code=303)
        try:
            seconds = parse_since(since)
        except ValueError as exc:
            return Response(str(exc), status_code=422, media_type="text/plain")
        try:
            report = await asyncio.to_thread(build_report, self.store, self.holder.bot, seconds)
        except SQLAlchemyError as exc:
            return _unavailable(exc)
        return self.page(request, "admin/dashboard.html", {
            "report": report, "since": since, "periods": PERIODS, "chart": daily_chart(report.daily),
            "cited": [r for r in report.sections if r["citations"]],
            "never": [r for r in report.sections if r["in_index"] and not r["citations"]],
            "titles": TITLES, "csrf": self.auth.csrf_for(session), "recording": self.recorder.health()})

    async def login_form(self, request: Request) -> Response:
        if self.auth.session(request) is not None:
            return RedirectResponse("/admin", status_code=303)
        return self.login_page(request)

    async def login(self, request: Request) -> Response:
        form = await _form(request)
        if not self.auth.login_csrf_ok(request, form.get("csrf", "")):
            return Response("the sign-in form expired or came from another site; reload /admin/login",
                            status_code=403, media_type="text/plain")
        if not self.auth.token_matches(form.get("token", "")):
            return self.login_page(request, "That is not the admin token.", 401)
        response = RedirectResponse("/admin", status_code=303)
        self.auth.set_session(response, request)
        return response

    async def logout(self, request: Request) -> Response:
        session = self.auth.session(request)
        form = await _form(request)
        if session is None or not self.auth.csrf_ok(request, session, form.get("csrf", "")):
            return Response("missing or wrong CSRF token", status_code=403, media_type="text/plain")
        response = RedirectResponse("/admin/login", status_code=303)
        self.auth.clear_session(response)
        return response

    async def export(self, request: Request, table: str, fmt: str,
                     since: Annotated[str, Query(max_length=8)] = "30d") -> Response:
        bearer = request.headers.get("authorization", "")
        if self.auth.session(request) is None and not (bearer.startswith("Bearer ")
                                                        and self.auth.token_matches(bearer[7:])):
            return Response("sign in at /admin/login first", status_code=401, media_type="text/plain")
        if table not in TABLES or fmt not in ("csv", "json"):
            return Response(f"no such export: tables are {', '.join(TABLES)}; formats csv and json",
                            status_code=404, media_type="text/plain")
        try:
            seconds = parse_since(since)
        except ValueError as exc:
            return Response(str(exc), status_code=422, media_type="text/plain")
        try:
            rows = (await asyncio.to_thread(build_report, self.store, self.holder.bot, seconds)).table(table)
        except SQLAlchemyError as exc:
            return _unavailable(exc)
        headers = {"Content-Disposition": f'attachment; filename="guidebot-{table}-{since}.{fmt}"',
                   "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
        if fmt == "json":
            return Response(orjson.dumps(rows, option=orjson.OPT_INDENT_2), media_type="application/json",
                            headers=headers)
        return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


def _unavailable(exc: Exception) -> Response:
    first_line = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return Response(f"the database is unavailable ({first_line}); chat keeps answering and recording resumes "
                    "when it is back; try again in a moment", status_code=503, media_type="text/plain",
                    headers={"Retry-After": "10"})


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the dashboard's forms are tiny; no multipart parser needed)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
