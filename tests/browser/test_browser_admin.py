"""The maintainer's loop in real Chromium: the widget's thumbs record a rating, and the /admin
dashboard (sign-in, each table, the chart, CSV/JSON export, its CSP, CSRF) shows it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from guidebot.service.store import Store

from ..conftest import Server, serve
from ..service.conftest import wait_for
from .test_browser_widget import W, ask, open_widget

TOKEN = "browser-admin-token-0123456789"
SEED = ["What is the tuition at Stanford?", "How much does Stanford cost?", "where is CMU?", "tell me about Purdue",
        "Do I need health insurance?", "hi"]


def store_of(server: Server) -> Store:
    return Store(f"sqlite:///{server.log_path.parent / 'guidebot.db'}")


def test_the_widget_thumbs_record_a_rating_with_its_comment(page: Page, api_server: Server, host_site) -> None:
    open_widget(page, host_site.url())
    answer = ask(page, "where is CMU?")
    actions = answer.locator(".gb-actions")
    expect(actions.get_by_role("button", name="Helpful", exact=True)).to_be_visible()
    actions.get_by_role("button", name="Not helpful").click()
    actions.locator("textarea").fill("I wanted the campus address")
    actions.get_by_role("button", name="Send").click()
    expect(actions.locator(".gb-fb-status")).to_have_text("Thanks for the feedback.")
    expect(actions.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "true")
    store = store_of(api_server)
    rows = wait_for(lambda: [r for r in store.rated(0, "down") if r["comment"] == "I wanted the campus address"], 10)
    assert rows[0]["question"] == "where is CMU?" and "Pittsburgh" in rows[0]["answer"]
    store.close()
    page.reload()  # the rating is remembered with the conversation
    expect(page.locator(f"{W} .gb-fb-status").first).to_have_text("Thanks for the feedback.")


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("admin"), env={"GUIDEBOT_ADMIN_TOKEN": TOKEN,
                                                       "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0"}) as server:
        for question in SEED:
            reply = httpx.post(f"{server.base}/api/chat", json={"message": question}, timeout=10).json()
            if question == "where is CMU?":
                httpx.post(f"{server.base}/api/feedback", timeout=10, json={
                    "reply_id": reply["reply_id"], "rating": "down", "comment": "not the campus I meant",
                    "question": question, "answer": reply["answer"]}).raise_for_status()
        store = store_of(server)
        wait_for(lambda: store.count("feedback") == 1 and store.count("turns") == len(SEED), 10)
        store.close()
        yield server


def sign_in(page: Page, base: str, token: str = TOKEN):
    page.goto(base + "/admin")
    expect(page).to_have_url(base + "/admin/login")
    page.get_by_label("Admin token").fill(token)
    with page.expect_response(lambda r: r.url.startswith(base + "/admin")) as response:
        page.get_by_role("button", name="Sign in").click()
    return response.value


def test_the_dashboard_signs_in_with_the_token_into_a_strict_session(page: Page, admin_server: Server) -> None:
    base = admin_server.base
    assert sign_in(page, base, "wrong token").status == 401
    expect(page.get_by_role("alert")).to_have_text("That is not the admin token.")
    sign_in(page, base)
    expect(page).to_have_url(base + "/admin")
    session = next(c for c in page.context.cookies() if c["name"] == "guidebot_admin")
    assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/admin"


def test_the_dashboard_shows_each_table_and_the_chart(page: Page, admin_server: Server, screenshot) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, admin_server.base)
    daily = page.locator("#daily tbody tr")
    expect(daily).to_have_count(1)
    expect(daily.first.locator("td").nth(1)).to_have_text(str(len(SEED)))
    assert page.locator("svg.chart rect").count() >= 3  # answered, partial, abstained, small talk bars
    expect(page.locator("svg.chart polyline.latency")).to_have_count(1)
    unanswered = page.locator("#unanswered tbody tr")
    expect(unanswered.first).to_contain_text("Stanford University")
    expect(unanswered.first).to_contain_text("How much does Stanford cost?")
    expect(unanswered.first).to_contain_text("programs/stanford.md")
    expect(page.locator("#unanswered")).to_contain_text("Purdue")
    expect(page.locator("#disliked tbody tr")).to_contain_text("not the campus I meant")
    expect(page.locator("#disliked tbody tr")).to_contain_text("Carnegie Mellon University (CMU) › Location")
    expect(page.locator("#sections tbody tr").first).to_contain_text("Carnegie Mellon University (CMU)")
    assert page.locator("#sections table").nth(1).locator("tbody tr").count() > 10  # never cited
    expect(page.locator("#documents tbody tr").first).to_contain_text("Carnegie Mellon University (CMU)")
    screenshot(page, "admin-dashboard.png")
    assert not violations, violations


def test_every_table_exports_as_csv_and_json(page: Page, admin_server: Server, tmp_path: Path) -> None:
    sign_in(page, admin_server.base)
    for table in ("daily", "unanswered", "disliked", "sections", "documents"):
        with page.expect_download() as csv_download:
            page.locator(f'a[href^="/admin/export/{table}.csv"]').click()
        csv_path = tmp_path / f"{table}.csv"
        csv_download.value.save_as(csv_path)
        assert csv_path.read_text(encoding="utf-8").splitlines()[0].count(",") >= 2
        with page.expect_download() as json_download:
            page.locator(f'a[href^="/admin/export/{table}.json"]').click()
        json_path = tmp_path / f"{table}.json"
        json_download.value.save_as(json_path)
        assert isinstance(json.loads(json_path.read_text(encoding="utf-8")), list)
    assert "not the campus I meant" in (tmp_path / "disliked.csv").read_text(encoding="utf-8")


def test_the_dashboard_carries_a_csp_that_allows_no_script(page: Page, admin_server: Server) -> None:
    response = sign_in(page, admin_server.base)
    policy = page.request.get(admin_server.base + "/admin").headers["content-security-policy"]
    for part in ("default-src 'none'", "script-src 'none'", "connect-src 'none'", "img-src 'none'",
                 "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert part in policy
    assert response.status in (200, 303)
    assert page.evaluate("() => document.scripts.length") == 0


def test_forms_without_the_csrf_token_are_refused(page: Page, admin_server: Server, host_site) -> None:
    base = admin_server.base
    sign_in(page, base)
    assert page.request.post(base + "/admin/logout", form={"csrf": "forged"}).status == 403
    assert page.request.post(base + "/admin/logout", form={}).status == 403
    # a tampered form in the page itself
    page.evaluate("() => { document.querySelector('form[action=\"/admin/logout\"] input[name=csrf]').value = 'x'; }")
    with page.expect_response(base + "/admin/logout") as refused:
        page.get_by_role("button", name="Sign out").click()
    assert refused.value.status == 403
    # a sign-in form posted without its pre-session cookie's token
    assert page.request.post(base + "/admin/login", form={"token": TOKEN, "csrf": "x"}).status == 403
    page.goto(base + "/admin")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base + "/admin/login")
    page.goto(base + "/admin")
    expect(page).to_have_url(base + "/admin/login")


def test_the_dashboard_does_not_exist_without_an_admin_token(api_server: Server) -> None:
    assert httpx.get(api_server.base + "/admin", timeout=10, follow_redirects=False).status_code == 404
    assert httpx.get(api_server.base + "/admin/login", timeout=10).status_code == 404
