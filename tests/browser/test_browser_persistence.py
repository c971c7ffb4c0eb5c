"""Keeping and clearing the conversation, in real Chromium: "New conversation" asks first and can
be undone; data-persist="local" keeps the conversation across tabs for data-persist-hours, while
the default keeps it in its tab only."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .test_browser_widget import W, answers, ask, launcher, open_widget, panel, starters, textarea, user_bubbles


def test_new_conversation_asks_first_and_can_be_undone(device_page: Page, host_site):
    page = device_page
    open_widget(page, host_site.url())
    new = page.locator(f"{W} .gb-new")
    expect(new).to_be_disabled()  # nothing to clear yet
    ask(page, "Where is CMU?")
    expect(new).to_be_enabled()
    new.click()
    confirm = page.locator(f"{W} .gb-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Start a new conversation?")
    expect(page.locator(f"{W} .gb-confirm-no")).to_be_focused()
    page.locator(f"{W} .gb-confirm-no").click()
    expect(confirm).to_be_hidden()
    expect(answers(page)).to_have_count(1)  # cancelled: nothing lost
    new.click()
    page.locator(f"{W} .gb-confirm-yes").click()
    expect(answers(page)).to_have_count(0)
    expect(starters(page).first).to_be_visible()
    undo = page.locator(f"{W} .gb-undo")
    expect(undo).to_be_visible()
    expect(undo).to_have_attribute("role", "status")
    undo.get_by_role("button", name="Undo").click()
    expect(undo).to_be_hidden()
    expect(user_bubbles(page)).to_have_text(["Where is CMU?"])
    expect(answers(page)).to_have_count(1)
    page.reload()  # the undone conversation is the kept one
    expect(answers(page)).to_have_count(1)


def test_by_default_a_new_tab_starts_empty(new_page, host_site):
    first = new_page(viewport={"width": 1280, "height": 800})
    open_widget(first, host_site.url())
    ask(first, "Where is CMU?")
    second = first.context.new_page()
    open_widget(second, host_site.url())
    expect(answers(second)).to_have_count(0)
    second.close()


def test_persist_local_keeps_the_conversation_across_tabs_until_it_expires(new_page, host_site):
    first = new_page(viewport={"width": 1280, "height": 800})
    url = host_site.url(persist="local", persist_hours="2")
    open_widget(first, url)
    ask(first, "Where is CMU?")
    second = first.context.new_page()
    second.goto(url)
    expect(launcher(second)).to_be_visible()
    expect(panel(second)).to_be_hidden()  # a new tab does not pop the chat open
    launcher(second).click()
    expect(user_bubbles(second)).to_have_text(["Where is CMU?"])
    expect(answers(second).first.locator(".gb-chip").first).to_be_visible()
    ask(second, "What is OPT?")
    expect(answers(first)).to_have_count(2)  # the other open tab follows
    # Older than data-persist-hours: gone on the next visit.
    second.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k.startsWith('guidebot:v1:'));
        const data = JSON.parse(localStorage.getItem(key));
        data.at = Date.now() - 3 * 3600 * 1000;
        localStorage.setItem(key, JSON.stringify(data));
    }""")
    second.reload()
    if not panel(second).is_visible():
        launcher(second).click()
    expect(answers(second)).to_have_count(0)
    assert second.evaluate("Object.keys(localStorage).filter(k => k.startsWith('guidebot:')).length") == 0
    textarea(second).fill("")
    second.close()
