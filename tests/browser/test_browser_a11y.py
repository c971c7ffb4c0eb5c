"""Accessibility, in real Chromium: axe-core (from npm, injected into the page, run on the widget's
open shadow root) finds nothing in any state, on desktop and phone, light and dark, left-to-right
and right-to-left; the live region says only the new answer's words; the phone-size panel is a
modal dialog that keeps focus; touch input is not refocused; Esc closes the innermost thing first."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route, expect

from .test_browser_widget import W, answers, ask, launcher, open_widget, panel, textarea

ACTIVE_IN_WIDGET = "(() => { const a = document.querySelector('guidebot-widget').shadowRoot.activeElement;" \
                   " return a ? (a.className || a.tagName) : null; })()"


@pytest.mark.parametrize(("theme", "rtl"), [("light", False), ("dark", False), ("light", True)],
                         ids=["light", "dark", "rtl"])
def test_axe_finds_no_violations_in_any_state(device_page: Page, host_site, api_server, axe, theme, rtl):
    page = device_page
    params = {"theme": theme, "contact_url": "https://example.edu/ask"}
    if rtl:
        params["rtl"] = "1"
    page.goto(host_site.url(**params))
    expect(launcher(page)).to_be_visible()
    axe(page, "closed")
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    axe(page, "open, greeting and starters")
    answer = ask(page, "Which universities are in California?")
    axe(page, "a list answer")
    answer.locator(".gb-chip").first.click()
    expect(answer.locator(".gb-detail")).to_be_visible()
    axe(page, "a source card open")
    answer.locator(".gb-sources summary").click()
    axe(page, "sources expanded")
    ask(page, "What is the tuition at Harvard?")
    expect(page.locator(f"{W} .gb-contact")).to_be_visible()
    axe(page, "an abstention with the contact link")
    textarea(page).fill("x" * 2100)
    expect(page.locator(f"{W} .gb-count")).to_be_visible()
    axe(page, "a question over the length limit")
    textarea(page).fill("")
    page.locator(f"{W} .gb-new").click()
    expect(page.locator(f"{W} .gb-confirm")).to_be_visible()
    axe(page, "asked to confirm a new conversation")
    page.locator(f"{W} .gb-confirm-yes").click()
    expect(page.locator(f"{W} .gb-undo")).to_be_visible()
    axe(page, "cleared, with undo")
    page.route(f"{api_server.base}/api/chat", lambda route: route.fulfill(
        status=500, body=json.dumps({"detail": "down"}), content_type="application/json",
        headers={"Access-Control-Allow-Origin": host_site.origin}))
    textarea(page).fill("Where is CMU?")
    textarea(page).press("Enter")
    expect(page.locator(f"{W} .gb-error")).to_be_visible()
    axe(page, "an error with retry")
    page.unroute(f"{api_server.base}/api/chat")


def test_axe_finds_nothing_on_the_full_page_chat_and_a_source_page(page: Page, api_server, axe, axe_source):
    page.goto(api_server.base + "/")
    ask(page, "Which universities are in California?")
    axe(page, "full-page chat with an answer")
    page.goto(api_server.base + "/sources/cmu#location")
    page.evaluate(axe_source)
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert violations == []


def test_the_live_region_says_only_the_new_answer(page: Page, host_site):
    open_widget(page, host_site.url())
    with page.expect_response(lambda r: r.url.endswith("/api/chat")) as info:
        answer = ask(page, "Which universities are in California?")
    data = info.value.json()
    live = page.locator(f"{W} .gb-live")
    lead, listing = data["blocks"]
    expected = lead["sentences"][0]["text"] + "\n" + "\n".join("- " + i["text"] for i in listing["items"])
    expect(live).to_have_text(expected)
    spoken = live.text_content() or ""
    assert "source" not in spoken.lower() and "Where is" not in spoken  # no chip labels, sources or suggestions
    assert answer.evaluate("el => el.closest('[aria-live]')") is None  # the log itself is silent
    expect(answer.locator(".gb-chip").first).to_have_accessible_name("source 1")


def test_the_phone_panel_is_a_modal_dialog_that_keeps_focus(mobile_page: Page, host_site):
    page = mobile_page
    open_widget(page, host_site.url())
    ask(page, "Where is CMU?")
    expect(panel(page)).to_have_attribute("aria-modal", "true")
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate(ACTIVE_IN_WIDGET), "focus left the modal panel for the page behind it"
    page.locator("#host-link").evaluate("el => el.focus()")  # focus moved behind it is brought back
    assert page.evaluate(ACTIVE_IN_WIDGET)


def test_the_desktop_panel_is_not_modal(page: Page, host_site):
    open_widget(page, host_site.url())
    expect(panel(page)).to_have_attribute("aria-modal", "false")
    page.locator("#host-link").focus()
    expect(page.locator("#host-link")).to_be_focused()  # the page stays usable beside the chat


def test_touch_does_not_pull_focus_to_the_input(mobile_page: Page, host_site):
    page = mobile_page
    page.goto(host_site.url())
    launcher(page).tap()
    expect(panel(page)).to_be_visible()
    assert page.evaluate(ACTIVE_IN_WIDGET) != "gb-input"  # no keyboard popping up over the greeting
    textarea(page).tap()
    textarea(page).fill("Where is CMU?")
    page.locator(f"{W} .gb-send").tap()
    expect(answers(page)).to_have_count(1)
    page.wait_for_timeout(200)
    assert page.evaluate(ACTIVE_IN_WIDGET) != "gb-input"  # the keyboard does not cover the answer


def test_escape_closes_the_innermost_thing_first(device_page: Page, host_site):
    page = device_page
    open_widget(page, host_site.url())
    answer = ask(page, "Where is CMU?")
    chip = answer.locator(".gb-chip").first
    chip.click()
    expect(answer.locator(".gb-detail")).to_be_visible()
    page.keyboard.press("Escape")
    expect(answer.locator(".gb-detail")).to_be_hidden()
    expect(chip).to_be_focused()
    expect(panel(page)).to_be_visible()
    page.locator(f"{W} .gb-new").click()
    expect(page.locator(f"{W} .gb-confirm")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(f"{W} .gb-confirm")).to_be_hidden()
    expect(panel(page)).to_be_visible()
    expect(answers(page)).to_have_count(1)
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()


def test_a_stalled_answer_keeps_focus_in_the_panel(page: Page, host_site, api_server):
    held: list[Route] = []
    page.route(f"{api_server.base}/api/chat", lambda route: held.append(route) if route.request.method == "POST"
               else route.fallback())
    open_widget(page, host_site.url())
    textarea(page).fill("Where is CMU?")
    textarea(page).press("Enter")
    expect(textarea(page)).to_be_disabled()
    assert page.evaluate(ACTIVE_IN_WIDGET) == "gb-panel"
    held[0].fallback()
    expect(answers(page)).to_have_count(1)
    expect(textarea(page)).to_be_focused()
