"""An instructor builds a quiz in a real browser with the bank picker (search, add three,
reorder, a random block) and a learner taking it gets exactly those questions."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from quiz.extensions import db
from quiz.models import Question
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
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def site(tmp_path):
    app = initialised_app(tmp_path)
    add_user(app, "tina", PASSWORD, role="instructor")
    add_user(app, "ann", PASSWORD)
    with app.app_context():
        questions = db.session.execute(db.select(Question)).scalars().all()
        prompts = {q.key: q.current.prompt for q in questions}
        sections = {q.key: q.current.section for q in questions}
    with serve(app) as base:
        yield base, prompts, sections


def log_in(browser, base: str, name: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_an_instructor_builds_a_quiz_and_a_learner_gets_its_questions(site):
    base, prompts, sections = site
    named = ["t-single", "t-numeric", "t-match"]
    block_section = sections["t-order"]
    from_block = {k for k, s in sections.items()
                  if k not in named and (s == block_section or s.startswith(block_section + "/"))}
    with chromium(sync_api) as browser:
        tina = log_in(browser, base, "tina")
        tina.goto(f"{base}/instructor/authoring/quizzes")
        tina.get_by_role("link", name="Build Two at random").click()
        expect(tina.get_by_role("heading", level=1)).to_have_text("Build Two at random")
        for words, key in (("PfP", "t-single"), ("euros", "t-numeric"), ("acronyms", "t-match")):
            tina.get_by_label("Words in the id or prompt").fill(words)
            tina.get_by_role("button", name="Search").click()
            tina.get_by_role("button", name=f"Add {key}").click()
            expect(tina.get_by_text(f"Added '{key}'.")).to_be_visible()
        tina.get_by_role("button", name="Remove block 1").click()
        tina.get_by_role("button", name="Move up t-match").click()
        tina.get_by_role("button", name="Move up t-match").click()
        tina.get_by_label("Number of questions").fill("1")
        tina.get_by_label("Section", exact=True).first.select_option(block_section)
        tina.get_by_role("button", name="Add the block").click()
        expect(tina.get_by_text("Added a random block.")).to_be_visible()
        items = tina.locator("ol.selection > li")
        expect(items).to_have_count(3)
        for item, key in zip(items.all(), ["t-match", "t-single", "t-numeric"], strict=True):
            expect(item).to_contain_text(key)
        shot(tina, "quiz-builder")
        if os.environ.get("UPDATE_SCREENSHOTS"):
            tina.screenshot(path=str(SCREENSHOTS / "quiz-builder.png"), full_page=True)

        ann = log_in(browser, base, "ann")
        ann.goto(base)
        ann.get_by_role("link", name="Two at random").click()
        ann.get_by_role("button", name="Start the quiz").click()
        expect(ann.get_by_text("Question 1 of 4")).to_be_visible()
        url = ann.url.split("?")[0]
        seen = []
        for number in range(1, 5):
            ann.goto(f"{url}?q={number}")
            seen.append(next(k for k, p in prompts.items() if ann.get_by_text(p).count()))
        assert set(seen[:4]) >= set(named) and len(set(seen)) == 4
        assert (set(seen) - set(named)) <= from_block


def test_an_instructor_imports_a_broken_gift_file_then_one_twice(site, tmp_path):
    """A brace left open refuses the whole file with its line; a file imported twice is
    skipped the second time, as the import offers."""
    base, _, _ = site
    broken = tmp_path / "broken.gift"
    broken.write_text("::q1::Which year? {=2006 ~2010\n\n::q2::Where? {=Brussels ~Paris}\n")
    twice = tmp_path / "twice.gift"
    twice.write_text("::ifor-start::When did IFOR begin?{=1995 ~1996 ~2004}\n")

    def upload(page, path):
        page.goto(f"{base}/instructor/authoring/transfer")
        page.get_by_label("The file to import").set_input_files(str(path))
        page.get_by_label("Its format").select_option("gift")
        page.get_by_role("button", name="Import", exact=True).click()

    with chromium(sync_api) as browser:
        tina = log_in(browser, base, "tina")
        upload(tina, broken)
        expect(tina.get_by_text("Nothing was imported: 1 error")).to_be_visible()
        expect(tina.get_by_text("broken.gift:1: question 'q1': '{' opens the answers but no "
                                "'}' closes them", exact=False)).to_be_visible()
        upload(tina, twice)
        expect(tina.get_by_text("Imported 1 question as drafts", exact=False)
               ).to_be_visible()
        upload(tina, twice)
        expect(tina.get_by_text("Skipped: the document already has them")).to_be_visible()
        expect(tina.get_by_text("line 1: 'ifor-start-2' is the same question as 'ifor-start'")
               ).to_be_visible()
