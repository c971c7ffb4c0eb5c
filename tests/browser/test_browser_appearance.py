"""How the widget looks on a site owner's page, in real Chromium: light, dark and automatic
themes with readable colours, an Arabic page laid out right to left with the widget's own texts
in Arabic, motion that stops under prefers-reduced-motion, and a header and input that fit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_browser_widget import W, answers, ask, contrast_ratio, launcher, open_widget, panel, shadow_eval, textarea

COLOURS = """
const cs = (sel) => getComputedStyle(root.querySelector(sel));
const pick = (sel, bgSel) => [sel, cs(sel).color, cs(bgSel || sel).backgroundColor];
return [
  pick('.gb-header .gb-title', '.gb-header'), pick('.gb-msg-user .gb-bubble'), pick('.gb-msg-assistant .gb-bubble'),
  pick('.gb-chip'), pick('.gb-followups .gb-suggestion'), pick('.gb-foot'), pick('.gb-sources', '.gb-log'),
  pick('.gb-input'), pick('.gb-act'), pick('.gb-count', '.gb-form'),
];
"""


def panel_background(page: Page) -> str:
    return shadow_eval(page, "return getComputedStyle(root.querySelector('.gb-panel')).backgroundColor;")


@pytest.mark.parametrize(("theme", "scheme", "dark"), [
    ("dark", "light", True), ("auto", "dark", True), ("auto", "light", False), ("light", "dark", False)])
def test_the_theme_is_light_dark_or_follows_the_colour_scheme(new_page, host_site, theme, scheme, dark, screenshot):
    page = new_page(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    open_widget(page, host_site.url(theme=theme))
    ask(page, "Where is CMU?")
    textarea(page).fill("x" * 1900)  # shows the counter
    background = panel_background(page)
    assert (background == "rgb(17, 24, 39)") is dark, background
    for sel, fg, bg in shadow_eval(page, COLOURS):
        ratio = contrast_ratio(fg, bg)
        assert ratio >= 4.5, f"{theme}/{scheme} {sel}: {fg} on {bg} is {ratio:.2f}:1"
    if theme == "dark":
        screenshot(page, "desktop-dark.png")


@pytest.mark.parametrize("accent", ["#fde047", "#0f766e", "#000000"])
def test_any_accent_stays_readable_in_the_dark_theme(new_page, host_site, accent):
    page = new_page(viewport={"width": 1280, "height": 800})
    open_widget(page, host_site.url(theme="dark", accent=accent))
    ask(page, "Where is CMU?")
    textarea(page).fill("x" * 1900)
    for sel, fg, bg in shadow_eval(page, COLOURS):
        assert contrast_ratio(fg, bg) >= 4.5, f"{accent} {sel}: {fg} on {bg}"


def test_an_arabic_page_gets_the_widget_in_arabic_right_to_left(device_page: Page, host_site, screenshot):
    page = device_page
    page.goto(host_site.url(rtl="1"))
    root = page.locator(f"{W} .gb-root")
    expect(root).to_have_attribute("dir", "rtl")
    expect(root).to_have_attribute("lang", "ar")
    expect(launcher(page)).to_have_accessible_name("فتح المحادثة: guidebot")
    if page.device == "desktop":
        box = launcher(page).bounding_box()
        assert box and box["x"] < 100, box  # the start corner of a right-to-left page
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    expect(textarea(page)).to_have_attribute("placeholder", "اطرح سؤالك…")
    expect(page.get_by_role("button", name="إغلاق المحادثة", exact=True)).to_be_visible()
    answer = ask(page, "Where is CMU?")
    bubble = answer.locator(".gb-bubble")
    expect(bubble).to_have_attribute("lang", "en")  # answers stay in the corpus's language
    expect(bubble).to_contain_text("Pittsburgh")
    assert bubble.evaluate("el => getComputedStyle(el).direction") == "ltr"  # dir=auto on English text
    expect(answer.locator(".gb-chip").first).to_have_accessible_name("المصدر 1")
    expect(answer.locator(".gb-sources summary")).to_contain_text("المصادر")
    if page.device == "desktop":
        pbox = panel(page).bounding_box()
        assert pbox and pbox["x"] < 100, pbox
    screenshot(page, f"rtl-{page.device}.png")


def test_data_lang_picks_the_widget_language_on_any_page(page: Page, host_site):
    open_widget(page, host_site.url(lang="ar-EG"))
    expect(page.locator(f"{W} .gb-root")).to_have_attribute("dir", "rtl")
    expect(page.locator(f"{W} .gb-new")).to_have_accessible_name("محادثة جديدة")
    page.goto(host_site.url(lang="xx"))  # an unknown language falls back to English
    expect(page.locator(f"{W} .gb-root")).to_have_attribute("dir", "ltr")
    expect(page.locator(f"{W} .gb-new")).to_have_accessible_name("New conversation")


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_open_and_close_motion_respects_reduced_motion(new_page, host_site, motion):
    page = new_page(viewport={"width": 1280, "height": 800}, reduced_motion=motion)
    open_widget(page, host_site.url())
    animation = shadow_eval(page, "return getComputedStyle(root.querySelector('.gb-panel')).animationName;")
    assert animation == ("none" if motion == "reduce" else "gb-in")
    hidden_at_once = page.evaluate("() => { Guidebot.close(); return document.querySelector('guidebot-widget')"
                                   ".shadowRoot.querySelector('.gb-panel').hidden; }")
    assert hidden_at_once is (motion == "reduce")  # with motion, it fades out first
    expect(panel(page)).to_be_hidden()


def test_a_long_title_fits_beside_the_header_buttons(device_page: Page, host_site):
    page = device_page
    open_widget(page, host_site.url(title="ESU Graduate Admissions"))
    title = page.locator(f"{W} .gb-title")
    expect(title).to_have_text("ESU Graduate Admissions")
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), "the title is cut"


def test_the_placeholder_fits_at_320_px(new_page, host_site):
    page = new_page(viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True)
    open_widget(page, host_site.url())
    fits = textarea(page).evaluate("""el => {
        const cs = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return [ctx.measureText(el.placeholder).width, room];
    }""")
    assert fits[0] <= fits[1], f"placeholder {fits[0]:.0f}px in {fits[1]:.0f}px"
    assert answers(page).count() == 0
