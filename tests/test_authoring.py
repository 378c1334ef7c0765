"""Instructors write, preview, version and retire questions, and edit quizzes, in the browser."""
import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from quiz.extensions import db
from quiz.models import Attempt, Question, QuestionVersion, Quiz
from tests.answering import choose
from tests.conftest import add_user, csrf_token, log_in, signed_in
from tests.test_learner_flow import answer, start

P12_QUOTE = "joined the Partnership for Peace (PfP) programme in 2006"


@pytest.fixture
def instructor(typed_app):
    return signed_in(typed_app, "ines", role="instructor")


def form_data(page_html: str, **fields) -> dict:
    data = {"csrf_token": csrf_token(page_html)}
    data.update({f"edit-{k}" if not k.startswith(("action", "csrf")) else k: v
                 for k, v in fields.items()})
    return data


SINGLE = {"key": "new-pfp", "prompt": "When did it join PfP?",
          "choices-0-text": "2006", "choices-1-text": "2010", "choices-1-feedback": "MAP year.",
          "answer": "2006", "explanation": "PfP in 2006.", "tags": "dates, pfp",
          "marks": "2", "source-0-paragraph": "12", "source-0-quote": P12_QUOTE}


def post_new(client, qtype, action="save", **fields):
    url = f"/instructor/authoring/questions/new?document=nato-bih&type={qtype}"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data=form_data(page.text, action=action, **fields))


def test_creating_a_single_choice_question_saves_a_draft_first_version(instructor, typed_app):
    response = post_new(instructor, "single_choice", **SINGLE)
    assert response.status_code == 302, response.text
    assert response.location.endswith("/instructor/authoring/questions/new-pfp")
    page = instructor.get(response.location).text
    assert "Question &#39;new-pfp&#39; created as a draft" in page
    assert "Version 1 (current)" in page and ">Publish</button>" in page
    assert f"<mark>{P12_QUOTE}</mark>" in page
    with typed_app.app_context():
        q = db.session.execute(db.select(Question).filter_by(key="new-pfp")).scalar_one()
        assert q.status == "draft" and q.current.marks == 2
        assert q.current.data["choices"][1] == {"text": "2010", "feedback": "MAP year."}
        assert q.current.tags == ["dates", "pfp"] and q.current.origin == "browser: ines"
        assert q.current.citations[0].paragraph_text.startswith("Bosnia and Herzegovina joined")


@pytest.mark.parametrize("change, field, message", [
    ({"source-0-quote": "joined NATO in 1999"}, "source-0-quote",
     'The quote is not in p12: &#34;joined NATO in 1999&#34;. Copy it word for word'),
    ({"answer": ""}, "correct", "Choose which choice is correct."),
    ({"answer": "1999"}, "correct", "The answer “1999” must be one of the choices above"),
    ({"source-0-paragraph": "", "source-0-quote": ""}, "source-0-quote",
     "Choose the paragraph that proves the answer and copy the words that prove it."),
    ({"key": "Bad Id"}, "key", "Write the id in lower-case letters"),
])
def test_form_errors_come_back_beside_their_field_with_the_input(instructor, change, field,
                                                                 message):
    response = post_new(instructor, "single_choice", **{**SINGLE, **change})
    assert response.status_code == 400
    text = response.text
    assert "The question was not saved" in text
    error = re.search(rf'id="edit-{field}-error">([^<]*)<', text)
    assert error and message in error.group(1), text[text.find("error-summary"):][:3000]
    assert 'value="When did it join PfP?"' not in text  # a textarea keeps it as content
    assert "When did it join PfP?</textarea>" in text


QUOTE25 = "as part of the Danish and German contingents"
GOOD = {"prompt": "Which?", "explanation": "Because.", "source-0-paragraph": "25",
        "source-0-quote": QUOTE25}


