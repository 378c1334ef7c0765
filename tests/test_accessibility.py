"""Every page passes axe (WCAG 2.1 A and AA) and the Nu HTML Checker, fits a phone and prints.

PAGES below lists every kind of page once; each check runs over all of them.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from quiz.extensions import db
from quiz.models import Course, Job, User
from tests.answering import choose, match, order
from tests.browser import CHROMIUM, serve
from tests.browser import chromium as shared_chromium
from tests.conftest import ON_POSTGRES, add_user, csrf_token, fixture_library, make_app

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def unavailable(reason: str, *, module: bool = False):
    """Skip here, where a tool may be missing; fail in CI, whose set-up installs every tool."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, but CI installs it", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


if ON_POSTGRES:  # CI runs the suite twice; once is enough for what a browser sees
    pytest.skip("pages are checked on the SQLite run; they do not depend on the database",
                allow_module_level=True)
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright import sync_api
except ImportError:
    unavailable("Playwright or axe-playwright-python is not installed (pip install -e '.[test]')",
                module=True)
if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
    unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", module=True)


@dataclass(frozen=True)
class Visit:
    """How to reach a page: its path, who is logged in, and any steps after it loads."""

    path: str  # {done}, {open}, {cite}, {ann}, {join}, {preview}, {running}, {imported}
    user: str | None = None
    then: Callable | None = None


def press(button: str) -> Callable:
    def steps(page):
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
    return steps


def roster(lines: str) -> Callable:
    def steps(page):
        page.get_by_label("Or paste the lines here").fill(lines)
        with page.expect_navigation():
            page.get_by_role("button", name="Add the learners").click()
    return steps


# Every kind of page, once. A new page is one line here.
PAGES = {
    "home": Visit("/"),
    "home, logged in": Visit("/", "ann"),
    "login": Visit("/login"),
    "login with errors": Visit("/login", then=press("Log in")),
    "registration": Visit("/register"),
    "registration with errors": Visit("/register", then=press("Create account")),
    "document": Visit("/documents/nato-bih"),
    "document at a cited paragraph": Visit("/documents/nato-bih?cite={cite}#p12"),
    "quiz": Visit("/quizzes/all-types", "ann"),
    "quiz, closed": Visit("/quizzes/two-random", "ann"),
    "question: single choice": Visit("/attempts/{open}?q=1", "ann"),
    "question: multiple response": Visit("/attempts/{open}?q=2", "ann"),
    "question: true or false": Visit("/attempts/{open}?q=3", "ann"),
    "question: short answer": Visit("/attempts/{open}?q=4", "ann"),
    "question: numeric": Visit("/attempts/{open}?q=5", "ann"),
    "question: ordering": Visit("/attempts/{open}?q=6", "ann"),
    "question: matching": Visit("/attempts/{open}?q=7", "ann"),
    "summary": Visit("/attempts/{open}/summary", "ann"),
    "review": Visit("/attempts/{done}/review", "ann"),
    "progress": Visit("/me/attempts", "ann"),
    "practice": Visit("/me/progress/practice", "ann"),
    "practice, checked": Visit("/me/progress/practice", "ann", then=press("Check my answers")),
    "instructor: gradebook": Visit("/instructor/gradebook", "ines"),
    "instructor: a learner": Visit("/instructor/learners/{ann}", "ines"),
    "instructor: quiz reports": Visit("/instructor/quizzes", "ines"),
    "instructor: a quiz's overview": Visit("/instructor/quizzes/all-types", "ines"),
    "instructor: a closed quiz's overview": Visit("/instructor/quizzes/two-random", "ines"),
    "instructor: a preview": Visit("/attempts/{preview}?q=1", "ines"),
    "instructor: a preview's summary": Visit("/attempts/{preview}/summary", "ines"),
    "instructor: a quiz's items": Visit("/instructor/quizzes/all-types/items", "ines"),
    "instructor: a document's paragraphs": Visit("/instructor/documents/nato-bih/paragraphs",
                                                 "ines"),
    "instructor: all attempts": Visit("/instructor/attempts", "ines"),
    "authoring: questions": Visit("/instructor/authoring/questions", "ines"),
    "authoring: a question": Visit("/instructor/authoring/questions/t-order", "ines"),
    "authoring: a draft question": Visit("/instructor/authoring/questions/exam-pfp", "ines"),
    "authoring: drafts": Visit("/instructor/authoring/questions?status=draft", "ines"),
    "authoring: a new question": Visit("/instructor/authoring/questions/new", "ines"),
    "authoring: editing a question": Visit("/instructor/authoring/questions/t-match/edit",
                                           "ines"),
    "authoring: quizzes": Visit("/instructor/authoring/quizzes", "ines"),
    "authoring: a new quiz": Visit("/instructor/authoring/quizzes/new", "ines"),
    "authoring: the quiz builder": Visit("/instructor/authoring/quizzes/two-random/build",
                                         "ines"),
    "authoring: documents": Visit("/instructor/authoring/documents", "ines"),
    "authoring: a new document": Visit("/instructor/authoring/documents/new", "ines"),
    "authoring: a new edition": Visit("/instructor/authoring/documents/nato-bih/edition",
                                      "ines"),
    "authoring: import and export": Visit("/instructor/authoring/transfer", "ines"),
    "authoring: jobs": Visit("/instructor/authoring/jobs", "ines"),
    "authoring: a job in progress": Visit("/instructor/authoring/jobs/{running}", "ines"),
    "authoring: a job's result": Visit("/instructor/authoring/jobs/{imported}", "ines"),
    "instructor: a learner's review": Visit("/attempts/{done}/review", "ines"),
    "instructor: an attempt in progress": Visit("/attempts/{open}/review", "ines"),
    "courses: list": Visit("/instructor/courses", "ines"),
    "courses: a new course": Visit("/instructor/courses/new", "ines"),
    "courses: a course": Visit("/instructor/courses/open", "ines"),
    "courses: roster": Visit("/instructor/courses/open/roster", "ines"),
    "courses: roster with errors": Visit("/instructor/courses/open/roster", "ines",
                                         then=roster("x,Too short\n")),
    "courses: roster result": Visit("/instructor/courses/open/roster", "ines",
                                    then=roster("username,display name\ncarla,Carla Diaz\n")),
    "courses: join link": Visit("/join/{join}", "ann"),
    "admin: users": Visit("/admin/users", "root"),
    "error 403": Visit("/instructor/attempts", "ann"),
    "error 404": Visit("/no-such-page"),
    "error 500": Visit("/test-server-error"),
}


