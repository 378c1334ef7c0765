"""A real browser takes a whole quiz and follows a source link to its paragraph."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quiz.extensions import db
from quiz.models import Attempt, Quiz, utcnow
from tests.browser import (
    browser_page,
    initialised_app,
    playwright_or_skip,
    serve,
    shot,
)

sync_api = playwright_or_skip()


@pytest.fixture
def live_server(tmp_path):
    app = initialised_app(tmp_path)
    with serve(app) as base:
        yield base


@pytest.fixture
def page():
    with browser_page(sync_api, {"width": 390, "height": 844}) as page:
        yield page


def test_a_learner_takes_a_quiz_and_follows_the_source(live_server, page):
    page.goto(live_server)
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_label("Repeat the password").fill("correct horse")
    page.get_by_role("button", name="Create account").click()
    sync_api.expect(page.get_by_text("Your account is ready")).to_be_visible()
    shot(page, "home")

    page.get_by_role("link", name="Every type").click()
    page.get_by_role("button", name="Start the quiz").click()
    sync_api.expect(page.get_by_text("Question 1 of 7")).to_be_visible()

    page.get_by_label("2006").check()                                       # single choice
    shot(page, "question")
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("Danish").check()                                     # multiple response
    page.get_by_label("German").check()
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("False").check()                                      # true/false
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("Your answer").fill("PSOTC")                          # short answer
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("Your answer (in EUR)").fill("500,000")               # numeric
    page.get_by_label("Your answer (in EUR)").press("Enter")                # Enter moves on
    sync_api.expect(page.get_by_text("Question 6 of 7")).to_be_visible()
    for item, position in (("IFOR", "1"), ("SFOR", "2"), ("EUFOR Operation Althea", "3")):
        page.get_by_label(item, exact=True).select_option(position)         # ordering
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("PARP").select_option(label="PfP Planning and Review Process")  # matching
    page.get_by_label("BI", exact=True).select_option(label="Building Integrity")
    shot(page, "matching")
    page.get_by_role("button", name="Save and finish").click()

    sync_api.expect(page.get_by_text("you have answered 7 of 7 questions")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    sync_api.expect(page.locator(".score")).to_contain_text("7 out of 7")
    sync_api.expect(page.locator("mark").first).to_be_visible()
    shot(page, "review")

    source_link = "Relations with Bosnia and Herzegovina, paragraph 12"
    page.get_by_role("link", name=source_link).first.click()
    page.wait_for_url("**/documents/nato-bih?cite=*#p12")
    target = page.locator("#p12")
    sync_api.expect(target).to_be_in_viewport()
    sync_api.expect(target.locator("mark")).to_have_text(
        "joined the Partnership for Peace (PfP) programme in 2006")
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator("#p13").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != plain  # the paragraph is visibly highlighted
    shot(page, "document")


def register(page, base: str) -> None:
    """Ann registers in the browser (and is logged in)."""
    page.goto(f"{base}/register")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_label("Repeat the password").fill("correct horse")
    page.get_by_role("button", name="Create account").click()


@pytest.fixture
def timed_site(tmp_path):
    """The all-types quiz with a ten-minute time limit: (app, base URL)."""
    app = initialised_app(tmp_path)
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        quiz.time_limit = 10
        db.session.commit()
    with serve(app) as base:
        yield app, base


def test_a_timed_quiz_counts_down_warns_and_submits_itself_with_the_typed_answer(
        timed_site, page):
    app, base = timed_site
    register(page, base)
    page.goto(f"{base}/quizzes/all-types")
    page.get_by_role("button", name="Start the quiz").click()
    timer = page.get_by_role("timer")
    sync_api.expect(timer).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    sync_api.expect(page.get_by_role("alert")).to_have_text("")  # no warning yet
    page.get_by_label("2006").check()                             # saved in the background
    sync_api.expect(page.locator("#save-status")).to_contain_text("Answer saved")

    with app.app_context():  # eight seconds are left
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        attempt.started_at = utcnow() - timedelta(seconds=592)
        db.session.commit()
    page.goto(page.url.split("?")[0] + "?q=4")
    sync_api.expect(page.get_by_role("alert")).to_have_text(
        "Less than 1 minute left. At the deadline the answers saved so far are submitted.")
    shot(page, "time-limit-warning")
    # Typed, never left: no change event, so no background save until the deadline's.
    page.get_by_label("Your answer").fill("PSOTC")

    page.wait_for_url("**/review*", timeout=20_000)
    sync_api.expect(page.get_by_text("so this attempt was submitted automatically")
                    ).to_be_visible()
    sync_api.expect(page.locator(".score")).to_contain_text("2 out of 7")
    shot(page, "time-limit-submitted")
    with app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        assert attempt.finished and attempt.responses[3].answer is not None


def test_a_typed_answer_is_saved_when_typing_pauses_and_survives_a_reload(live_server, page):
    register(page, live_server)
    page.goto(f"{live_server}/quizzes/all-types")
    page.get_by_role("button", name="Start the quiz").click()
    page.goto(page.url.split("?")[0] + "?q=4")
    page.get_by_label("Your answer").press_sequentially("PSOTC", delay=50)  # focus stays
    sync_api.expect(page.locator("#save-status")).to_contain_text("Answer saved")
    page.reload()
    sync_api.expect(page.get_by_label("Your answer")).to_have_value("PSOTC")