@pytest.mark.parametrize("qtype, fields, field, message", [
    ("single_choice", {"choices-0-text": "Danish", "choices-1-text": "danish",
                       "answer": "Danish"}, "choices", "“danish” is written twice"),
    ("single_choice", {**SINGLE, "prompt": ""}, "prompt", "Write the prompt"),
    ("single_choice", {**SINGLE, "marks": "0"}, "marks", "Marks must be a number above 0."),
    ("single_choice", {**SINGLE, "source-0-paragraph": "1"}, "source-0-paragraph",
     "p1 is a heading; choose the paragraph that states the fact."),
    ("single_choice", {**SINGLE, "source-0-paragraph": ""}, "source-0-paragraph",
     "Choose the paragraph whose words prove the answer."),
    ("multiple_response", {"choices-0-text": "Danish", "choices-1-text": "German",
                           "choices-2-text": "Belgian", "answers": "Danish\nDutch"},
     "answers", "“Dutch” is not one of the choices above"),
    ("short_answer", {"answers": "PSOTC\n(the (PSOTC))"}, "answers",
     "brackets mark optional words: close each one you open"),
    ("numeric", {"answer": "many", "tolerance": "0"}, "answer",
     "Enter the answer as a number, such as 1995 or 2.5."),
    ("numeric", {"answer": "5", "tolerance": "-1"}, "tolerance",
     "Tolerance must be a number, 0 or more."),
    ("true_false", {"feedback_true": "No."}, "answer",
     "Choose whether the statement is true or false."),
    ("ordering", {"items-0-text": "IFOR", "items-1-text": "SFOR"}, "items",
     "Give at least three items, in their correct order."),
    ("ordering", {"items-0-text": "IFOR", "items-1-text": "SFOR", "items-2-text": "EUFOR",
                  "items-0-source-0-paragraph": "10", "items-0-source-0-quote": "KFOR"},
     "items-0-source-0-quote", "The quote of item 1 is not in p10"),
    ("matching", {"pairs-0-left": "PARP", "pairs-0-right": "Planning and Review",
                  "pairs-1-left": "BI", "pairs-1-right": "Building Integrity",
                  "pairs-2-left": "SPS"}, "pairs", "Pair 3 needs both sides"),
])
def test_each_kind_of_error_is_shown_beside_its_field(instructor, qtype, fields, field,
                                                      message):
    response = post_new(instructor, qtype, **{
        "key": f"e-{qtype.replace('_', '-')}", **GOOD, **fields})
    assert response.status_code == 400
    error = re.search(rf'id="edit-{field}-error">([^<]*)<', response.text)
    assert error and message in error.group(1), \
        response.text[response.text.find("error-summary"):][:3000]
    # The sentence speaks of the form's field, never of the bank file's ('answer' must be).
    assert not re.search(r"&#39;[a-z_]+&#39; must", response.text)


def test_every_type_can_be_created_through_its_form(instructor, typed_app):
    quote25 = "as part of the Danish and German contingents"
    cases = {
        "multiple_response": {"choices-0-text": "Danish", "choices-1-text": "German",
                              "choices-2-text": "Belgian", "answers": "Danish\nGerman"},
        "true_false": {"answer": "false", "feedback_true": "No."},
        "short_answer": {"answers": "PSOTC\nthe PSOTC"},
        "numeric": {"answer": "500000", "tolerance": "0", "unit": "EUR"},
        "ordering": {"items-0-text": "IFOR", "items-0-source-0-paragraph": "10",
                     "items-0-source-0-quote": "Implementation Force (IFOR)",
                     "items-1-text": "SFOR", "items-2-text": "EUFOR"},
        "matching": {"pairs-0-left": "PARP", "pairs-0-right": "Planning and Review",
                     "pairs-1-left": "BI", "pairs-1-right": "Building Integrity",
                     "distractors": "Science for Peace"},
    }
    for qtype, fields in cases.items():
        response = post_new(instructor, qtype, key=f"n-{qtype.replace('_', '-')}",
                            prompt=f"A {qtype} question?", explanation="Because.",
                            **{"source-0-paragraph": "25", "source-0-quote": quote25}, **fields)
        assert response.status_code == 302, (qtype, response.text[:2000])
    with typed_app.app_context():
        ordering = db.session.execute(db.select(Question).filter_by(
            key="n-ordering")).scalar_one().current
        assert ordering.data == {"items": ["IFOR", "SFOR", "EUFOR"]}
        assert [(c.part, c.paragraph.number) for c in ordering.citations] == [
            ("", 25), ("item 1", 10)]
        numeric = db.session.execute(db.select(Question).filter_by(
            key="n-numeric")).scalar_one().current
        assert numeric.data == {"answer": 500000, "tolerance": 0, "unit": "EUR"}


