"""In a real browser: an instructor previews a quiz and no report keeps a trace of it; draft
and exam-only questions written in the browser never reach a practice quiz."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from quiz.extensions import db
from quiz.models import Quiz
from tests.browser import (
    browser_page,
    initialised_app,
    playwright_or_skip,
    serve,
    shot,
)
from tests.conftest import add_user

sync_api = playwright_or_skip()

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
P12_QUOTE = "joined the Partnership for Peace (PfP) programme in 2006"


def doc_shot(page, name: str) -> None:
    """A screenshot for the test's artifacts, and for docs/ when UPDATE_SCREENSHOTS is set."""
    shot(page, name)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def live_server(tmp_path):
    app = initialised_app(tmp_path)
    add_user(app, "ines", role="instructor")
    add_user(app, "ann")
    with app.app_context():
        db.session.add(Quiz(key="practice", document_id=1, title="Practice: everything",
                            select={"all": True}))
        db.session.commit()
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


def test_a_preview_taken_to_the_end_leaves_no_trace_in_the_reports(live_server, page):
    expect = sync_api.expect
    log_in(page, live_server, "ines")
    page.get_by_role("link", name="Instructor").click()
    page.get_by_role("link", name="Quiz reports").click()
    page.get_by_role("link", name="Overview of Every type").click()
    expect(page.get_by_role("heading", name="State: published")).to_be_visible()
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    expect(page.locator(".flash-preview")).to_contain_text("Preview")
    doc_shot(page, "preview-banner")
    page.get_by_label("2006").check()
    for number in range(2, 8):  # each page loaded before the next click
        page.get_by_role("button", name="Save and next").click()
        expect(page.get_by_text(f"Question {number} of 7")).to_be_visible()
    page.get_by_role("button", name="Save and finish").click()
    expect(page.locator(".flash-preview")).to_be_visible()
    page.get_by_label("Submit anyway, with 6 questions not answered").check()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_contain_text("1 out of 7")
    expect(page.locator(".flash-preview")).to_contain_text("counts in no grade")

    page.goto(f"{live_server}/instructor/gradebook")
    expect(page.locator("main")).not_to_contain_text("ines")
    page.goto(f"{live_server}/instructor/quizzes/all-types/items?attempts=all")
    expect(page.locator("main")).not_to_contain_text("t-single")
    page.goto(f"{live_server}/instructor/attempts")
    expect(page.locator("main")).not_to_contain_text("ines")
    page.goto(f"{live_server}/instructor/quizzes/all-types")
    expect(page.get_by_text("You have 1 preview attempt at this quiz.")).to_be_visible()
    doc_shot(page, "quiz-state-and-preview")
    page.get_by_role("button", name="Clear previews").click()
    expect(page.get_by_text("1 preview attempt cleared.")).to_be_visible()


def write_question(page, key: str, prompt: str, exam_only: bool) -> None:
    page.get_by_role("link", name="Questions", exact=True).click()
    page.get_by_role("link", name="New question").click()
    page.get_by_label("True or false").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Id", exact=True).fill(key)
    page.get_by_label("Prompt", exact=True).fill(prompt)
    page.get_by_label("True", exact=True).check()
    page.get_by_label("Explanation", exact=True).fill("The text says so.")
    citation = page.locator(".citation").first
    citation.get_by_label("Paragraph").first.select_option("12")
    citation.get_by_label("Evidence quote (verbatim from the paragraph)").fill(P12_QUOTE)
    if exam_only:
        page.get_by_label("Exam only").check()
    page.get_by_role("button", name="Save").click()
    sync_api.expect(page.get_by_text(f"Question '{key}' created as a draft")).to_be_visible()


def test_draft_and_exam_only_questions_never_reach_a_practice_quiz(live_server, page):
    expect = sync_api.expect
    log_in(page, live_server, "ines")
    page.get_by_role("link", name="Instructor").click()
    write_question(page, "exam-pfp", "EXAM: Bosnia and Herzegovina joined PfP in 2006.", True)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("'exam-pfp' is published")).to_be_visible()
    write_question(page, "draft-pfp", "DRAFT: Bosnia and Herzegovina joined PfP in 2006.",
                   False)
    page.get_by_role("link", name="Questions", exact=True).click()
    row = page.locator("tr", has_text="exam-pfp")
    expect(row).to_contain_text("published")
    expect(row).to_contain_text("exam only")
    expect(page.locator("tr", has_text="draft-pfp")).to_contain_text("draft")
    doc_shot(page, "question-states")
    page.get_by_role("button", name="Log out ines").click()

    log_in(page, live_server, "ann")
    page.get_by_role("link", name="Practice: everything").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()  # the 7 published ones
    for number in range(1, 8):
        expect(page.get_by_text(f"Question {number} of 7")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("EXAM:")
        expect(page.locator("main")).not_to_contain_text("DRAFT:")
        page.get_by_role("button", name="Save and finish" if number == 7
                         else "Save and next").click()
    expect(page.get_by_text("you have answered 0 of 7 questions")).to_be_visible()
