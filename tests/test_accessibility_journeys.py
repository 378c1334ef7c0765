"""Whole quizzes taken by keyboard alone, without JavaScript, and on a 360-pixel phone."""
from __future__ import annotations

import re

import pytest

from tests import test_accessibility as pages

sync_api = pages.sync_api
expect = sync_api.expect
RIGHT_ORDER = ["IFOR", "SFOR", "EUFOR Operation Althea"]
SOURCE_LINK = "Relations with Bosnia and Herzegovina, paragraph 12"
QUOTE = "joined the Partnership for Peace (PfP) programme in 2006"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pages.live_site(tmp_path_factory.mktemp("site")) as value:
        yield value


@pytest.fixture(scope="module")
def browser():
    with pages.chromium() as value:
        yield value


# --- Keyboard alone -------------------------------------------------------------------------

FOCUSED = """async () => {
  // A focus far down the page is scrolled to smoothly: measure once the scrolling stops.
  let last = -1;
  for (let i = 0; i < 120 && scrollY !== last; i++) {
    last = scrollY;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {
    name: (el.getAttribute('aria-label') || label || el.innerText || el.value || '').trim(),
    tag: el.tagName.toLowerCase(), type: el.type || '', checked: !!el.checked,
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def focused(page) -> dict:
    """What has keyboard focus; it must show a focus ring and be on screen.

    Past the last control focus leaves the page for the browser's own controls (the body
    is active then), and the next Tab comes back to the first.
    """
    now = page.evaluate(FOCUSED)
    if now["tag"] != "body":
        assert now["ring"] and now["onScreen"], f"focus is not visible on {now}"
    return now


def tab_to(page, name: str, *, limit: int = 60) -> dict:
    """Presses Tab until the control named ``name`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name:
            return now
    raise AssertionError(f"Tab never reached {name!r}")


def press(page, key: str) -> None:
    """Presses a key that loads another page, and waits for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_radio(page, label: str) -> None:
    """Tabs into a radio group, then arrows to the choice and makes sure it is checked."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if focused(page)["type"] == "radio":
            break
    for _ in range(10):
        now = focused(page)
        if now["name"] == label:
            if not now["checked"]:
                page.keyboard.press("Space")
            assert focused(page)["checked"]
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio button {label!r}")


def order_by_moving(page, status) -> None:
    """Puts the ordering items right with their Move up buttons, focus staying on the button."""
    items = page.locator(".order-list > li label")
    for target, name in enumerate(RIGHT_ORDER):
        at = items.all_inner_texts().index(name)
        if at == target:
            continue
        tab_to(page, f"Move up: {name}")
        for _ in range(at - target):
            page.keyboard.press("Enter")
            assert focused(page)["name"] == f"Move up: {name}"
        expect(status).to_contain_text(f"{name} moved to position {target + 1} of 3")
    assert items.all_inner_texts() == RIGHT_ORDER
    positions = page.locator(".order-list select").evaluate_all("s => s.map(x => x.value)")
    assert positions == ["1", "2", "3"]


def test_a_whole_quiz_by_keyboard_alone_from_registration_to_a_source_paragraph(browser, site):
    context = browser.new_context(viewport=pages.DESKTOP, base_url=site[0])
    page = context.new_page()
    page.goto("/")

    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    focused(page)  # the main content shows that it has focus

    tab_to(page, "Register")
    press(page, "Enter")
    tab_to(page, "Username")
    page.keyboard.type("kay")
    page.keyboard.press("Tab")
    page.keyboard.type(pages.PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(pages.PASSWORD)
    press(page, "Enter")
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    tab_to(page, "Every type")
    press(page, "Enter")
    tab_to(page, "Start the quiz")
    press(page, "Enter")
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    status = page.locator("#save-status")

    choose_radio(page, "2006")                                               # single choice
    expect(status).to_have_text("Answer saved. 1 of 7 answered.")
    expect(page.locator("#answered-text")).to_have_text("1 of 7 answered")
    tab_to(page, "Save and next")
    press(page, "Enter")

    for choice in ("Danish", "German"):                                      # multiple response
        tab_to(page, choice)
        page.keyboard.press("Space")
        assert focused(page)["checked"]
    tab_to(page, "Save and next")
    press(page, "Enter")

    choose_radio(page, "False")                                              # true/false
    tab_to(page, "Save and next")
    press(page, "Enter")

    tab_to(page, "Your answer")                                              # short answer
    page.keyboard.type("PSOTC")
    press(page, "Enter")

    tab_to(page, "Your answer (in EUR)")                                     # numeric
    page.keyboard.type("500,000")
    press(page, "Enter")

    expect(page.get_by_text("Question 6 of 7")).to_be_visible()              # ordering
    order_by_moving(page, status)
    expect(status).to_contain_text("Answer saved")
    tab_to(page, "Save and next")
    press(page, "Enter")

    for left, right in (("PARP", "PfP Planning"), ("BI", "Building")):       # matching
        tab_to(page, left)
        page.keyboard.type(right)
    chosen = page.locator("select").evaluate_all(
        "s => Object.fromEntries(s.map(x => [x.labels[0].innerText, x.selectedOptions[0].text]))")
    assert chosen == {"PARP": "PfP Planning and Review Process", "BI": "Building Integrity"}
    tab_to(page, "Save and finish")
    press(page, "Enter")

    expect(page.get_by_text("you have answered 7 of 7 questions")).to_be_visible()
    tab_to(page, "Submit all and finish")
    press(page, "Enter")
    expect(page.locator(".score")).to_contain_text("7 out of 7")

    tab_to(page, SOURCE_LINK, limit=100)
    press(page, "Enter")
    assert re.search(r"/documents/nato-bih\?cite=\d+#p12$", page.url)
    expect(page.locator("#p12")).to_be_in_viewport()
    expect(page.locator("#p12 mark")).to_have_text(QUOTE)
    context.close()


def test_background_saves_announce_saved_stale_and_submitted(browser, site):
    context = browser.new_context(viewport=pages.DESKTOP, base_url=site[0])
    first = context.new_page()
    register(first, "sam")
    first.goto("/quizzes/all-types")
    first.get_by_role("button", name="Start the quiz").click()
    question = first.url + "?q=4"
    first.goto(question)
    second = context.new_page()
    second.goto(question)

    first.get_by_label("Your answer").fill("PSOTC")
    first.get_by_label("Your answer").press("Tab")                    # the change saves it
    expect(first.locator("#save-status")).to_have_text("Answer saved. 1 of 7 answered.")
    expect(first.locator("#answered-text")).to_have_text("1 of 7 answered")
    expect(first.get_by_role("button", name="Question 4, answered")).to_be_visible()

    second.get_by_label("Your answer").fill("older")
    second.get_by_label("Your answer").press("Tab")
    expect(second.locator("#save-status")).to_contain_text("changed in another window")

    first.goto(first.url.split("?")[0] + "/summary")
    summary_url = first.url
    expect(first.locator(".summary-lists")).to_contain_text(
        "Not answered: question 1, question 2, question 3, question 5, question 6, question 7")
    first.get_by_role("button", name="Submit all and finish").click()   # asks first
    assert first.url == summary_url
    first.get_by_label("Submit anyway, with 6 questions not answered").check()
    first.get_by_role("button", name="Submit all and finish").click()
    expect(first.locator(".score")).to_contain_text("1 out of 7")
    second.get_by_label("Your answer").fill("late")
    second.get_by_label("Your answer").press("Tab")
    expect(second.locator("#save-status")).to_contain_text("This attempt has been submitted")
    context.close()


def register(page, name: str) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(pages.PASSWORD)
    page.get_by_label("Repeat the password").fill(pages.PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()


# --- Without JavaScript ---------------------------------------------------------------------

def test_without_javascript_a_learner_registers_takes_a_quiz_and_reads_the_review(browser, site):
    context = browser.new_context(viewport=pages.DESKTOP, base_url=site[0],
                                  java_script_enabled=False)
    page = context.new_page()
    register(page, "noel")
    page.get_by_role("link", name="Every type").click()
    page.get_by_role("button", name="Start the quiz").click()
    answer_everything(page)
    expect(page.get_by_role("button", name="Move up: IFOR")).to_have_count(0)
    page.get_by_role("button", name="Submit all and finish").click()

    expect(page.locator(".score")).to_contain_text("7 out of 7")
    assert page.locator(".verdict strong").all_inner_texts() == ["Correct"] * 7
    expect(page.locator(".review-item").first).to_contain_text(QUOTE)
    page.get_by_role("link", name=SOURCE_LINK).first.click()
    expect(page.locator("#p12 mark")).to_have_text(QUOTE)
    context.close()


def answer_everything(page, check=None) -> None:
    """Answers the all-types quiz rightly with plain form controls, page by page."""
    def next_page(button="Save and next"):
        if check:
            check(page)
        page.get_by_role("button", name=button).click()

    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    page.get_by_label("2006").check()
    next_page()
    page.get_by_label("Danish").check()
    page.get_by_label("German").check()
    next_page()
    page.get_by_label("False").check()
    next_page()
    page.get_by_label("Your answer").fill("PSOTC")
    next_page()
    page.get_by_label("Your answer (in EUR)").fill("500,000")
    next_page()
    for position, item in enumerate(RIGHT_ORDER, start=1):
        page.get_by_label(item, exact=True).select_option(str(position))
    next_page()
    page.get_by_label("PARP").select_option(label="PfP Planning and Review Process")
    page.get_by_label("BI", exact=True).select_option(label="Building Integrity")
    next_page("Save and finish")
    expect(page.get_by_text("you have answered 7 of 7 questions")).to_be_visible()


# --- On a phone -----------------------------------------------------------------------------

def fits_a_phone(page) -> None:
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"
    small = page.evaluate(pages.TAP_TARGETS)
    assert not small, f"{page.url}: tap targets under 44x44 pixels:\n" + "\n".join(small)


def test_a_quiz_on_a_360_pixel_phone_fits_and_its_targets_are_44_pixels(browser, site):
    context = browser.new_context(viewport=pages.PHONE, base_url=site[0], has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    shots = pages.ARTIFACTS / "phone-quiz"
    shots.mkdir(parents=True, exist_ok=True)
    page.goto("/register")
    page.get_by_label("Username").fill("pia")
    page.get_by_label("Password", exact=True).fill(pages.PASSWORD)
    page.get_by_label("Repeat the password").fill(pages.PASSWORD)
    page.get_by_role("button", name="Create account").tap()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    fits_a_phone(page)
    page.get_by_role("link", name="Every type").tap()
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    fits_a_phone(page)
    page.get_by_role("button", name="Start the quiz").tap()

    def check(page):
        fits_a_phone(page)
        page.screenshot(path=str(shots / f"{page.title().split(' ·')[0]}.png"))

    answer_everything(page, check)
    fits_a_phone(page)
    page.get_by_role("button", name="Submit all and finish").tap()
    expect(page.locator(".score")).to_contain_text("7 out of 7")
    fits_a_phone(page)
    page.get_by_role("link", name=SOURCE_LINK).first.tap()
    page.wait_for_url("**#p12")
    expect(page.locator("#p12")).to_be_in_viewport()
    fits_a_phone(page)
    context.close()