def _seed(app) -> dict[str, int]:
    """Ann has two submitted attempts (right, wrong, partial and unanswered; three
    questions missed in both, for practice) and one open."""
    add_user(app, "ann", PASSWORD)
    add_user(app, "ines", PASSWORD, role="instructor")
    add_user(app, "root", PASSWORD, role="admin")
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "ann", "password": PASSWORD,
                                "csrf_token": csrf_token(page.text)})

    def start() -> str:
        page = client.get("/quizzes/all-types")
        return client.post("/quizzes/all-types/start",
                           data={"csrf_token": csrf_token(page.text)}).location

    def answer(url: str, q: int, fields) -> None:
        page = client.get(f"{url}?q={q}")
        seq = re.search(r'name="seq" value="(\d+)"', page.text).group(1)
        if callable(fields):
            fields = fields(page.text)
        client.post(f"{url}?q={q}", data={"csrf_token": csrf_token(page.text), "seq": seq,
                                          "go": "next", **fields})

    done = start()
    for q, fields in {1: choose("2010"), 2: choose("Danish"), 3: {"answer": "false"},
                      4: {"answer": "PSOTC"},
                      6: order("IFOR", "SFOR", "EUFOR Operation Althea"),
                      7: match({"PARP": "PfP Planning and Review Process",
                                "BI": "Building Integrity"})}.items():
        answer(done, q, fields)
    summary = client.get(f"{done}/summary")
    client.post(f"{done}/submit", data={"csrf_token": csrf_token(summary.text)})
    review = client.get(f"{done}/review").text
    again = start()  # single choice wrong again, multiple response and numeric missed again
    answer(again, 1, choose("2010"))
    summary = client.get(f"{again}/summary")
    client.post(f"{again}/submit", data={"csrf_token": csrf_token(summary.text)})
    opened = start()
    answer(opened, 1, choose("2006"))
    imported = _import_job(app)
    with app.app_context():
        ann = db.session.execute(db.select(User.id).filter_by(username="ann")).scalar_one()
        join = db.session.execute(db.select(Course.enrolment_code)).scalar_one()
        ines = db.session.execute(db.select(User.id).filter_by(username="ines")).scalar_one()
        running = Job(kind="import", owner_id=ines, state="running", done=4160, total=20000,
                      title="Import of bulk.gift into Relations with Bosnia and Herzegovina")
        db.session.add(running)
        db.session.commit()
        running = running.id
    preview = _instructor_seed(app)
    return {"ann": ann, "join": join, "done": int(done.rsplit("/", 1)[1]), "preview": preview,
            "running": running, "imported": imported,
            "open": int(opened.rsplit("/", 1)[1]),
            "cite": int(re.search(r'href="/documents/nato-bih\?cite=(\d+)#p12"', review)[1])}