def test_preview_shows_the_question_as_a_learner_sees_it_and_its_review(instructor, typed_app):
    response = post_new(instructor, "single_choice", action="preview", **SINGLE)
    assert response.status_code == 200
    text = response.text
    assert "As a learner sees it" in text and 'type="radio" name="answer"' in text
    assert "In the review" in text and f"<mark>{P12_QUOTE}</mark>" in text
    with typed_app.app_context():  # a preview saves nothing
        assert db.session.execute(db.select(Question).filter_by(key="new-pfp")).first() is None
    # A preview of a form with a mistake says the preview, not a save, is what failed.
    broken = post_new(instructor, "single_choice", action="preview",
                      **dict(SINGLE, answer="1999"))
    assert broken.status_code == 400
    assert "Preview not shown: fix the fields below" in broken.text
    assert "The question was not saved" not in broken.text


def test_editing_makes_a_new_version_and_old_attempts_keep_theirs(instructor, typed_app):
    add_user(typed_app, "ann")
    learner = typed_app.test_client()
    log_in(learner, "ann")
    attempt_url = start(learner)
    answer(learner, attempt_url, 1, choose("2006"))
    summary = learner.get(f"{attempt_url}/summary")
    learner.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})

    page = instructor.get("/instructor/authoring/questions/t-single/edit")
    assert 'value="2006"' in page.text and "In which year did the country join PfP?" in page.text
    data = {k: v for k, v in re.findall(r'name="(edit-[^"]+)"[^>]*value="([^"]*)"', page.text)}
    data["edit-correct"] = re.search(
        r'name="edit-correct" id="[^"]+" value="(\d+)" checked', page.text)[1]
    data.update({"edit-prompt": "In which year did Bosnia and Herzegovina join PfP?",
                 "edit-explanation": "PfP in 2006.", "csrf_token": csrf_token(page.text),
                 "edit-source-0-paragraph": "12", "edit-source-0-quote": P12_QUOTE,
                 "action": "save"})
    response = instructor.post("/instructor/authoring/questions/t-single/edit", data=data)
    assert response.status_code == 302, response.text[:3000]
    detail = instructor.get(response.location).text
    assert "Saved as version 2." in detail and "Version 2 (current)" in detail
    assert "<del>-prompt: In which year did the country join PfP?</del>" in detail
    assert "<ins>+prompt: In which year did Bosnia and Herzegovina join PfP?</ins>" in detail
    with typed_app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key="t-single")).scalar_one()
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        assert question.current.number == 2
        assert attempt.responses[0].version.number == 1
    review = learner.get(f"{attempt_url}/review").text
    assert "In which year did the country join PfP?" in review
    # Saving again unchanged makes no version.
    response = instructor.post("/instructor/authoring/questions/t-single/edit", data=data)
    assert "Nothing changed" in instructor.get(response.location).text


def test_retired_questions_leave_new_attempts_and_can_come_back(instructor, typed_app):
    page = instructor.get("/instructor/authoring/questions/t-single")
    instructor.post("/instructor/authoring/questions/t-single/retire",
                    data={"csrf_token": csrf_token(page.text)})
    listing = instructor.get("/instructor/authoring/questions?status=retired").text
    assert "t-single" in listing and "t-multi" not in listing
    add_user(typed_app, "ann")
    learner = typed_app.test_client()
    log_in(learner, "ann")
    start(learner)
    with typed_app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        assert len(attempt.responses) == 6
    instructor.post("/instructor/authoring/questions/t-single/restore",
                    data={"csrf_token": csrf_token(page.text)})
    with typed_app.app_context():
        assert db.session.execute(db.select(Question.status).filter_by(
            key="t-single")).scalar() == "active"


