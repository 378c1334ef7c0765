"""The authoring forms speak to the author: the correct choice is a radio beside it,
"Add choice" adds a row without saving, and every error is a sentence about the field
the author sees, never the bank checker's words."""
import re

import pytest

from quiz.entries import check_entry, document_spec
from quiz.extensions import db
from quiz.models import Document, Question, QuestionVersion
from tests.conftest import signed_in
from tests.test_authoring import GOOD, SINGLE, form_data, post_new

NEW = "/instructor/authoring/questions/new?document=nato-bih&type=single_choice"
# SINGLE as a browser sends it from the radio form: three rows, the first one marked.
MARKED = {k: v for k, v in SINGLE.items() if k != "answer"} | {"choices-2-text": "",
                                                                "correct": "0"}
QUOTED_FIELD = re.compile(r"&#39;[a-z_]+&#39; must")  # the bank's "'answer' must be …"


@pytest.fixture
def instructor(typed_app):
    return signed_in(typed_app, "ines", role="instructor")


def versions(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count(QuestionVersion.id))).scalar()


def stored(app, key: str) -> QuestionVersion:
    with app.app_context():
        return db.session.execute(db.select(Question).filter_by(key=key)).scalar_one().current


def error_beside(text: str, field: str) -> str:
    found = re.search(rf'id="edit-{field}-error">([^<]*)<', text)
    assert found, text[text.find("error-summary"):][:3000]
    return found.group(1)


def test_the_form_marks_the_correct_choice_with_a_labelled_radio_in_a_fieldset(instructor):
    text = instructor.get(NEW).text
    assert "<legend>Choices: type each one and mark the correct one</legend>" in text
    for row in range(3):
        assert f'<input type="radio" name="edit-correct" id="edit-correct-{row}" ' \
               f'value="{row}">' in text
        assert f'<label for="edit-correct-{row}"><span class="visually-hidden">Choice ' \
               f'{row + 1} is the </span>correct answer</label>' in text
    assert 'name="edit-answer"' not in text  # no box to retype the choice in
    assert '<button type="submit" name="add_choice" value="1"' in text


def test_the_marked_radio_picks_the_stored_answer_and_the_preview_shows_it(instructor,
                                                                          typed_app):
    preview = post_new(instructor, "single_choice", action="preview",
                       **MARKED | {"correct": "1"})
    assert preview.status_code == 200, preview.text[:3000]
    assert "<dt>Correct answer</dt><dd>2010</dd>" in preview.text
    assert 'id="edit-correct-1" value="1" checked' in preview.text  # still marked
    # The radio wins over an answer typed the old way.
    response = post_new(instructor, "single_choice", **MARKED | {"correct": "1",
                                                                 "answer": "2006"})
    assert response.status_code == 302, response.text[:3000]
    version = stored(typed_app, "new-pfp")
    assert version.data["correct"] == 1
    assert version.data["choices"][version.data["correct"]]["text"] == "2010"
    detail = instructor.get(response.location).text
    assert "<dt>Correct answer</dt><dd>2010</dd>" in detail


def test_an_answer_typed_as_text_still_counts_when_no_radio_is_marked(instructor, typed_app):
    response = post_new(instructor, "single_choice", **SINGLE)  # answer: "2006"
    assert response.status_code == 302
    assert stored(typed_app, "new-pfp").data["correct"] == 0


def test_editing_marks_the_radio_of_the_stored_correct_choice(instructor):
    text = instructor.get("/instructor/authoring/questions/t-single/edit").text
    assert re.findall(r'id="edit-correct-(\d)" value="\d" checked', text) == ["0"]
    assert 'value="2006"' in text and 'value="That is the MAP invitation."' in text


