"""The page's handle on the widget, in real Chromium on a desktop and a 390 px phone:
Guidebot.open/close/ask/reset, the events (open, close, answer, error, feedback), a page's own
launcher with data-launcher="none", and the unread dot when an answer arrives while closed."""

from __future__ import annotations

import json

from playwright.sync_api import Page, Route, expect

from .test_browser_widget import W, answers, launcher, open_widget, panel, textarea, user_bubbles

LISTEN = """() => {
  window.heard = [];
  for (const name of ["open", "close", "answer", "error", "feedback"]) {
    window.Guidebot.on(name, detail => window.heard.push([name, detail]));
  }
}"""


def heard(page: Page, name: str | None = None) -> list:
    events = page.evaluate("window.heard")
    return [detail for event, detail in events if event == name] if name else [event for event, _ in events]


def test_the_page_drives_the_widget_and_hears_its_events(device_page: Page, host_site):
    page = device_page
    page.goto(host_site.url())
    page.wait_for_function("() => window.Guidebot && window.Guidebot.widget")
    page.evaluate(LISTEN)
    page.evaluate("Guidebot.open()")
    expect(panel(page)).to_be_visible()
    page.evaluate("Guidebot.ask('Where is CMU?')")
    expect(answers(page)).to_have_count(1)
    page.wait_for_function("() => window.heard.some(([name]) => name === 'answer')")
    answer = heard(page, "answer")[0]
    assert answer["question"] == "Where is CMU?" and "Pittsburgh" in answer["answer"]
    assert answer["answered"] is True and answer["kind"] == "answer" and answer["unread"] is False
    assert answer["citations"][0]["doc_id"] == "cmu" and answer["sources"][0]["section"] == "Location"
    page.evaluate("Guidebot.close()")
    expect(panel(page)).to_be_hidden()
    assert heard(page) == ["open", "answer", "close"]
    page.evaluate("Guidebot.reset()")
    expect(user_bubbles(page)).to_have_count(0)
    # Feedback controls (on each answer's actions row) fire "feedback"; any listener hears it once.
    page.evaluate("Guidebot.widget.emit('feedback', {rating: 'up', reply_id: 'r1', comment: ''})")
    assert heard(page, "feedback") == [{"rating": "up", "reply_id": "r1", "comment": ""}]
    page.evaluate("() => { const f = () => window.heard.push(['off', null]); Guidebot.on('open', f);"
                  " Guidebot.off('open', f); Guidebot.open(); }")
    assert heard(page)[-1] == "open"


def test_an_error_reaches_the_page_as_an_event(page: Page, host_site, api_server):
    def fail(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(status=500, content_type="application/json", body=json.dumps({"detail": "index not loaded"}),
                      headers={"Access-Control-Allow-Origin": host_site.origin})

    page.route(f"{api_server.base}/api/chat", fail)
    open_widget(page, host_site.url())
    page.evaluate(LISTEN)
    textarea(page).fill("Where is CMU?")
    textarea(page).press("Enter")
    expect(page.locator(f"{W} .gb-error")).to_be_visible()
    errors = heard(page, "error")
    assert errors and errors[0]["kind"] == "http" and errors[0]["status"] == 500
    assert "index not loaded" in errors[0]["message"]
    page.evaluate("Guidebot.ask('x'.repeat(2001))")  # too long: not sent, said so
    assert heard(page, "error")[-1]["kind"] == "too_long"


def test_a_page_can_bring_its_own_launcher(device_page: Page, host_site):
    page = device_page
    page.goto(host_site.url(launcher="none"))
    page.wait_for_function("() => window.Guidebot && window.Guidebot.widget")
    expect(launcher(page)).to_be_hidden()
    own = page.locator("#ask-us")
    own.focus()
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    if page.device == "desktop":
        box = panel(page).bounding_box()
        assert box and box["y"] + box["height"] > 760, box  # down in the corner where the button was
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(own).to_be_focused()  # back where the person was


def test_an_answer_that_arrives_while_closed_shows_the_unread_dot(device_page: Page, host_site, api_server):
    page = device_page
    held: list[Route] = []

    def hold(route: Route) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.fallback()

    page.route(f"{api_server.base}/api/chat", hold)
    open_widget(page, host_site.url())
    page.evaluate(LISTEN)
    textarea(page).fill("Where is CMU?")
    textarea(page).press("Enter")
    expect(page.locator(f"{W} .gb-typing")).to_be_visible()
    page.get_by_role("button", name="Close chat", exact=True).click()
    expect(panel(page)).to_be_hidden()
    dot = page.locator(f"{W} .gb-launcher .gb-dot")
    expect(dot).to_be_hidden()
    assert held
    held[0].fallback()
    expect(dot).to_be_visible()
    expect(launcher(page)).to_have_accessible_name("Open chat: guidebot (new answer)")
    assert heard(page, "answer")[0]["unread"] is True
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    expect(answers(page)).to_have_count(1)
    launcher_label = launcher(page).get_attribute("aria-label") or ""
    assert "new answer" not in launcher_label