def test_question_list_filters_sorts_and_pages(instructor):
    text = instructor.get("/instructor/authoring/questions?document=nato-bih").text
    assert "7 questions." in text
    # Sections by their headings' words, in the document's order; the slug is the value.
    assert '<option value="evolution-of-relations">Evolution of relations</option>' in text
    assert text.index(">Evolution of relations</option>") \
        < text.index(">Key areas of cooperation</option>")
    assert '<td data-label="Section">Evolution of relations</td>' in text
    text = instructor.get("/instructor/authoring/questions?type=numeric").text
    assert "1 question." in text and "t-numeric" in text
    text = instructor.get("/instructor/authoring/questions?paragraph=12").text
    assert "t-single" in text and "t-tf" in text and "t-numeric" not in text
    text = instructor.get("/instructor/authoring/questions?q=contingents").text
    assert "t-multi" in text and "1 question." in text
    text = instructor.get("/instructor/authoring/questions?sort=id&dir=desc").text
    assert text.index("t-tf") < text.index("t-single")


def test_quote_check_answers_as_you_type(instructor):
    url = "/instructor/authoring/documents/nato-bih/quote-check"
    found = instructor.get(url, query_string={"paragraph": "12", "quote": "PfP"}).json
    assert found["found"] and found["text"].startswith("Bosnia and Herzegovina joined")
    missing = instructor.get(url, query_string={"paragraph": "12", "quote": "Mars"}).json
    assert not missing["found"] and "Not found in p12" in missing["message"]


def test_quiz_editor_creates_and_edits_quizzes_with_settings(instructor, typed_app):
    page = instructor.get("/instructor/authoring/quizzes/new")
    data = {"csrf_token": csrf_token(page.text), "key": "pfp-quiz", "title": "PfP",
            "document": "nato-bih", "rule": "questions", "questions": "t-single\nt-tf",
            "shuffle_questions": "y", "grading": "last", "time_limit": "15",
            "attempts": "3", "review": "after_close", "closes": "2030-01-01 10:00"}
    response = instructor.post("/instructor/authoring/quizzes/new", data=data)
    assert response.status_code == 302, response.text[:3000]
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="pfp-quiz")).scalar_one()
        assert quiz.select == {"questions": ["t-single", "t-tf"]}
        assert (quiz.grading_method, quiz.time_limit, quiz.attempts_allowed, quiz.review) == (
            "last", 15, 3, "after_close")
        assert quiz.shuffle_questions and not quiz.shuffle_choices
    bad = dict(data, key="other", questions="t-single\nnope", review="after_close", closes="")
    response = instructor.post("/instructor/authoring/quizzes/new", data=bad)
    assert response.status_code == 400
    assert "needs a &#39;closes&#39; date" in response.text
    bad = dict(data, key="other", rule="questions", questions="t-single\nnope")
    response = instructor.post("/instructor/authoring/quizzes/new", data=bad)
    assert "not published questions of this document: nope" in response.text
    bad = dict(data, key="other", rule="questions", questions="t-single\nt-singel")
    response = instructor.post("/instructor/authoring/quizzes/new", data=bad)
    assert ("not published questions of this document: t-singel (did you mean "
            "&#39;t-single&#39;?)") in response.text
    bad = dict(data, key="other", rule="all", count="50")
    response = instructor.post("/instructor/authoring/quizzes/new", data=bad)
    assert "asks for 50 questions but the selection has 7" in response.text
    edit = instructor.get("/instructor/authoring/quizzes/pfp-quiz/edit")
    assert 'value="15"' in edit.text and "t-single\nt-tf</textarea>" in edit.text
    response = instructor.post("/instructor/authoring/quizzes/pfp-quiz/edit",
                               data=dict(data, attempts="0", review="never", closes=""))
    assert response.status_code == 302
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="pfp-quiz")).scalar_one()
        assert (quiz.attempts_allowed, quiz.review, quiz.closes_at) == (0, "never", None)


