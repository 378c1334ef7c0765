"""A learner practises the questions they keep missing in a real browser."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import (
    browser_page,
    initialised_app,
    playwright_or_skip,
    serve,
    shot,
)
from tests.conftest import add_user, log_in
from tests.test_scores import take

sync_api = playwright_or_skip()
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def live_server(tmp_path):
    """Ann has missed the single choice and multiple response questions twice."""
    app = initialised_app(tmp_path)
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    take(client, {3, 4, 5, 6, 7})
    take(client, {3, 4, 5, 6, 7})
    with serve(app) as base:
        yield base


@pytest.mark.parametrize("width", [1280, 390])
def test_a_learner_practises_two_missed_questions_and_sees_the_marks(live_server, width):
    with browser_page(sync_api, {"width": width, "height": 900}) as page:
        page.goto(f"{live_server}/login")
        page.get_by_label("Username").fill("ann")
        page.get_by_label("Password").fill("correct horse")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server}/me/progress")
        page.get_by_role("button", name="Practise these questions").click()
        sync_api.expect(page.get_by_role("heading", level=1)).to_have_text(
            "Practise the questions you keep missing")
        sync_api.expect(page.get_by_text("Practice is not graded and not recorded.")) \
            .to_be_visible()
        page.get_by_label("2006").check()                       # right
        page.get_by_label("Belgian").check()                    # wrong
        page.get_by_role("button", name="Check my answers").click()
        sync_api.expect(page.locator(".score")).to_contain_text("1 of 2")
        single = page.locator(".review-item", has_text="In which year did the country join PfP?")
        sync_api.expect(single.locator(".verdict")).to_have_text("Correct")
        multi = page.locator(".review-item", has_text="Which contingents")
        sync_api.expect(multi.locator(".verdict")).to_have_text("Incorrect")
        sync_api.expect(multi.get_by_text("Danish; German")).to_be_visible()
        sync_api.expect(multi.locator("mark")).to_have_text(
            "as part of the Danish and German contingents")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        name = f"practice-checked-{width}px"
        shot(page, name)
        if os.environ.get("UPDATE_SCREENSHOTS"):
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        source = "Relations with Bosnia and Herzegovina, paragraph 25"
        multi.get_by_role("link", name=source).click()
        page.wait_for_url("**/documents/nato-bih?cite=*#p25")
        sync_api.expect(page.locator("#p25 mark")).to_have_text(
            "as part of the Danish and German contingents")
