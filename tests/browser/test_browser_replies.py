"""Replies people can read, in real Chromium on a desktop and on a 390 px phone: list answers as
lists with chips at the end of the sentence they support, sources grouped by section and
collapsible, links that open the official page or the sentence highlighted on its source page,
follow-ups under the latest answer only, the copy button, and the contact link on abstentions."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from .test_browser_widget import W, answers, ask, open_widget

LIST_Q = "Which universities are in California?"
CONTACT = "https://example.edu/admissions/ask"


def chat_reply(page: Page, question: str):
    """Ask and return (the answer's locator, the server's JSON reply)."""
    with page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as info:
        answer = ask(page, question)
    return answer, info.value.json()


def test_a_list_answer_is_a_list_with_each_chip_at_the_end_of_its_item(device_page: Page, host_site, screenshot):
    page = device_page
    open_widget(page, host_site.url(contact_url=CONTACT))
    answer, data = chat_reply(page, LIST_Q)
    lead, listing = data["blocks"]
    items = answer.locator(".gb-bubble ul > li")
    expect(items).to_have_count(len(listing["items"]))
    expect(answer.locator(".gb-bubble > p").first).to_have_text(lead["sentences"][0]["text"])
    expect(answer.locator(".gb-bubble > p .gb-chip")).to_have_count(0)  # the lead-in cites nothing
    for n, item in enumerate(listing["items"]):
        li = items.nth(n)
        expect(li).to_contain_text(item["text"])
        assert li.evaluate("el => el.lastElementChild.classList.contains('gb-chip')")
        expect(li.locator(".gb-chip")).to_have_attribute("aria-label", f"source {item['citations'][0]}")
    expect(answer.locator(".gb-contact")).to_have_count(0)  # it answered
    answer.locator(".gb-chip").first.click()
    expect(answer.locator(".gb-detail")).to_be_visible()
    name = "widget-list-mobile.png" if page.device == "phone" else "widget-list-desktop.png"
    screenshot(page, f"list-{page.device}.png", docs_name=name)


def test_sources_are_one_entry_per_section_collapsed_until_opened(device_page: Page, host_site, api_server):
    page = device_page
    open_widget(page, host_site.url())
    answer, data = chat_reply(page, "What are the admission requirements?")
    sources = answer.locator("details.gb-sources")
    expect(sources).not_to_have_attribute("open", re.compile(".*"))
    expect(sources.locator("summary")).to_have_text(f"Sources ({len(data['sources'])})")
    expect(sources.locator("li")).to_have_count(len(data["sources"]))
    expect(sources.locator("li").first).to_be_hidden()
    sources.locator("summary").click()
    expect(sources.locator("li").first).to_be_visible()
    for n, source in enumerate(data["sources"]):
        entry = sources.locator("li").nth(n)
        expect(entry).to_contain_text("".join(f"[{i}]" for i in source["citations"]))
        expect(entry).to_contain_text(source["title"])
        href = source["link"] if source["link"].startswith("http") else api_server.base + source["link"]
        expect(entry.locator("a")).to_have_attribute("href", href)


def test_a_chip_links_the_official_page_and_the_sentence_highlighted_on_its_source_page(
        device_page: Page, host_site, api_server):
    page = device_page
    open_widget(page, host_site.url())
    answer, data = chat_reply(page, "what is the applied study at CMU?")
    cite = data["citations"][0]
    answer.locator(".gb-chip").first.click()
    detail = answer.locator(".gb-detail")
    expect(detail.locator("a.gb-detail-link")).to_have_attribute("href", cite["link"])
    assert cite["link"].startswith("https://www.ml.cmu.edu/")  # the page the sentence was checked on
    in_context = detail.locator("a.gb-detail-page")
    expect(in_context).to_have_attribute("href", api_server.base + cite["page"])
    expect(in_context).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        in_context.click()
    source = opened.value
    source.wait_for_load_state()
    fragment = cite["page"].split("#")[1]
    sentence = source.locator(f"#{fragment}")
    expect(sentence).to_have_text(cite["quote"])
    expect(sentence).to_be_in_viewport()
    highlight = sentence.evaluate("el => el.matches(':target') && getComputedStyle(el).backgroundColor")
    assert highlight and highlight != "rgba(0, 0, 0, 0)", highlight
    source.close()


def test_follow_ups_sit_under_the_latest_answer_only(device_page: Page, host_site):
    page = device_page
    open_widget(page, host_site.url())
    ask(page, "Where is CMU?")
    ask(page, "What is OPT?")
    expect(page.locator(f"{W} .gb-followups")).to_have_count(1)
    expect(answers(page).nth(1).locator(".gb-followups")).to_have_count(1)
    page.reload()  # and after a reload, still only under the latest
    expect(answers(page)).to_have_count(2)
    expect(page.locator(f"{W} .gb-followups")).to_have_count(1)
    expect(answers(page).nth(1).locator(".gb-followups")).to_have_count(1)


def test_a_follow_up_never_repeats_the_question_just_answered(page: Page, host_site, api_server):
    question = "What are the admission requirements?"

    def reply(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(status=200, content_type="application/json",
                      headers={"Access-Control-Allow-Origin": host_site.origin}, body=json.dumps({
                          "answer": "They vary.", "answered": True, "confidence": 0.9, "citations": [],
                          "suggestions": ["what are the admission requirements", "Do I need the GRE?"]}))

    page.route(f"{api_server.base}/api/chat", reply)
    open_widget(page, host_site.url())
    answer = ask(page, question)
    expect(answer.locator(".gb-followups .gb-suggestion")).to_have_text(["Do I need the GRE?"])


def test_copy_puts_the_answer_and_its_sources_on_the_clipboard(new_page, host_site):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=host_site.origin)
    open_widget(page, host_site.url())
    answer, data = chat_reply(page, LIST_Q)
    copy = answer.locator(".gb-actions .gb-copy")
    expect(copy).to_have_accessible_name("Copy answer")
    copy.click()
    expect(copy).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(data["blocks"][0]["sentences"][0]["text"] + "\n- University of California, Berkeley")
    assert "[1]" not in copied.split("\n\n")[0]  # the answer reads as text, without markers
    first_source = "[1] University of California, Berkeley (UC Berkeley) › Location https://www.berkeley.edu/"
    assert "Sources:\n" + first_source in copied


def test_an_abstention_offers_the_contact_link(device_page: Page, host_site, screenshot):
    page = device_page
    open_widget(page, host_site.url(contact_url=CONTACT))
    answer, data = chat_reply(page, "What is the tuition at Harvard?")
    assert data["kind"] == "abstain"
    contact = answer.locator("a.gb-contact")
    expect(contact).to_have_text("Ask admissions")
    expect(contact).to_have_attribute("href", CONTACT)
    expect(contact).to_have_attribute("rel", re.compile("noopener"))
    small_talk = ask(page, "thanks!")
    expect(small_talk.locator("a.gb-contact")).to_have_count(0)  # only where it could not answer
    small_talk.evaluate("el => el.remove()")  # the screenshot shows the abstention
    page.locator(f"{W} .gb-msg-user").last.evaluate("el => el.remove()")
    answer.scroll_into_view_if_needed()
    name = "widget-contact-mobile.png" if page.device == "phone" else "widget-contact-desktop.png"
    screenshot(page, f"contact-{page.device}.png", docs_name=name)


def test_the_contact_link_can_come_from_the_server_and_its_label_from_the_page(page: Page, host_site, api_server):
    cors = {"Access-Control-Allow-Origin": host_site.origin}

    def config(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", headers=cors, body=json.dumps(
            {"title": "Ask Example U", "greeting": "Hello", "suggestions": [], "contact_url": "mailto:grad@example.edu",
             "limits": {"max_message_chars": 2000, "max_history_items": 50, "max_turn_chars": 20000}}))

    page.route(f"{api_server.base}/api/config", config)
    open_widget(page, host_site.url(contact_label="Email graduate admissions"))
    answer = ask(page, "What is the tuition at Harvard?")
    contact = answer.locator("a.gb-contact")
    expect(contact).to_have_text("Email graduate admissions")
    expect(contact).to_have_attribute("href", "mailto:grad@example.edu")


def test_a_source_page_reads_well_on_desktop_and_phone(device_page: Page, api_server, screenshot):
    page = device_page
    page.emulate_media(color_scheme="light")
    body = page.request.post(api_server.base + "/api/chat", data={"message": "Where is CMU?"})
    cite = body.json()["citations"][0]
    page.goto(api_server.base + cite["page"])
    target = page.locator(".q:target")
    expect(target).to_have_text(cite["quote"])
    expect(target).to_be_in_viewport()
    expect(page.locator("h1")).to_have_text(cite["title"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    name = "source-page-mobile.png" if page.device == "phone" else "source-page-desktop.png"
    screenshot(page, f"source-{page.device}.png", docs_name=name)