NEW_QUESTION = {"prompt": "When did it join PfP?", "choices-0-text": "2006",
                "choices-1-text": "2010", "answer": "2006", "explanation": "PfP in 2006.",
                "marks": "1", "source-0-paragraph": "12",
                "source-0-quote": "joined the Partnership for Peace (PfP) programme in 2006"}


def _as_ines(app):
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "ines", "password": PASSWORD,
                                "csrf_token": csrf_token(page.text)})
    return client


def _instructor_seed(app) -> int:
    """Ines writes a draft and an exam-only draft, closes two-random and opens a preview."""
    client = _as_ines(app)
    url = "/instructor/authoring/questions/new?document=nato-bih&type=single_choice"
    for key, extra in (("new-pfp", {}), ("exam-pfp", {"exam_only": "y"})):
        page = client.get(url)
        client.post(url, data={"csrf_token": csrf_token(page.text), "action": "save",
                               **{f"edit-{k}": v for k, v in
                                  dict(NEW_QUESTION, key=key, **extra).items()}})
    page = client.get("/instructor/quizzes/two-random")
    client.post("/instructor/authoring/quizzes/two-random/state",
                data={"csrf_token": csrf_token(page.text), "move": "close"})
    preview = client.post("/instructor/authoring/quizzes/all-types/preview",
                          data={"csrf_token": csrf_token(page.text)}).location
    return int(preview.rsplit("/", 1)[1])


def _import_job(app) -> int:
    """An import run as a job (at once, in the tests) by ines: the job's number."""
    client = _as_ines(app)
    page = client.get("/instructor/authoring/transfer")
    gift = b"::year-ifor::When did IFOR begin?{=1995 ~1996 ~2004}\n\n" \
           b"::year-sfor::When did SFOR begin?{=1996 ~1995 ~2004}\n"
    location = client.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
        "file": (io.BytesIO(gift), "forces.gift")}, content_type="multipart/form-data").location
    return int(location.rsplit("/", 1)[1])


def _raise_server_error():
    raise RuntimeError("a deliberate error, to show the 500 page")


@contextmanager
def live_site(tmp: Path):
    """A live server with the all-types bank and seeded attempts: (base URL, path values)."""
    app = make_app(tmp, questions_dir=fixture_library(tmp, "all_types.yaml"), TESTING=False)
    app.add_url_rule("/test-server-error", view_func=_raise_server_error)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    values = _seed(app)
    with serve(app) as base:
        yield base, values


def chromium(**options):
    return shared_chromium(sync_api, **options)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("site")) as value:
        yield value


@pytest.fixture(scope="module")
def browser():
    with chromium() as value:
        yield value


@pytest.fixture(scope="module")
def sessions(browser, site):
    """One logged-in browser context per user (None: nobody logged in), made on first use."""
    base, _ = site
    contexts: dict = {}

    def context_for(user: str | None):
        if user not in contexts:
            context = browser.new_context(viewport=DESKTOP, base_url=base)
            if user:
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("Username").fill(user)
                page.get_by_label("Password").fill(PASSWORD)
                with page.expect_navigation():
                    page.get_by_role("button", name="Log in").click()
                page.close()
            contexts[user] = context
        return contexts[user]

    yield context_for
    for context in contexts.values():
        context.close()