def test_version_preview_shows_an_old_version(instructor):
    text = instructor.get("/instructor/authoring/questions/t-single/versions/1").text
    assert "t-single, version 1" in text and "As a learner sees it" in text
    assert instructor.get("/instructor/authoring/questions/t-single/versions/9").status_code \
        == 404


def test_versions_rows_are_immutable_once_written(instructor, typed_app):
    with typed_app.app_context():
        before = db.session.execute(db.select(QuestionVersion.id, QuestionVersion.prompt)
                                    ).all()
    post_new(instructor, "single_choice", **SINGLE)
    with typed_app.app_context():
        after = db.session.execute(db.select(QuestionVersion.id, QuestionVersion.prompt)).all()
        assert set(before) <= set(after) and len(after) == len(before) + 1


class _FormScraper(HTMLParser):
    """The fields a browser would submit from the editor form, as rendered."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea = self._select = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "question-editor" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n")
                                else value))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def test_every_seed_question_survives_its_edit_form_unchanged(app):
    """Opening the editor and saving makes no new version: the forms lose nothing."""
    add_user(app, "ines", role="instructor")
    client = app.test_client()
    log_in(client, "ines")
    with app.app_context():
        keys = db.session.execute(db.select(Question.key)).scalars().all()
    assert len(keys) > 100
    for key in keys:
        page = client.get(f"/instructor/authoring/questions/{key}/edit")
        scraper = _FormScraper()
        scraper.feed(page.text)
        data = MultiDict(scraper.fields + [("action", "save")])
        response = client.post(f"/instructor/authoring/questions/{key}/edit", data=data)
        assert response.status_code == 302, (key, response.text[:3000])
        assert "Nothing changed" in client.get(response.location).text, key


def test_out_of_range_input_gets_a_message_not_a_server_error(instructor):
    url = "/instructor/authoring/documents/nato-bih/quote-check"
    huge = "9" * 30
    assert instructor.get(url, query_string={"paragraph": huge, "quote": "x"}).json == {
        "found": False, "text": "", "message": "Choose a paragraph."}
    assert instructor.get(f"/instructor/authoring/questions/t-single/versions/{huge}"
                          ).status_code == 404
    response = post_new(instructor, "single_choice", **{**SINGLE, "marks": "1e999"})
    assert response.status_code == 400 and "Marks must be a number above 0." in response.text
    page = instructor.get("/instructor/authoring/quizzes/new")
    response = instructor.post("/instructor/authoring/quizzes/new", data={
        "csrf_token": csrf_token(page.text), "key": "huge", "title": "Huge",
        "document": "nato-bih", "rule": "all", "grading": "highest", "review": "immediately",
        "time_limit": "99999999", "attempts": "0"})
    assert response.status_code == 400
    assert "&#39;time_limit&#39; must be at most 10080" in response.text


def test_the_document_list_counts_drafts_apart_from_published_questions(instructor):
    post_new(instructor, "single_choice", **SINGLE)         # a draft until published
    listing = " ".join(instructor.get("/instructor/authoring/documents").text.split())
    assert re.search(r'status=active">7 published questions of nato-bih</a> · <a href="[^"]*'
                     r'status=draft">1 draft</a>', listing)


def test_a_new_question_left_without_an_id_gets_one_from_its_prompt(instructor):
    first = post_new(instructor, "single_choice", **dict(SINGLE, key=""))
    assert first.location.endswith("/instructor/authoring/questions/when-did-it-join-pfp")
    again = post_new(instructor, "single_choice", **dict(SINGLE, key=""))
    assert again.location.endswith("/instructor/authoring/questions/when-did-it-join-pfp-2")