def test_add_choice_returns_the_typing_with_one_more_row_and_writes_nothing(instructor,
                                                                            typed_app):
    before = versions(typed_app)
    page = instructor.get(NEW)
    assert 'name="edit-choices-2-text"' in page.text
    assert 'name="edit-choices-3-text"' not in page.text
    response = instructor.post(NEW, data=form_data(page.text, **MARKED | {"correct": "1"})
                               | {"add_choice": "1"})
    assert response.status_code == 200
    text = response.text
    assert 'name="edit-choices-3-text"' in text and 'name="edit-choices-4-text"' not in text
    assert re.search(r'<input autofocus id="edit-choices-3-text"', text)  # focus: the new row
    assert text.count(" autofocus ") == 1
    assert 'value="2006"' in text and 'value="2010"' in text and 'value="MAP year."' in text
    assert "When did it join PfP?</textarea>" in text
    assert 'id="edit-correct-1" value="1" checked' in text
    assert 'value="new-pfp"' in text and "PfP in 2006.</textarea>" in text
    # Not a save: no error, no summary, nothing written.
    assert "error-summary" not in text and 'class="error"' not in text
    assert versions(typed_app) == before
    with typed_app.app_context():
        assert db.session.execute(db.select(Question).filter_by(key="new-pfp")).first() is None
    # The longer form saves with its new row, the radio on it.
    page = response
    saved = instructor.post(NEW, data=form_data(page.text, action="save", **MARKED | {
        "choices-3-text": "2008", "correct": "3"}))
    assert saved.status_code == 302, saved.text[:3000]
    version = stored(typed_app, "new-pfp")
    assert [c["text"] for c in version.data["choices"]] == ["2006", "2010", "2008"]
    assert version.data["correct"] == 2 and versions(typed_app) == before + 1


def test_add_choice_on_an_existing_question_makes_no_version(instructor, typed_app):
    before = versions(typed_app)
    url = "/instructor/authoring/questions/t-single/edit"
    page = instructor.get(url)
    response = instructor.post(url, data=form_data(page.text, **{
        "prompt": "Changed?", "choices-0-text": "2006", "correct": "0"}) | {"add_choice": "1"})
    assert response.status_code == 200 and "Changed?</textarea>" in response.text
    assert versions(typed_app) == before
    assert stored(typed_app, "t-single").prompt == "In which year did the country join PfP?"


def test_no_radio_and_no_answer_asks_which_choice_is_correct(instructor, typed_app):
    before = versions(typed_app)
    response = post_new(instructor, "single_choice", **MARKED | {"correct": ""})
    assert response.status_code == 400
    assert error_beside(response.text, "correct") == "Choose which choice is correct."
    # Every radio names the message, and the typing is back.
    assert response.text.count('aria-describedby="edit-correct-error"') == 3
    assert 'value="2010"' in response.text and "When did it join PfP?</textarea>" in response.text
    assert not QUOTED_FIELD.search(response.text) and versions(typed_app) == before


@pytest.mark.parametrize("qtype, fields, field, sentence", [
    ("numeric", {"answer": "abc"}, "answer",
     "Enter the answer as a number, such as 1995 or 2.5."),
    ("numeric", {"answer": ""}, "answer", "Enter the answer as a number, such as 1995 or 2.5."),
    ("numeric", {"answer": "5", "tolerance": "abc"}, "tolerance",
     "Tolerance must be a number, 0 or more."),
    ("numeric", {"answer": "5", "marks": "abc"}, "marks", "Marks must be a number above 0."),
    ("numeric", {"answer": "5", "marks": "-2"}, "marks", "Marks must be a number above 0."),
    ("single_choice", {"choices-0-text": "2006", "correct": "0"}, "choices",
     "Give at least two choices."),
    ("single_choice", {"choices-0-text": "2006", "choices-1-feedback": "Why?",
                       "choices-2-text": "2010", "correct": "0"}, "choices",
     "Choice 2 has feedback but no text: type its text or clear the row."),
    ("multiple_response", {"choices-0-text": "A", "choices-1-text": "B",
                           "choices-2-text": "C", "answers": "A\nB\nC"}, "answers",
     "Every choice is given as correct; leave at least one wrong choice."),
    ("multiple_response", {"choices-0-text": "A", "choices-1-text": "B",
                           "choices-2-text": "C"}, "answers",
     "Type the text of every correct choice, one per line."),
    ("short_answer", {"answers": ""}, "answers", "Give at least one accepted answer."),
    ("short_answer", {"answers": "(the)"}, "answers", "“(the)” has no words left"),
    ("true_false", {}, "answer", "Choose whether the statement is true or false."),
    ("ordering", {"items-0-text": "IFOR", "items-1-text": "ifor", "items-2-text": "EUFOR"},
     "items", "Two items have the same text; make each item different."),
    ("ordering", {"items-0-text": "IFOR", "items-1-text": "SFOR", "items-2-text": "EUFOR",
                  "items-3-source-0-paragraph": "10",
                  "items-3-source-0-quote": "Implementation Force (IFOR)"},
     "items", "Item 4 has a source but no text: type its text or clear the row."),
    ("matching", {"pairs-0-left": "PARP", "pairs-0-right": "Planning"}, "pairs",
     "Give at least two pairs, each with both sides filled in."),
    ("matching", {"pairs-0-left": "PARP", "pairs-0-right": "Planning",
                  "pairs-1-left": "parp", "pairs-1-right": "Review"}, "pairs",
     "Two pairs have the same left side; make each one different."),
    ("matching", {"pairs-0-left": "PARP", "pairs-0-right": "Planning",
                  "pairs-1-left": "BI", "pairs-1-right": "Building",
                  "distractors": "planning"}, "pairs",
     "A right-hand answer is written twice, so a match would be ambiguous; make each one "
     "different."),
    ("numeric", {"answer": "5", "explanation": ""}, "explanation",
     "Write the explanation a learner reads in the review."),
    ("numeric", {"answer": "5", "source-0-paragraph": "12", "source-0-quote": ""},
     "source-0-quote", "Copy the words of p12 that prove the answer."),
    ("numeric", {"answer": "5", "source-0-paragraph": "999"}, "source-0-paragraph",
     "There is no paragraph p999: this document has p1 to p"),
])
def test_each_error_is_a_sentence_about_the_field_the_author_sees(instructor, typed_app,
                                                                  qtype, fields, field,
                                                                  sentence):
    before = versions(typed_app)
    response = post_new(instructor, qtype, **{"key": "sentence", **GOOD, **fields})
    assert response.status_code == 400
    assert sentence in error_beside(response.text, field)
    assert not QUOTED_FIELD.search(response.text)
    assert "&#39;answer&#39; must be" not in response.text
    assert versions(typed_app) == before