def open_page(sessions, site, kind: str, viewport=None, **media):
    """A new tab showing the page of that kind; returns it with the HTML the server sent."""
    visit = PAGES[kind]
    page = sessions(visit.user).new_page()
    if viewport:
        page.set_viewport_size(viewport)
    if media:
        page.emulate_media(**media)
    sent = {}

    def keep(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            sent["response"] = response

    page.on("response", keep)
    # Script errors and refusals (a Content-Security-Policy's among them) reach the console.
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.goto(visit.path.format(**site[1]))
    if visit.then:
        visit.then(page)
    page.wait_for_load_state("load")
    if sent["response"].status >= 400:  # the browser reports the error page's own status
        page.problems = [p for p in page.problems if not p.startswith("Failed to load resource")]
    return page, sent["response"].text()


KINDS = list(PAGES)


def axe_violations(page) -> str:
    """axe-core's report of WCAG 2.1 A and AA violations on the page; empty when none."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                       "resultTypes": ["violations"]})
    return results.generate_report() if results.violations_count else ""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_axe_violations_at_wcag_21_aa(sessions, site, kind, scheme):
    page, _ = open_page(sessions, site, kind, color_scheme=scheme)
    report = axe_violations(page)
    page.close()
    assert not report, report
    assert not page.problems, "the browser's console shows errors:\n" + "\n".join(page.problems)


def test_every_page_is_valid_html_for_the_nu_checker(sessions, site, tmp_path):
    if not shutil.which("java"):
        unavailable("no Java to run the Nu HTML Checker (apt-get install -y default-jre-headless)")
    if not VNU_JAR.exists():
        unavailable(f"no Nu HTML Checker at {VNU_JAR.relative_to(ROOT)} (npm ci --ignore-scripts)")
    files = []
    for n, kind in enumerate(KINDS):
        page, sent = open_page(sessions, site, kind)
        name = re.sub(r"\W+", "-", kind).strip("-")
        # What the server sent, and the page once the scripts have added their controls.
        for suffix, html in (("sent", sent), ("scripted", page.content())):
            path = tmp_path / f"{n:02d}-{name}-{suffix}.html"
            path.write_text(html, encoding="utf-8")
            files.append(path)
        page.close()
    run = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, "\n".join(errors)
    assert len(files) == 2 * len(KINDS)


TAP_TARGETS = """() => {
  const words = el => el.textContent.replace(/\\s+/g, ' ').trim();
  const small = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    let target = el;
    if (el.matches('input[type=radio], input[type=checkbox]') && el.labels.length) {
      target = el.labels[0];  // the label is what a finger taps
    }
    if (el.matches('a')) {
      // A link inside a sentence is exempt (WCAG 2.5.5's inline exception).
      const block = el.parentElement.closest('p, li, td, th, dd, dt, figcaption, h1, h2, h3, div');
      if (block && words(block) !== words(el)) continue;
    }
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.outerHTML.slice(0, 90)}: ${size}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("kind", KINDS)
def test_phone_pages_never_scroll_sideways_and_tap_targets_are_44_pixels(sessions, site, kind):
    page, _ = open_page(sessions, site, kind, viewport=PHONE, reduced_motion="reduce")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    small = page.evaluate(TAP_TARGETS)
    report = axe_violations(page)  # reflowed, a page can break rules it kept on a desktop
    name = re.sub(r"\W+", "-", kind).strip("-")
    (ARTIFACTS / "phone").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone" / f"{name}.png"))
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.close()
    assert overflow <= 0, f"the page is {overflow}px wider than a 360px screen"
    assert not small, "tap targets under 44x44 pixels:\n" + "\n".join(small)
    assert not report, report


CLIPPED_TABLES = """() => {
  // Every table either fits inside its page, or scrolls inside a region of its own that
  // keyboards can reach, that fits the window, keeps the first column in view and shows
  // a scroll cue. Returns what breaks that rule.
  const found = [];
  const width = document.documentElement.clientWidth;
  const main = document.querySelector("main").getBoundingClientRect();
  for (const table of document.querySelectorAll("main table")) {
    const name = (table.caption || table.querySelector("th") || table).textContent
      .trim().slice(0, 40);
    const region = table.closest(".table-scroll");
    if (!region) {
      const box = table.getBoundingClientRect();
      if (box.right > Math.min(width, main.right) + 1) found.push(`${name}: clipped, no region`);
      continue;
    }
    const style = getComputedStyle(region), box = region.getBoundingClientRect();
    if (box.right > width + 1) found.push(`${name}: its region is wider than the window`);
    if (region.scrollWidth <= region.clientWidth + 1) continue;  // it fits
    if (!["auto", "scroll"].includes(style.overflowX)) found.push(`${name}: does not scroll`);
    if (region.tabIndex < 0 || region.getAttribute("role") !== "region" ||
        !(region.getAttribute("aria-label") || region.getAttribute("aria-labelledby")))
      found.push(`${name}: its region is not a labelled, focusable region`);
    if (style.backgroundImage === "none") found.push(`${name}: no cue that it scrolls`);
    const first = table.querySelector("tbody tr > :first-child");
    if (first && getComputedStyle(first).display !== "block"
        && getComputedStyle(first).position !== "sticky")
      found.push(`${name}: the first column scrolls away`);
  }
  return found;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
@pytest.mark.parametrize("kind", [k for k in KINDS if not k.startswith("error")])
def test_no_table_is_clipped_outside_a_scrollable_region(sessions, site, kind, viewport):
    page, _ = open_page(sessions, site, kind, viewport=viewport)
    clipped = page.evaluate(CLIPPED_TABLES)
    main_width = page.evaluate("document.querySelector('main').clientWidth")
    page.close()
    assert not clipped, "\n".join(clipped)
    if viewport is DESKTOP and PAGES[kind].path.startswith("/instructor/"):
        # Instructors' pages use the window's width, not a column for reading.
        assert main_width >= 1200, f"main is {main_width}px wide in a 1280px window"


@pytest.mark.parametrize("kind", ["document at a cited paragraph", "review"])
def test_document_and_review_print_their_sources_and_answers_without_controls(
        sessions, site, kind):
    page, _ = open_page(sessions, site, kind, media="print")
    shown = page.evaluate("""() => Object.fromEntries(
      ['.site-header', '.site-footer', '.skip-link', 'main', 'mark', '.review-item .verdict',
       '.review-item dl', '.source blockquote', '.document .para']
      .filter(s => document.querySelector(s))
      .map(s => [s, getComputedStyle(document.querySelector(s)).display !== 'none']))""")
    name = re.sub(r"\W+", "-", kind).strip("-")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / f"print-{name}.pdf"), format="A4")
    text = page.evaluate("document.body.innerText")
    page.close()
    assert not shown.pop(".site-header") and not shown.pop(".site-footer")
    assert not shown.pop(".skip-link")
    assert all(shown.values()), shown
    if kind == "review":
        assert "Correct answer" in text and "Incorrect" in text and "paragraph 12" in text
    else:
        assert "joined the Partnership for Peace (PfP) programme in 2006" in text


def test_reduced_motion_turns_off_smooth_scrolling(sessions, site):
    page, _ = open_page(sessions, site, "document", reduced_motion="reduce")
    reduced = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    page.emulate_media(reduced_motion="no-preference")
    moving = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    page.close()
    assert (reduced, moving) == ("auto", "smooth")


@pytest.mark.parametrize("kind", [k for k in KINDS if k.startswith("question: ")])
def test_questions_group_their_choices_and_announce_number_progress_and_saves(
        sessions, site, kind):
    page, _ = open_page(sessions, site, kind)
    facts = page.evaluate("""() => ({
      ungrouped: [...document.querySelectorAll(
          '.question input[type=radio], .question input[type=checkbox], .question select')]
        .filter(el => !el.closest('fieldset') || !el.closest('fieldset').querySelector('legend'))
        .map(el => el.outerHTML),
      title: document.title,
      progress: document.querySelector('.progress').innerText,
      live: [...document.querySelectorAll('[role=status]')].map(el => el.id || el.className),
    })""")
    page.close()
    assert not facts["ungrouped"], facts["ungrouped"]
    n = KINDS.index(kind) - KINDS.index("question: single choice") + 1
    assert facts["title"].startswith(f"Question {n} of 7 · ")  # read first on every page
    assert re.fullmatch(rf"Question {n} of 7 · \d of 7 answered\s*", facts["progress"])
    assert "save-status" in facts["live"]


def test_the_review_says_each_verdict_in_words(sessions, site):
    page, _ = open_page(sessions, site, "review")
    verdicts = page.locator(".verdict strong").all_inner_texts()
    page.close()
    assert verdicts == ["Incorrect", "Partially correct", "Correct", "Correct", "Not answered",
                        "Correct", "Correct"]
