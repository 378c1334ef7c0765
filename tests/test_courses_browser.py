"""Two instructors in a real browser, each with a course: learners join one by its code and
the other from a roster, and each instructor sees only their own course's learners and
grades."""
from __future__ import annotations

import re

import pytest

from tests.browser import (
    chromium,
    initialised_app,
    playwright_or_skip,
    serve,
    shot,
)
from tests.conftest import add_user

sync_api = playwright_or_skip()
expect = sync_api.expect if sync_api else None
PASSWORD = "correct horse"


@pytest.fixture
def site(tmp_path):
    app = initialised_app(tmp_path)
    add_user(app, "tina", PASSWORD, role="instructor")
    add_user(app, "tom", PASSWORD, role="instructor")
    with serve(app) as base:
        yield base


@pytest.fixture
def browser():
    with chromium(sync_api) as browser:
        yield browser


def log_in(browser, base: str, name: str, password: str = PASSWORD):
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    return page


def course_with_quiz(page, base: str, title: str, code: str, quiz: str) -> str:
    """Create a course and a quiz in it; return the course's enrolment code."""
    page.goto(f"{base}/instructor/courses")
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Create the course").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    enrolment = page.locator("code.enrolment-code").inner_text()
    page.get_by_role("link", name="Write a quiz for this course").click()
    expect(page.get_by_label("Course (whose learners take it)")).to_have_value(code)
    page.get_by_label("Id", exact=True).fill(code + "-quiz")
    page.get_by_label("Title", exact=True).fill(quiz)
    page.get_by_role("button", name="Save the quiz").click()
    expect(page.get_by_text(f"Quiz '{code}-quiz' created.")).to_be_visible()
    return enrolment


def take_quiz(page, base: str, quiz: str) -> None:
    page.goto(base)
    page.get_by_role("link", name=quiz).click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of")).to_be_visible()
    page.goto(re.sub(r"\?.*$", "", page.url) + "/summary")
    page.get_by_role("checkbox", name=re.compile("Submit anyway")).check()  # none answered
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.locator(".score")).to_be_visible()


def test_two_instructors_enrol_their_own_learners_and_see_only_them(site, browser):
    tina = log_in(browser, site, "tina")
    code = course_with_quiz(tina, site, "History 9A", "hist-9a", "History quiz")
    tom = log_in(browser, site, "tom")
    course_with_quiz(tom, site, "Biology 10", "bio-10", "Biology quiz")

    # Tom enrols bob from a roster: a new account with a temporary password.
    tom.goto(f"{site}/instructor/courses/bio-10")
    shot(tom, "course-page")
    tom.get_by_role("link", name="Add learners from a roster (CSV)").click()
    tom.get_by_label("Or paste the lines here").fill("username,display name\nbob,Bob Brown\n")
    tom.get_by_role("button", name="Add the learners").click()
    row = tom.locator("table.roster-result tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("new account")
    temporary = row.locator("code").inner_text()
    shot(tom, "roster-result")

    # Ann registers and joins Tina's course by its code.
    ann = browser.new_context().new_page()
    ann.goto(f"{site}/register")
    ann.get_by_label("Username").fill("ann")
    ann.get_by_label("Password", exact=True).fill(PASSWORD)
    ann.get_by_label("Repeat the password").fill(PASSWORD)
    ann.get_by_role("button", name="Create account").click()
    expect(ann.get_by_role("link", name="History quiz")).to_have_count(0)
    ann.get_by_label("Enrolment code").fill(code)
    ann.get_by_role("button", name="Join").click()
    expect(ann.get_by_text("You joined History 9A.")).to_be_visible()
    expect(ann.get_by_role("link", name="Biology quiz")).to_have_count(0)
    take_quiz(ann, site, "History quiz")

    # Bob logs in with his temporary password, chooses his own, takes Tom's quiz.
    bob = log_in(browser, site, "bob", temporary)
    bob.get_by_label("Current password").fill(temporary)
    bob.get_by_label("New password", exact=True).fill("bob's own passphrase")
    bob.get_by_label("Repeat the new password").fill("bob's own passphrase")
    bob.get_by_role("button", name="Change password").click()
    bob.goto(site)
    expect(bob.get_by_role("link", name="History quiz")).to_have_count(0)
    take_quiz(bob, site, "Biology quiz")

    for page, code, mine, theirs in ((tina, "hist-9a", "ann", "bob"),
                                     (tom, "bio-10", "bob", "ann")):
        page.goto(f"{site}/instructor/courses/{code}")
        learners = page.locator("section", has=page.get_by_role("heading", name=re.compile(
            "^Learners")))
        expect(learners.get_by_role("link", name=mine, exact=True)).to_be_visible()
        expect(learners.get_by_role("link", name=theirs, exact=True)).to_have_count(0)
        page.get_by_role("link", name="Gradebook", exact=True).first.click()
        table = page.locator("table.gradebook")
        expect(table.get_by_role("link", name=mine, exact=True)).to_be_visible()
        expect(table.get_by_role("link", name=theirs, exact=True)).to_have_count(0)
        other = "bio-10" if code == "hist-9a" else "hist-9a"
        assert page.goto(f"{site}/instructor/courses/{other}").status == 404