def test_an_id_already_taken_is_said_beside_the_id(instructor):
    response = post_new(instructor, "single_choice", **MARKED | {"key": "t-single"})
    assert response.status_code == 400
    assert error_beside(response.text, "key") == "The id “t-single” is taken; choose another."


# Entries no form sends but a bank (or an edited form post) may: every problem the checker
# finds has the form's own sentence besides the bank's message.
BROKEN = [
    {"id": "Bad Id", "type": "nope"},
    {"type": "single_choice", "choices": "2006", "marks": True, "tags": "x",
     "status": "gone", "exam_only": "yes", "extra": 1},
    {"id": "b", "type": "single_choice", "choices": [True, ["x"], "a", "a"], "answer": "z",
     "source": "p12"},
    {"id": "c", "type": "multiple_response", "choices": ["a", "b", "c"], "answers": ["d"],
     "source": ["p12"]},
    {"id": "d", "type": "short_answer", "answers": ["(a (b)) c", "(a) (b) (c) (d) (e) f"],
     "source": {"paragraph": 1, "quote": "x"}},
    {"id": "e", "type": "true_false", "answer": "yes", "feedback": {"maybe": "x"},
     "source": {"paragraph": 12, "quote": "joined NATO"}},
    {"id": "f", "type": "numeric", "answer": True, "tolerance": -1,
     "source": {"paragraph": "p", "quote": "x"}},
    {"id": "g", "type": "ordering", "items": ["a", "", "a"]},
    {"id": "h", "type": "ordering", "items": "a"},
    {"id": "i", "type": "matching", "pairs": [{"left": "a"}, {"left": "a", "right": "b"},
                                              {"left": "a", "right": "b"}],
     "distractors": "b"},
    {"id": "j", "type": "matching", "pairs": []},
    {"id": "k", "type": "short_answer", "answers": []},
    {"id": "l", "type": "multiple_response", "choices": ["a", "b", "c"],
     "answers": ["a", "b", "c"]},
]


def test_every_problem_the_checker_finds_has_a_sentence_for_the_form(typed_app):
    with typed_app.app_context():
        document = document_spec(db.session.execute(
            db.select(Document).filter_by(slug="nato-bih")).scalar_one())
        seen = 0
        for entry in BROKEN:
            checked = check_entry({"prompt": "Q?", "explanation": "E.", **entry}, document)
            assert checked.spec is None
            for where, messages in checked.errors.items():
                for message, sentence in zip(messages, checked.sentences[where], strict=True):
                    seen += 1
                    assert sentence != message, (entry, where, message)
                    assert sentence[0].isupper() or sentence[0] in "“p", sentence
                    assert sentence.endswith((".", "?")), sentence
                    assert not re.search(r"'[a-z_]+' must|missing field", sentence), sentence
        assert seen >= 30
