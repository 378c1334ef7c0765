"""Practising the questions a learner keeps missing: an ungraded round, marked as a review
marks, that writes nothing and shows only answers the learner may already see."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer

from quiz.extensions import db
from quiz.models import Attempt, Question, Quiz, Response, utcnow
from quiz.quizsettings import GRACE
from tests.answering import QuestionForm
from tests.conftest import csrf_token
from tests.test_learner_flow import start
from tests.test_query_counts import LIMIT, counting
from tests.test_scores import finish, take

PRACTICE = "/me/progress/practice"
PROMPTS = {
    "t-single": "In which year did the country join PfP?",
    "t-multi": "Which contingents did its ISAF officers serve with?",
    "t-tf": "MAP participation decides membership.",
    "t-short": "Which training centre is NATO-accredited (acronym)?",
    "t-numeric": "How many euros did the 2020 package provide?",
    "t-order": "Order the forces.",
    "t-match": "Match the acronyms.",
}
BUTTON = "Practise these questions"


def asked(html: str) -> set[str]:
    """The keys of the questions a practice page asks."""
    prompts = re.findall(r'<h2 id="q\d+-prompt" class="prompt"><span class="qnum">Question \d+.'
                         r'</span> ([^<]+)</h2>', html)
    by_prompt = {prompt: key for key, prompt in PROMPTS.items()}
    return {by_prompt[p] for p in prompts}


def field(html: str, label: str) -> tuple[str, str]:
    """The name and value of the radio or checkbox labelled ``label``."""
    form = QuestionForm(html)
    found = next(i for i in form.inputs if form.labels.get(i["id"]) == label)
    return found["name"], found["value"]


def round_of(html: str) -> dict:
    return {"csrf_token": csrf_token(html),
            "round": re.search(r'name="round" value="([^"]+)"', html).group(1)}


def set_question(app, key: str, **values) -> None:
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()
        for name, value in values.items():
            setattr(question, name, value)
        db.session.commit()


def hidden_quiz(app, review: str = "never", **settings) -> None:
    """A quiz 'hidden' of the numeric question alone, with that review setting."""
    with app.app_context():
        model = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        db.session.add(Quiz(key="hidden", document_id=model.document_id,
                            course_id=model.course_id, title="Hidden answers",
                            select={"questions": ["t-numeric"]}, review=review, **settings))
        db.session.commit()


def take_blank(client, key: str) -> None:
    """An attempt at the quiz submitted with nothing answered: every question missed."""
    finish(client, start(client, key))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(db.select(db.func.count()).select_from(Attempt)).scalar(),
                db.session.execute(db.select(db.func.count()).select_from(Response)).scalar())


def missed_section(client) -> str:
    page = client.get("/me/progress").text
    return page[page.index('<h2 id="missed">'):]


@pytest.fixture
def ann_misses(typed_app, people):
    """Ann has missed the single choice and multiple response questions twice (and the
    rest once, or never)."""
    take(people["ann"], {3, 4, 5, 6, 7})
    take(people["ann"], {4, 5, 6, 7})
    return people["ann"]


def test_the_button_shows_once_a_question_is_missed_twice(typed_app, people):
    ann = people["ann"]
    take(ann, {2, 3, 4, 5, 6, 7})
    page = ann.get("/me/progress").text
    assert BUTTON not in page and f'action="{PRACTICE}"' not in page
    take(ann, {2, 3, 4, 5, 6, 7})
    page = ann.get("/me/progress").text
    assert f'<form method="get" action="{PRACTICE}">' in page and BUTTON in page


def test_a_round_asks_exactly_the_repeated_misses_it_may_show(typed_app, people):
    ann = people["ann"]
    hidden_quiz(typed_app)
    take(ann, {3, 5, 6, 7})       # misses single, multi, short
    take(ann, {5, 6, 7})          # misses single, multi, true/false, short
    take_blank(ann, "hidden")     # misses numeric twice, where answers are never shown
    take_blank(ann, "hidden")
    set_question(typed_app, "t-short", exam_only=True)
    page = ann.get(PRACTICE)
    assert page.status_code == 200
    assert "Practice is not graded and not recorded." in page.text
    # True/false was missed once, short answer is exam-only, numeric's quiz hides answers.
    assert asked(page.text) == {"t-single", "t-multi"}
    assert page.text.count('<section class="question"') == 2
    # The progress page lists numeric all the same (missed twice), and offers the others.
    progress = ann.get("/me/progress").text
    assert PROMPTS["t-numeric"] in progress and BUTTON in progress
    assert "round of 2 of them" in progress
    # Once the hidden quiz's answers show (after it closes), numeric comes into practice.
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="hidden")).scalar_one()
        quiz.review, quiz.closes_at = "after_close", utcnow() + timedelta(days=1)
        db.session.commit()
    assert asked(ann.get(PRACTICE).text) == {"t-single", "t-multi"}
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="hidden")).scalar_one()
        quiz.closes_at = utcnow() - GRACE - timedelta(seconds=1)
        db.session.commit()
    assert asked(ann.get(PRACTICE).text) == {"t-single", "t-multi", "t-numeric"}
    # A question taken out of use (retired, a draft) leaves practice.
    set_question(typed_app, "t-multi", status="retired")
    assert asked(ann.get(PRACTICE).text) == {"t-single", "t-numeric"}


def test_an_instructors_previews_give_nothing_to_practise(typed_app, people):
    teacher = people["teacher"]
    take_blank(teacher, "all-types")
    take_blank(teacher, "all-types")
    page = teacher.get(PRACTICE)
    assert page.status_code == 200 and "There is nothing to practise" in page.text
    assert 'href="/me/progress">Back to my progress' in page.text
    assert BUTTON not in teacher.get("/me/progress").text


def test_the_practice_page_gives_no_answer_away(typed_app, ann_misses):
    page = ann_misses.get(PRACTICE).text
    start = page.index(f'<form method="post" action="{PRACTICE}"')
    form = page[start:page.index("</form>", start)]
    # No tag says which choice is right or picks one; "correct" is in the instruction only.
    assert not re.search(r"<[^>]*(correct|checked|selected)[^>]*>", form, re.I)
    assert form.lower().count("correct") == 1 and "Choose every correct answer." in form
    assert "2006" in form and "German" in form            # the choices, each a label
    values = [i["value"] for i in QuestionForm(form).inputs]
    assert len(values) == 3 + 4
    assert all(re.fullmatch(r"[0-9a-f]{10}", v) for v in values)   # tokens, not indexes
    assert "PfP in 2006." not in page and "<mark>" not in page     # no explanation, no quote
    # The signed round (readable, not secret) holds whose it is, the seed and the versions.
    issued = URLSafeSerializer(typed_app.secret_key, salt="practice-round").loads(
        round_of(page)["round"])
    assert set(issued) == {"user", "seed", "versions"} and len(issued["versions"]) == 2


def test_checking_marks_each_answer_and_shows_the_review_of_it(ann_misses):
    page = ann_misses.get(PRACTICE).text
    single, right = field(page, "2006")
    multi, danish = field(page, "Danish")
    _, belgian = field(page, "Belgian")
    checked = ann_misses.post(PRACTICE, data={**round_of(page), single: right,
                                              multi: [danish, belgian]})
    assert checked.status_code == 200
    text = " ".join(checked.text.split())
    assert "Practice is not graded and not recorded." in text
    assert "You answered <strong>1 of 2</strong> rightly." in text
    single_item = re.search(r'<li class="review-item status-correct".*?</li>', text).group(0)
    assert PROMPTS["t-single"] in single_item and "<strong>Correct</strong></p>" in single_item
    assert " marks" not in single_item                       # practice earns no marks
    multi_item = re.search(r'<li class="review-item status-incorrect".*?</li>', text).group(0)
    assert PROMPTS["t-multi"] in multi_item
    assert "<dt>Your answer</dt><dd>Danish; Belgian</dd>" in multi_item
    assert "<dt>Correct answer</dt><dd>Danish; German</dd>" in multi_item
    assert "<dt>Explanation</dt><dd>Danish and German.</dd>" in multi_item
    assert re.search(r'<a href="/documents/nato-bih\?cite=\d+#p25">Relations with Bosnia and '
                     r"Herzegovina, paragraph 25</a>", multi_item)
    assert "<mark>as part of the Danish and German contingents</mark>" in multi_item
    # Nothing answered is "not answered", with the answer shown all the same.
    blank = " ".join(ann_misses.post(PRACTICE, data=round_of(page)).text.split())
    assert blank.count("<strong>Not answered</strong>") == 2
    assert "<dt>Correct answer</dt><dd>2006</dd>" in blank


def test_checking_writes_nothing_and_leaves_the_missed_list_as_it_was(typed_app, ann_misses):
    before, missed = counts(typed_app), missed_section(ann_misses)
    for _ in range(2):
        page = ann_misses.get(PRACTICE).text
        single, right = field(page, "2006")
        multi, danish = field(page, "Danish")
        _, german = field(page, "German")
        checked = ann_misses.post(PRACTICE, data={**round_of(page), single: right,
                                                  multi: [danish, german]})
        assert "You answered <strong>2 of 2</strong> rightly." in checked.text
    assert counts(typed_app) == before
    assert missed_section(ann_misses) == missed            # right in practice counts nowhere
    assert asked(ann_misses.get(PRACTICE).text) == {"t-single", "t-multi"}


def test_the_layout_is_the_one_shown_and_each_round_has_its_own(ann_misses):
    first, second = ann_misses.get(PRACTICE).text, ann_misses.get(PRACTICE).text
    assert field(first, "2006")[1] != field(second, "2006")[1]
    # The first page's answer, checked with the first page's round, is right.
    single, right = field(first, "2006")
    checked = ann_misses.post(PRACTICE, data={**round_of(first), single: right})
    assert "<strong>Correct</strong>" in checked.text
    # With the second page's round its tokens name nothing: not answered.
    checked = ann_misses.post(PRACTICE, data={**round_of(second), single: right})
    assert "<strong>Correct</strong>" not in checked.text


def test_another_learners_misses_and_rounds_stay_theirs(typed_app, people, ann_misses):
    bob = people["bob"]
    take(bob, {1, 2, 4, 5, 6, 7})     # bob misses true/false twice
    take(bob, {1, 2, 4, 5, 6, 7})
    assert asked(bob.get(PRACTICE).text) == {"t-tf"}
    assert asked(ann_misses.get(PRACTICE).text) == {"t-single", "t-multi"}
    anns = ann_misses.get(PRACTICE).text
    refused = bob.post(PRACTICE, data={**round_of(anns),
                                       "csrf_token": csrf_token(bob.get(PRACTICE).text)})
    assert refused.status_code == 400
    assert "made for another account" in refused.text
    assert PROMPTS["t-single"] not in refused.text and "2006" not in refused.text


def test_a_check_without_the_csrf_token_is_refused(typed_app, ann_misses):
    page = ann_misses.get(PRACTICE).text
    single, right = field(page, "2006")
    refused = ann_misses.post(PRACTICE, data={"round": round_of(page)["round"], single: right})
    assert refused.status_code == 400 and "CSRF" in refused.text
    assert "2006" not in refused.text


@pytest.mark.parametrize(("change", "message"), [
    (lambda data, app: data.update(round=data["round"][:-2] + "xx"), "was changed"),
    (lambda data, app: data.pop("round"), "was changed"),
    (lambda data, app: data.update(round=URLSafeSerializer(
        "another secret", salt="practice-round").dumps({"user": 1, "seed": 1, "versions": []})),
     "was changed"),
    (lambda data, app: data.update(round=URLSafeSerializer(
        app.secret_key, salt="practice-round").dumps(["not", "a", "round"])),
     "not one this site makes"),
    (lambda data, app: data.update(round=URLSafeSerializer(
        app.secret_key, salt="practice-round").dumps({"user": 1, "seed": 1,
                                                      "versions": [999999]})),
     "names questions this site does not have"),
    (lambda data, app: data.update({"q9-answer": "x"}), "'q9-answer' belongs to no question"),
    (lambda data, app: data.update({"answer": "x"}), "'answer' belongs to no question"),
])
def test_tampered_forms_get_a_400_that_says_what_is_wrong(typed_app, ann_misses, change,
                                                          message):
    page = ann_misses.get(PRACTICE).text
    data = round_of(page)
    change(data, typed_app)
    refused = ann_misses.post(PRACTICE, data=data)
    assert refused.status_code == 400
    assert message in html.unescape(refused.text) and "Error 400" in refused.text


def test_a_round_asks_at_most_twenty_and_says_how_many_are_left_out(typed_app, people,
                                                                     monkeypatch):
    monkeypatch.setattr("quiz.practice.LIMIT", 1)
    ann = people["ann"]
    take(ann, {3, 4, 5, 6, 7})
    take(ann, {4, 5, 6, 7})
    page = " ".join(ann.get(PRACTICE).text.split())
    assert len(asked(page)) == 1
    assert "A round asks at most 1: 1 more is left out of this one." in page


def test_a_round_asks_the_current_version_of_a_question(typed_app, ann_misses):
    questions = typed_app.config["QUESTIONS_DIR"]
    bank = __import__("pathlib").Path(questions) / "nato-bih" / "all_types.yaml"
    bank.write_text(bank.read_text().replace('"2004"]', '"2003"]'))
    assert typed_app.test_cli_runner().invoke(args=["bank", "load"]).exit_code == 0
    page = ann_misses.get(PRACTICE).text
    single, right = field(page, "2006")
    assert field(page, "2003") and "2004" not in page
    checked = ann_misses.post(PRACTICE, data={**round_of(page), single: right})
    assert "<strong>Correct</strong>" in checked.text


def test_practice_pages_run_a_handful_of_statements(typed_app, ann_misses):
    with counting(typed_app) as shown:
        page = ann_misses.get(PRACTICE).text
    single, right = field(page, "2006")
    with counting(typed_app) as checked:
        ann_misses.post(PRACTICE, data={**round_of(page), single: right})
    assert len(shown) <= LIMIT and len(checked) <= LIMIT
