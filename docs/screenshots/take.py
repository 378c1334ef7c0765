"""Screenshots of the learner's pages for docs/, taken from a scratch instance.

    .venv/bin/python docs/screenshots/take.py [--only NAME ...]

Makes a throw-away SQLite instance in a temporary folder (``flask init``, then
``flask demo seed`` for other learners' attempts), gives the shipped "Quick quiz" a
20-minute limit so the countdown shows, lets a learner "sam" take quizzes in headless
Chromium (Playwright, /usr/bin/chromium or $CHROMIUM) and saves each page at 1280 and
390 pixels wide as docs/screenshots/learner-<page>-<width>.png (the viewport, not the
whole page). Rerun it after changing a learner page; nothing outside the temporary
folder and docs/screenshots/ is written.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from quiz import create_app  # noqa: E402
from quiz.extensions import db  # noqa: E402
from quiz.models import Quiz  # noqa: E402

OUT = Path(__file__).resolve().parent
WIDTHS = {1280: 800, 390: 844}  # width: height of the viewport
PASSWORD = "screenshots only"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def scratch_app(folder: Path):
    app = create_app({
        "SECRET_KEY": "screenshots-only",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'quiz.sqlite3'}",
        "TASK_QUEUE_IMMEDIATE": True,
    })
    runner = app.test_cli_runner()
    for args in (["init"], ["demo", "seed", "--learners", "40", "--seed", "7"],
                 ["users", "create", "sam"]):
        result = runner.invoke(args=args, env={"QUIZ_PASSWORD": PASSWORD})
        assert result.exit_code == 0, result.output
    with app.app_context():
        quick = db.session.execute(db.select(Quiz).filter_by(key="quick")).scalar_one()
        quick.time_limit = 20
        db.session.commit()
    return app


def answer_here(page) -> None:
    """Answer the question on the page, whatever its type, with the first thing offered."""
    question = page.locator("form:has(input[name=seq])")
    radios = question.locator("input[type=radio]")
    boxes = question.locator("input[type=checkbox]:not([name=flag])")
    selects = question.locator("select")
    texts = question.locator("input[type=text], input[inputmode]")
    if radios.count():
        radios.first.check()
    elif boxes.count():
        boxes.first.check()
    elif selects.count():
        for select in selects.all():
            values = [o for o in select.locator("option").all() if o.get_attribute("value")]
            if values:
                select.select_option(values[0].get_attribute("value"))
    elif texts.count():
        texts.first.fill("1995")


def press(page, button: str) -> None:
    """Press a button that loads the next page, and wait for it."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def take(page, base: str, wanted) -> list[str]:
    shots = []

    def snap(name: str, path: str | None = None, region: str | None = None,
             scroll_to: str | None = None) -> None:
        """The viewport at each width, cut off below the footer on a short page; with
        ``region``, only that part of the page (plus a margin)."""
        if wanted and name not in wanted:
            return
        if path:
            page.goto(base + path)
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            file = OUT / f"learner-{name}-{width}.png"
            if region:
                box = page.locator(region).first.bounding_box()
                page.screenshot(path=str(file), full_page=True, clip={
                    "x": 0, "y": max(box["y"] - 16, 0), "width": width,
                    "height": box["height"] + 32})
            else:
                if scroll_to:
                    page.locator(scroll_to).first.scroll_into_view_if_needed()
                else:
                    page.evaluate("window.scrollTo(0, 0)")
                bottom = page.evaluate("Math.ceil(document.querySelector('.site-footer')"
                                       ".getBoundingClientRect().bottom)")
                page.screenshot(path=str(file), clip={
                    "x": 0, "y": 0, "width": width, "height": min(height, bottom + 8)})
            shots.append(file.name)
        page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(f"{base}/login")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    press(page, "Log in")

    # A first, untimed attempt finished, so home and progress have a best score.
    page.goto(f"{base}/quizzes/evolution")
    snap("quiz-start")
    press(page, "Start the quiz")
    for _ in range(40):
        answer_here(page)
        nxt = page.get_by_role("button", name="Save and next")
        if not nxt.count():
            press(page, "Save and finish")
            break
        press(page, "Save and next")
    submit_anyway = page.locator("input[name=confirm]")
    if submit_anyway.count():
        submit_anyway.check()
    press(page, "Submit all and finish")
    snap("review")
    page.get_by_role("link", name="Show only what I got wrong").click()
    snap("review-only-missed")

    # The timed quick quiz: some answered, two flagged, the rest left for the summary.
    page.goto(f"{base}/quizzes/quick")
    press(page, "Start the quiz")
    for number in range(1, 7):
        if number != 4:
            answer_here(page)
        if number in (2, 5):
            page.get_by_label("Flag this question to come back to it").check()
        press(page, "Save and next")
    snap("question-timed")
    snap("question-navigation", region=".question-nav")
    press(page, "Summary and submit")
    snap("summary")
    snap("summary-submit", scroll_to="form.stack button")

    snap("home", "/")
    snap("progress", "/me/progress")
    snap("attempts", "/me/attempts")
    snap("document", "/documents/nato-bih")
    snap("error-404", "/no-such-page")
    snap("error-403", "/instructor/attempts")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="page names to retake")
    wanted = set(parser.parse_args().only)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["TASK_QUEUE_URL"] = f"sqlite:///{Path(folder) / 'jobs.sqlite3'}"
        app = scratch_app(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=LAUNCH_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 800},
                                              reduced_motion="reduce")
                for name in take(context.new_page(), base, wanted):
                    print(f"docs/screenshots/{name}")
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
