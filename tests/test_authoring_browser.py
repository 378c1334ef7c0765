"""In a real browser: an instructor writes a question and a quiz; a learner takes the quiz."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser import (
    browser_page,
    initialised_app,
    playwright_or_skip,
    serve,
    shot,
)
from tests.conftest import add_user, fixture_library, make_app

sync_api = playwright_or_skip()

QUOTE = "Peace Support Operations Training Centre (PSOTC)"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def live_server(tmp_path):
    app = initialised_app(tmp_path)
    add_user(app, "ines", role="instructor")
    add_user(app, "ann")
    with serve(app) as base:
        yield base


@pytest.fixture
def page():
    with browser_page(sync_api, {"width": 1024, "height": 900}) as page:
        yield page


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Log in").click()


def test_an_instructor_writes_a_question_and_a_learner_takes_a_quiz_with_it(live_server,
                                                                           page):
    expect = sync_api.expect
    log_in(page, live_server, "ines")
    page.get_by_role("link", name="Instructor").click()
    page.get_by_role("link", name="Questions", exact=True).click()
    expect(page.get_by_text("7 questions.")).to_be_visible()
    page.get_by_role("link", name="New question").click()
    page.get_by_label("Short answer").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Id", exact=True).fill("psotc-name")
    page.get_by_label("Prompt", exact=True).fill("What does PSOTC stand for?")
    page.get_by_label("Accepted answers, one per line").fill(
        "Peace Support Operations Training Centre")
    page.get_by_label("Explanation", exact=True).fill("The text spells it out.")
    citation = page.locator(".citation").first  # the whole question's first citation
    citation.get_by_label("Paragraph").first.select_option("23")
    citation.get_by_label("Evidence quote (verbatim from the paragraph)").fill("Peace Support")
    # With the script on, the paragraph appears and the quote is checked as it is typed.
    expect(citation.locator(".paragraph-text")).to_contain_text(QUOTE)
    expect(citation.locator(".quote-status")).to_have_text("The quote is in the paragraph.")
    citation.get_by_label("Evidence quote (verbatim from the paragraph)").fill("Nothing here")
    expect(citation.locator(".quote-status")).to_contain_text("Not found in p23")
    citation.get_by_label("Evidence quote (verbatim from the paragraph)").fill(QUOTE)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="As a learner sees it")).to_be_visible()
    expect(page.locator(".preview mark")).to_have_text(QUOTE)
    shot(page, "authoring-preview")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Question 'psotc-name' created as a draft")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 (current)")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("'psotc-name' is published")).to_be_visible()

    page.get_by_role("link", name="Quizzes", exact=True).click()
    page.get_by_role("link", name="New quiz").click()
    page.get_by_label("Id", exact=True).fill("psotc-quiz")
    page.get_by_label("Title", exact=True).fill("Training centres")
    page.get_by_label("An explicit list of questions, in order").check()
    page.get_by_label("Question ids, one per line, in order").fill("psotc-name\nt-single")
    page.get_by_label("Shuffle the questions").uncheck()
    page.get_by_label("Attempts allowed (0: no limit)").fill("1")
    shot(page, "authoring-quiz")
    page.get_by_role("button", name="Save the quiz").click()
    expect(page.get_by_text("Quiz 'psotc-quiz' created.")).to_be_visible()
    page.get_by_role("button", name="Log out ines").click()

    log_in(page, live_server, "ann")
    page.get_by_role("link", name="Training centres").click()
    expect(page.get_by_text("Attempts allowed: 1 (you have used 0).")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="What does PSOTC stand for?")).to_be_visible()
    page.get_by_label("Your answer").fill("peace support operations training centre")
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("2006").check()
    page.get_by_role("button", name="Save and finish").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_contain_text("2 out of 2")
    expect(page.locator("#q1 mark")).to_have_text(QUOTE)
    shot(page, "authoring-learner-review")


def test_an_instructor_adds_a_choice_and_marks_it_correct_with_the_keyboard(live_server, page):
    expect = sync_api.expect
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/instructor/authoring/questions/new?document=nato-bih"
              "&type=single_choice")
    page.get_by_label("Id", exact=True).fill("pfp-year")
    page.get_by_label("Prompt", exact=True).fill("In which year did the country join PfP?")
    for number, text in enumerate(["2004", "2010", "1999"], start=1):
        page.get_by_role("group", name=f"Choice {number}").get_by_label("Text").fill(text)
    page.get_by_role("group", name="Choice 2").get_by_label("Feedback if picked").fill(
        "That is the MAP invitation.")
    page.evaluate("window.unsent = true")  # gone if the page were sent and loaded again
    page.get_by_role("button", name="Add choice").click()
    added = page.get_by_role("group", name="Choice 4").get_by_label("Text")
    expect(added).to_be_focused()  # the cursor is in the new row, added in place
    assert page.evaluate("window.unsent") is True
    page.keyboard.type("2006")
    page.keyboard.press("Tab")
    marked = page.get_by_role("radio", name="Choice 4 is the correct answer")
    expect(marked).to_be_focused()
    page.keyboard.press("Space")
    expect(marked).to_be_checked()
    page.get_by_label("Explanation", exact=True).fill("PfP in 2006.")
    citation = page.locator(".citation").first
    citation.get_by_label("Paragraph").first.select_option("12")
    citation.get_by_label("Evidence quote (verbatim from the paragraph)").fill(
        "joined the Partnership for Peace (PfP) programme in 2006")
    if os.environ.get("UPDATE_SCREENSHOTS"):  # the form from its heading to Add choice
        for width, name in ((1280, "authoring-single-choice"),
                            (390, "authoring-single-choice-phone")):
            page.set_viewport_size({"width": width, "height": 900})
            top, bottom = page.evaluate("""() => [
                document.querySelector("h1").getBoundingClientRect().top + scrollY - 16,
                document.querySelector("[data-choice-rows]").getBoundingClientRect().bottom
                    + scrollY + 16]""")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True,
                            clip={"x": 0, "y": top, "width": width, "height": bottom - top})
        page.set_viewport_size({"width": 1024, "height": 900})
    # Enter in a text box saves, as in every form, though "Add choice" is the first button.
    page.get_by_label("Id", exact=True).press("Enter")
    expect(page.get_by_text("Question 'pfp-year' created as a draft")).to_be_visible()
    expect(page.locator("dt:text-is('Correct answer') + dd")).to_have_text("2006")
    # What is stored: the four choices as typed, the fourth the correct one.
    stored = page.get_by_text("Bank entry of version 1").locator("xpath=..").locator(
        "pre").text_content()
    assert re.findall(r"(?m)^[ -]*(?:text: )?['\"]?(\d{4})['\"]?$", stored) == [
        "2004", "2010", "1999", "2006"], stored
    assert re.search(r"(?m)^answer: ['\"]?2006['\"]?$", stored), stored


def numbered_markers(page) -> list[str]:
    """The numbers Chromium draws before the items of the page's ordered lists, read from
    its accessibility tree (the DOM does not hold them)."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    names = [n.get("name", {}).get("value", "").strip() for n in nodes
             if n.get("role", {}).get("value") == "ListMarker"]
    return [name for name in names if name.rstrip(".").isdigit()]


def test_a_questions_history_numbers_each_version_by_its_number(tmp_path, page):
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions, TESTING=False)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    bank = questions / "nato-bih" / "all_types.yaml"
    bank.write_text(bank.read_text().replace("In which year did", "In what year did"))
    assert app.test_cli_runner().invoke(args=["bank", "load"]).exit_code == 0
    add_user(app, "ines", role="instructor")
    with serve(app) as base:
        log_in(page, base, "ines")
        page.goto(f"{base}/instructor/authoring/questions/t-multi")
        assert page.locator("ol.versions h3").all_inner_texts() == ["Version 1 (current)"]
        assert numbered_markers(page) == ["1."]
        page.goto(f"{base}/instructor/authoring/questions/t-single")
        assert page.locator("ol.versions h3").all_inner_texts() == [
            "Version 2 (current)", "Version 1"]
        assert numbered_markers(page) == ["2.", "1."]
