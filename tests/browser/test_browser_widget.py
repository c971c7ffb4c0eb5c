"""End-to-end tests of the embeddable chat widget (src/guidebot/service/web/static/widget.js) against the real server.

The host pages are served from a different origin than the API, exactly like a real embed.
All widget DOM lives in an open shadow root; Playwright's CSS and role locators pierce it.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from guidebot.chat import DEFAULT_GREETING
from guidebot.settings import Settings

expect.set_options(timeout=10_000)

W = "guidebot-widget"
ADMISSIONS_Q = "What are the admission requirements?"
XSS = "<img src=x onerror=alert(1)>"


# --------------------------------------------------------------------------- helpers


def launcher(page: Page):
    return page.locator(f"{W} .gb-launcher")


def panel(page: Page):
    return page.locator(f"{W} .gb-panel")


def textarea(page: Page):
    return page.locator(f"{W} textarea")


def answers(page: Page):
    return page.locator(f"{W} .gb-msg-assistant:not(.gb-greeting)")


def user_bubbles(page: Page):
    return page.locator(f"{W} .gb-msg-user .gb-bubble")


def starters(page: Page):
    return page.locator(f"{W} .gb-starters .gb-suggestion")


def error_box(page: Page):
    return page.locator(f"{W} .gb-error")


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    expect(launcher(page)).to_be_visible()
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    settle(page)


def settle(page: Page) -> None:
    """Wait for the panel's open or close motion to end (boxes and colours are measured as shown)."""
    panel(page).evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")


def ask(page: Page, question: str):
    """Type a question, press Enter, and return the new answer's locator once it is rendered."""
    before = answers(page).count()
    textarea(page).fill(question)
    textarea(page).press("Enter")
    expect(answers(page)).to_have_count(before + 1)
    return answers(page).nth(before)


def shadow_eval(page: Page, body: str):
    """Evaluate `body` with `root` bound to the widget's shadow root."""
    return page.evaluate(f"(() => {{ const root = document.querySelector('{W}').shadowRoot; {body} }})()")


def _lum(rgb: tuple[float, float, float]) -> float:
    def chan(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (chan(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    def parse(s: str) -> tuple[float, float, float]:
        m = re.match(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)", s)
        assert m, f"unexpected colour format {s!r}"
        return float(m[1]), float(m[2]), float(m[3])

    la, lb = _lum(parse(a)), _lum(parse(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


# --------------------------------------------------------------------------- core behaviour


def test_open_panel_shows_greeting_with_three_suggestion_buttons(page: Page, host_site):
    open_widget(page, host_site.url())
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(re.compile(r"\S"))
    expect(page.locator(f"{W} .gb-greeting .gb-bubble")).not_to_be_empty()
    expect(starters(page)).to_have_count(3)
    for i in range(3):
        expect(starters(page).nth(i)).to_be_visible()
        expect(starters(page).nth(i)).to_have_attribute("aria-label", re.compile(r"^Ask: .+"))
    expect(page.locator(f"{W} .gb-live[aria-live=polite]")).to_have_count(1)
    expect(page.locator(f"{W} [aria-live=polite]")).to_have_count(1)  # the conversation itself is not live
    expect(textarea(page)).to_be_focused()


def test_question_gets_answer_with_citation_chips_and_sources_list(page: Page, host_site, screenshot):
    open_widget(page, host_site.url())
    answer = ask(page, ADMISSIONS_Q)
    expect(user_bubbles(page)).to_have_text([ADMISSIONS_Q])
    expect(answer.locator(".gb-bubble")).not_to_be_empty()
    chips = answer.locator("button.gb-chip")
    expect(chips.first).to_be_visible()
    assert chips.count() >= 1
    expect(chips.first).to_have_attribute("aria-label", re.compile(r"^source \d+$"))
    # No raw [n] markers left for citations that exist.
    chip_ids = set(chips.all_inner_texts())
    bubble_text = answer.locator(".gb-bubble").inner_text()
    for n in chip_ids:
        assert f"[{n}]" not in bubble_text
    sources = answer.locator(".gb-sources")
    expect(sources).to_be_visible()
    expect(sources).to_contain_text("Sources")
    sources_text = sources.text_content()
    assert all(f"[{n}]" in sources_text for n in chip_ids)  # every citation under its section
    # Every link in the sources list is http(s) and opens safely in a new tab.
    for link in sources.locator("a").all():
        assert re.match(r"^https?://", link.get_attribute("href") or "")
        assert "noopener" in (link.get_attribute("rel") or "")
    expect(textarea(page)).to_be_enabled()
    expect(textarea(page)).to_be_focused()
    screenshot(page, "desktop-answer.png")


def test_clicking_citation_chip_shows_source_title_section_and_quote(page: Page, host_site, api_server):
    open_widget(page, host_site.url())
    with page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as resp_info:
        answer = ask(page, ADMISSIONS_Q)
    data = resp_info.value.json()
    chip = answer.locator("button.gb-chip").first
    n = int(chip.inner_text())
    cite = next(c for c in data["citations"] if c["id"] == n)
    detail = answer.locator(".gb-detail")
    expect(detail).to_be_hidden()
    chip.click()
    expect(chip).to_have_attribute("aria-expanded", "true")
    expect(detail).to_be_visible()
    expect(detail.locator(".gb-detail-title")).to_contain_text(cite["title"])
    if cite.get("section"):
        expect(detail.locator(".gb-detail-section")).to_have_text(cite["section"])
    if cite.get("quote"):
        quote = " ".join(cite["quote"].split())
        expect(detail.locator(".gb-quote")).to_contain_text(quote[:80])
    link = detail.locator("a.gb-detail-link")  # where to check it: an official page, or its page here
    expect(link).to_have_attribute("href", cite["link"] if cite["link"].startswith("http")
                                   else api_server.base + cite["link"])
    chip.click()  # toggles closed
    expect(detail).to_be_hidden()
    expect(chip).to_have_attribute("aria-expanded", "false")


def test_clicking_suggestion_sends_that_question_and_gets_reply(page: Page, host_site):
    open_widget(page, host_site.url())
    expect(starters(page)).to_have_count(3)
    question = starters(page).first.inner_text()
    starters(page).first.click()
    expect(user_bubbles(page)).to_have_text([question])
    expect(answers(page)).to_have_count(1)
    expect(starters(page).first).to_be_hidden()  # starters only show on an empty conversation
    follow_ups = answers(page).first.locator(".gb-suggestions .gb-suggestion")
    if follow_ups.count():
        follow_up = follow_ups.first.inner_text()
        follow_ups.first.click()
        expect(user_bubbles(page)).to_have_text([question, follow_up])
        expect(answers(page)).to_have_count(2)


def test_follow_up_question_uses_conversation_history(page: Page, host_site, screenshot):
    open_widget(page, host_site.url())
    ask(page, "tell me about CMU")
    with page.expect_request(lambda r: r.url.endswith("/api/chat") and r.method == "POST") as req_info:
        answer = ask(page, "where is it?")
    body = req_info.value.post_data_json
    assert body["message"] == "where is it?"
    assert [h["role"] for h in body["history"]] == ["user", "assistant"]
    assert body["history"][0]["content"] == "tell me about CMU"
    expect(answer.locator(".gb-bubble")).to_contain_text("Pittsburgh")
    chip = answer.locator("button.gb-chip").first
    chip.click()
    expect(answer.locator(".gb-detail")).to_be_visible()
    screenshot(page, "desktop-follow-up.png")


def test_conversation_survives_reload_and_new_conversation_clears_it(page: Page, host_site):
    open_widget(page, host_site.url())
    ask(page, ADMISSIONS_Q)
    page.reload()
    # The panel was open, so it is restored open, with the conversation and its citation chips.
    expect(panel(page)).to_be_visible()
    expect(user_bubbles(page)).to_have_text([ADMISSIONS_Q])
    expect(answers(page)).to_have_count(1)
    expect(answers(page).first.locator("button.gb-chip").first).to_be_visible()
    keys = page.evaluate("Object.keys(sessionStorage)")
    assert any(k.startswith("guidebot:") for k in keys), keys
    # History is sent with the next request after a reload too.
    with page.expect_request(lambda r: r.url.endswith("/api/chat") and r.method == "POST") as req_info:
        ask(page, "How much does tuition cost?")
    assert len(req_info.value.post_data_json["history"]) == 2

    # History sent to the server is capped at 50 role/content items, even for a long conversation.
    page.evaluate(
        """() => {
          const key = Object.keys(sessionStorage).find(k => k.startsWith('guidebot:v1:'));
          const data = JSON.parse(sessionStorage.getItem(key));
          for (let i = 0; i < 30; i++) {
            data.messages.push({role: 'user', content: 'Question ' + i});
            data.messages.push({role: 'assistant', content: 'Answer ' + i, citations: [], suggestions: []});
          }
          sessionStorage.setItem(key, JSON.stringify(data));
        }"""
    )
    page.reload()
    expect(answers(page)).to_have_count(32)
    with page.expect_request(lambda r: r.url.endswith("/api/chat") and r.method == "POST") as req_info:
        ask(page, "Do I need the GRE?")
    history = req_info.value.post_data_json["history"]
    assert len(history) == 50
    assert history[-1] == {"role": "assistant", "content": "Answer 29"}
    assert all(set(h) == {"role", "content"} for h in history)

    page.get_by_role("button", name="New conversation").click()
    page.get_by_role("button", name="Start over").click()
    expect(user_bubbles(page)).to_have_count(0)
    expect(answers(page)).to_have_count(0)
    expect(starters(page)).to_have_count(3)
    expect(starters(page).first).to_be_visible()
    expect(textarea(page)).to_be_focused()
    page.reload()
    if not panel(page).is_visible():
        launcher(page).click()
    expect(user_bubbles(page)).to_have_count(0)
    expect(answers(page)).to_have_count(0)


# --------------------------------------------------------------------------- failure modes


def test_server_down_shows_error_state_with_retry_button(page: Page, host_site):
    open_widget(page, host_site.url(api="closed", greeting="Hello from data-greeting"))
    # /api/config failed too: data-greeting and the built-in starter questions are shown instead.
    expect(page.locator(f"{W} .gb-greeting .gb-bubble")).to_have_text("Hello from data-greeting")
    expect(starters(page)).to_have_count(3)
    textarea(page).fill(ADMISSIONS_Q)
    textarea(page).press("Enter")
    err = error_box(page)
    expect(err).to_be_visible()
    expect(err).to_have_attribute("role", "alert")
    expect(err).to_contain_text("Can't reach")
    retry = err.get_by_role("button", name=re.compile("Retry"))
    expect(retry).to_be_visible()
    expect(user_bubbles(page)).to_have_text([ADMISSIONS_Q])  # the question is kept
    expect(textarea(page)).to_be_enabled()
    expect(page.locator(f"{W} .gb-typing")).to_be_hidden()
    retry.click()
    expect(error_box(page)).to_be_visible()
    expect(error_box(page).get_by_role("button", name=re.compile("Retry"))).to_be_visible()
    expect(user_bubbles(page)).to_have_count(1)  # retry does not duplicate the question
    assert page.probe.dialogs == []


def test_slow_server_times_out_with_error_then_retry_succeeds(page: Page, host_site, api_server):
    stalled: list[Route] = []

    def stall(route: Route) -> None:
        if route.request.method == "POST":
            stalled.append(route)  # never answered: the widget's own timeout must fire
        else:
            route.fallback()

    page.route(f"{api_server.base}/api/chat", stall)
    open_widget(page, host_site.url(timeout="1500"))
    textarea(page).fill(ADMISSIONS_Q)
    textarea(page).press("Enter")
    expect(page.locator(f"{W} .gb-typing")).to_be_visible()
    expect(textarea(page)).to_be_disabled()
    expect(error_box(page)).to_contain_text("took too long", timeout=6_000)
    expect(textarea(page)).to_be_enabled()
    assert stalled, "the chat request never reached the network"
    page.unroute(f"{api_server.base}/api/chat")
    error_box(page).get_by_role("button", name=re.compile("Retry")).click()
    expect(answers(page)).to_have_count(1)
    expect(error_box(page)).to_have_count(0)
    expect(user_bubbles(page)).to_have_count(1)


def test_non_2xx_response_shows_error_with_retry(page: Page, host_site, api_server):
    def fail(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(
            status=500,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": host_site.origin},
            body=json.dumps({"detail": "index not loaded"}),
        )

    page.route(f"{api_server.base}/api/chat", fail)
    open_widget(page, host_site.url())
    textarea(page).fill(ADMISSIONS_Q)
    textarea(page).press("Enter")
    expect(error_box(page)).to_contain_text("HTTP 500")
    expect(error_box(page)).to_contain_text("index not loaded")
    page.unroute(f"{api_server.base}/api/chat")
    error_box(page).get_by_role("button", name=re.compile("Retry")).click()
    expect(answers(page)).to_have_count(1)


def test_validation_error_422_detail_is_shown(page: Page, host_site, api_server):
    def reject(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(
            status=422,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": host_site.origin},
            body=json.dumps(
                {"detail": [{"loc": ["body", "message"], "msg": "String should have at most 2000 characters"}]}
            ),
        )

    page.route(f"{api_server.base}/api/chat", reject)
    open_widget(page, host_site.url())
    textarea(page).fill(ADMISSIONS_Q)
    textarea(page).press("Enter")
    expect(error_box(page)).to_contain_text("couldn't accept that question: String should have at most 2000 characters")
    expect(error_box(page).get_by_role("button", name=re.compile("Retry"))).to_be_visible()


# --------------------------------------------------------------------------- limits and greeting from /api/config


def test_widget_takes_its_limits_greeting_and_starters_from_the_server_config(page: Page, host_site, api_server):
    cors = {"Access-Control-Allow-Origin": host_site.origin}
    config = {"title": "Config title", "greeting": "Hello from /api/config", "suggestions": ["One?", "Two?", "Three?"],
              "limits": {"max_message_chars": 40, "max_history_items": 2, "max_turn_chars": 30}}
    sent: list[dict] = []

    def fake_chat(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        sent.append(json.loads(route.request.post_data or "{}"))
        route.fulfill(status=200, content_type="application/json", headers=cors, body=json.dumps({
            "answer": "An answer that is much longer than thirty characters. [1]", "answered": True,
            "confidence": 0.9, "citations": [], "suggestions": []}))

    page.route(f"{api_server.base}/api/config",
               lambda route: route.fulfill(status=200, content_type="application/json", headers=cors,
                                           body=json.dumps(config)))
    page.route(f"{api_server.base}/api/chat", fake_chat)
    open_widget(page, host_site.url())
    expect(page.locator(f"{W} .gb-greeting .gb-bubble")).to_have_text("Hello from /api/config")
    expect(starters(page)).to_have_text(["One?", "Two?", "Three?"])
    expect(textarea(page)).not_to_have_attribute("maxlength", re.compile(".*"))  # no silent truncation
    for n in range(3):
        ask(page, f"question {n} " + "x" * 29)  # 40 characters: at the limit
    assert [len(body["message"]) for body in sent] == [40, 40, 40]
    last_history = sent[-1]["history"]
    assert len(last_history) == 2  # max_history_items, the most recent ones
    assert all(len(turn["content"]) <= 30 for turn in last_history)  # max_turn_chars
    assert last_history[-1]["role"] == "assistant"
    # Past the limit the question is not cut: a counter says by how much, and nothing is sent.
    counter = page.locator(f"{W} .gb-count")
    textarea(page).fill("y" * 33)
    expect(counter).to_have_text("33 / 40")
    textarea(page).fill("y" * 50)
    expect(counter).to_contain_text("10 characters too long")
    expect(page.locator(f"{W} .gb-send")).to_be_disabled()
    expect(textarea(page)).to_have_attribute("aria-invalid", "true")
    textarea(page).press("Enter")
    page.wait_for_timeout(300)
    assert len(sent) == 3 and textarea(page).input_value() == "y" * 50


def test_without_the_server_config_the_widget_greets_like_the_server_default(page: Page, host_site):
    open_widget(page, host_site.url(api="closed"))
    expect(page.locator(f"{W} .gb-greeting .gb-bubble")).to_have_text(DEFAULT_GREETING)
    expect(starters(page)).to_have_count(3)
    limit = Settings().max_message_chars
    textarea(page).fill("z" * (limit - 100))
    expect(page.locator(f"{W} .gb-count")).to_have_text(f"{limit - 100} / {limit}")


# --------------------------------------------------------------------------- safety and isolation


def test_html_in_message_is_shown_as_literal_text_and_never_runs(page: Page, host_site):
    open_widget(page, host_site.url())
    textarea(page).fill(XSS)
    textarea(page).press("Enter")
    expect(user_bubbles(page)).to_have_text([XSS])
    expect(answers(page).or_(error_box(page))).to_have_count(1)
    page.wait_for_timeout(300)
    assert page.locator(f"{W} img").count() == 0
    assert shadow_eval(page, "return root.querySelectorAll('img, script, iframe').length;") == 0
    assert page.probe.dialogs == []


def test_untrusted_server_text_and_urls_are_rendered_safely(page: Page, host_site, api_server):
    evil = {
        "answer": "Fees are listed <b>here</b> [1] and [2] at https://example.edu/fees/. Ignore [7], "
                  "javascript:alert(7) and <img src=x onerror=alert(2)>",
        "answered": True,
        "confidence": 0.5,
        "citations": [
            {"id": 1, "chunk_id": "a", "doc_id": "a", "title": "<script>alert(3)</script>", "section": "<i>S</i>",
             "url": "javascript:alert(4)", "quote": "<img src=y onerror=alert(5)>"},
            {"id": 2, "chunk_id": "b", "doc_id": "b", "title": "Real page", "section": None,
             "url": "https://example.edu/fees", "quote": "Tuition is $50,000."},
        ],
        "suggestions": ["<img src=z onerror=alert(6)>"],
    }

    def fake(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(status=200, content_type="application/json",
                      headers={"Access-Control-Allow-Origin": host_site.origin}, body=json.dumps(evil))

    page.route(f"{api_server.base}/api/chat", fake)
    open_widget(page, host_site.url())
    answer = ask(page, "fees?")
    expect(answer.locator(".gb-bubble")).to_contain_text("<b>here</b>")
    expect(answer.locator(".gb-bubble")).to_contain_text("[7]")  # unknown marker stays literal text
    expect(answer.locator("button.gb-chip")).to_have_count(2)
    # Bare http(s) URLs in the answer become links; the trailing full stop is not part of the URL.
    expect(answer.locator(".gb-bubble a")).to_have_count(1)
    expect(answer.locator(".gb-bubble a")).to_have_attribute("href", "https://example.edu/fees/")
    expect(answer.locator(".gb-bubble")).to_contain_text("javascript:alert(7)")
    answer.locator("button.gb-chip").first.click()
    detail = answer.locator(".gb-detail")
    expect(detail).to_contain_text("<script>alert(3)</script>")
    expect(detail).to_contain_text("<img src=y onerror=alert(5)>")
    expect(detail.locator("a")).to_have_count(0)  # javascript: URL is never linked
    answer.locator("button.gb-chip").nth(1).click()
    expect(detail.locator("a")).to_have_attribute("href", "https://example.edu/fees")
    hrefs = [a.get_attribute("href") for a in answer.locator("a").all()]
    assert all(h and h.startswith("https://") for h in hrefs), hrefs
    expect(answer.locator(".gb-suggestion")).to_have_text(["<img src=z onerror=alert(6)>"])
    assert shadow_eval(page, "return root.querySelectorAll('img, script, b, i').length;") == 0
    page.wait_for_timeout(200)
    assert page.probe.dialogs == []


@pytest.mark.parametrize("css", ["all-unset", "div-none"])
def test_hostile_host_css_does_not_hide_or_break_widget(page: Page, host_site, css, screenshot):
    page.goto(host_site.url(css=css))
    expect(launcher(page)).to_be_visible()
    box = launcher(page).bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, box
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    pbox = panel(page).bounding_box()
    assert pbox and pbox["width"] >= 300 and pbox["height"] >= 300, pbox
    expect(starters(page)).to_have_count(3)
    answer = ask(page, ADMISSIONS_Q)
    expect(answer.locator(".gb-bubble")).to_be_visible()
    expect(answer.locator("button.gb-chip").first).to_be_visible()
    expect(answer.locator(".gb-sources")).to_be_visible()
    screenshot(page, f"host-css-{css}.png")


def test_widget_works_on_a_page_with_strict_content_security_policy(page: Page, host_site):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(host_site.url(csp="1", nowidget="1"))
    page.wait_for_load_state("load")
    baseline = list(violations)  # the host page's own inline <style> is blocked
    violations.clear()
    page.goto(host_site.url(csp="1"))
    expect(launcher(page)).to_be_visible()
    box = launcher(page).bounding_box()
    assert box and round(box["width"]) == 60 and round(box["height"]) == 60, box  # widget CSS applied
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    pbox = panel(page).bounding_box()
    assert pbox and 300 <= pbox["width"] <= 420, pbox
    answer = ask(page, ADMISSIONS_Q)
    expect(answer.locator("button.gb-chip").first).to_be_visible()
    textarea(page).fill("a\nb\nc")  # autosize sets a height through the CSSOM, which CSP allows
    assert violations == baseline, violations


def test_only_one_global_no_external_requests_and_no_light_dom_changes(page: Page, host_site, api_server):
    page.goto(host_site.url(nowidget="1"))
    baseline = page.evaluate(
        "({g: Object.getOwnPropertyNames(window), n: document.querySelectorAll('body *').length,"
        " s: document.styleSheets.length})"
    )
    page.goto(host_site.url())
    expect(launcher(page)).to_be_visible()
    launcher(page).click()
    ask(page, ADMISSIONS_Q)
    after = page.evaluate(
        "({g: Object.getOwnPropertyNames(window), n: document.querySelectorAll('body *').length,"
        " s: document.styleSheets.length, hosts: document.querySelectorAll('guidebot-widget').length})"
    )
    assert sorted(set(after["g"]) - set(baseline["g"])) == ["Guidebot"]
    # The only light-DOM additions are the script tag and one host element; no page stylesheets added.
    assert after["n"] == baseline["n"] + 2
    assert after["hosts"] == 1
    assert after["s"] == baseline["s"]
    origins = {host_site.origin, api_server.base}
    foreign = [u for u in page.probe.requests if not any(u.startswith(o + "/") for o in origins)]
    assert foreign == [], foreign


# --------------------------------------------------------------------------- accessibility


def test_keyboard_only_use(page: Page, host_site):
    page.goto(host_site.url())
    expect(launcher(page)).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if launcher(page).evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(textarea(page)).to_be_focused()
    page.keyboard.type("What are the")
    page.keyboard.press("Shift+Enter")  # newline, not send
    page.keyboard.type("admission requirements?")
    expect(textarea(page)).to_have_value("What are the\nadmission requirements?")
    expect(user_bubbles(page)).to_have_count(0)
    page.keyboard.press("Enter")
    expect(answers(page)).to_have_count(1)
    expect(textarea(page)).to_be_focused()
    expect(textarea(page)).to_have_value("")
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_aria_roles_and_labels(page: Page, host_site):
    open_widget(page, host_site.url())
    ask(page, ADMISSIONS_Q)
    expect(page.get_by_role("dialog")).to_have_count(1)
    expect(page.get_by_role("region", name="Conversation")).not_to_have_attribute("aria-live", re.compile(".*"))
    unlabeled = shadow_eval(
        page,
        "return [...root.querySelectorAll('button, textarea')]"
        ".filter(b => !(b.getAttribute('aria-label') || b.textContent || '').trim()).map(b => b.outerHTML);",
    )
    assert unlabeled == []


@pytest.mark.parametrize("accent", [None, "#fde047"])
def test_colours_meet_wcag_aa_contrast(page: Page, host_site, accent):
    params = {"accent": accent} if accent else {}
    open_widget(page, host_site.url(**params))
    ask(page, ADMISSIONS_Q)
    pairs = shadow_eval(
        page,
        """
        const cs = (sel) => getComputedStyle(root.querySelector(sel));
        const pick = (sel, bgSel) => [sel, cs(sel).color, cs(bgSel || sel).backgroundColor];
        return [
          pick('.gb-launcher'), pick('.gb-header .gb-title', '.gb-header'), pick('.gb-msg-user .gb-bubble'),
          pick('.gb-msg-assistant .gb-bubble'), pick('.gb-chip'), pick('.gb-suggestion'), pick('.gb-send'),
          pick('.gb-foot'), pick('.gb-sources', '.gb-log'), pick('.gb-input'),
        ];
        """,
    )
    for sel, fg, bg in pairs:
        ratio = contrast_ratio(fg, bg)
        assert ratio >= 4.5, f"{sel}: {fg} on {bg} is {ratio:.2f}:1"


def test_data_options_position_left_open_on_load_and_title(page: Page, host_site):
    page.goto(host_site.url(position="left", open="true", title="Ask Example U"))
    expect(panel(page)).to_be_visible()  # opened on load, without stealing focus from the page
    assert page.evaluate("document.activeElement === document.body")
    expect(page.locator(f"{W} .gb-title")).to_have_text("Ask Example U")
    box = panel(page).bounding_box()
    assert box and box["x"] < 100, box
    lbox = launcher(page).bounding_box()
    assert lbox and lbox["x"] < 100, lbox


# --------------------------------------------------------------------------- layouts


def test_mobile_viewport_panel_fills_the_screen(mobile_page: Page, host_site, screenshot):
    page = mobile_page
    open_widget(page, host_site.url())
    box = panel(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}, box
    expect(textarea(page)).to_be_focused()
    ask(page, ADMISSIONS_Q)
    close = page.get_by_role("button", name="Close chat").last
    expect(close).to_be_visible()
    screenshot(page, "mobile-answer.png")
    close.click()
    expect(panel(page)).to_be_hidden()
    expect(launcher(page)).to_be_visible()


def test_root_page_is_a_full_page_chat(page: Page, api_server, screenshot):
    page.goto(api_server.base + "/")
    expect(panel(page)).to_be_visible()
    expect(launcher(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Close chat")).to_be_hidden()
    box = panel(page).bounding_box()
    assert box and box["width"] >= 1200 and box["height"] >= 600, box
    expect(textarea(page)).to_be_focused()
    expect(starters(page)).to_have_count(3)
    answer = ask(page, ADMISSIONS_Q)
    expect(answer.locator("button.gb-chip").first).to_be_visible()
    page.keyboard.press("Escape")  # Esc does not close the full-page chat
    expect(panel(page)).to_be_visible()
    screenshot(page, "full-page.png")


def test_embed_page_shows_snippet_with_server_url_and_live_demo(page: Page, api_server):
    page.goto(api_server.base + "/embed")
    snippet = f'<script src="{api_server.base}/widget.js" defer></script>'
    expect(page.locator("pre code").first).to_have_text(snippet)
    for option in ("data-api-base", "data-title", "data-greeting", "data-accent", "data-open",
                   "data-position", "data-timeout", "data-mode", "data-launcher", "data-theme", "data-lang",
                   "data-contact-url", "data-persist"):
        expect(page.locator("table")).to_contain_text(option)
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    expect(starters(page)).to_have_count(3)
