"""A question type is one module and one template: dropped in, it works everywhere.

The test drops a throwaway type ("year": type the year an event happened) into the types
package's folder list and its template into the template search path, as a new type's
two files would be, then checks a bank with it, loads it, writes one in the browser,
takes it, reviews it and exports its responses.
"""
import csv
import io
import sys
import textwrap

import pytest

import quiz.types
from quiz.types import QUESTION_TYPES, discover
from tests.conftest import add_user, csrf_token, fixture_library, log_in, make_app
from tests.test_learner_flow import answer, register, start

MODULE = '''
"""Year: the year an event happened, typed in."""
from wtforms import StringField

from . import QuestionType, register, text_of
from .forms import QuestionForm
from .lint import WARNING, Secret, words


class YearForm(QuestionForm):
    type_name = "year"
    year = StringField("The year")

    def own_entry(self):
        return {"year": (self.year.data or "").strip()}

    def fill_own(self, entry):
        self.year.data = text_of(entry.get("year"))


@register
class Year(QuestionType):
    name = "year"
    label = "Year"
    fields = frozenset({"year"})
    abbreviation = "YR"
    form_class = YearForm

    def check(self, entry, report):
        if not text_of(entry.get("year")).isdigit():
            report("'year' must be a year, such as 1995", "year")

    def data(self, entry):
        return {"year": int(text_of(entry["year"]))}

    def entry(self, data):
        return {"year": data["year"]}

    def view(self, data, layout, answer):
        return {"value": "" if answer is None else answer}

    def read_answer(self, data, layout, form):
        typed = (form.get("answer") or "").strip()
        return int(typed) if typed.isdigit() else None

    def grade(self, data, answer):
        return 1.0 if answer == data["year"] else 0.0

    def describe(self, data, answer):
        return "" if answer is None else str(answer)

    def correct(self, data):
        return str(data["year"])

    def simulate(self, data, layout, rng, right):
        return data["year"] if right else data["year"] + 1

    # Its own lint: the year it asks for, seen elsewhere, gives it away; a far-off
    # year is a cue.
    def secrets(self, data, prompt):
        return [Secret("recall", str(data["year"]), words(str(data["year"])))]

    def cues(self, data, prompt):
        if data["year"] < 1900:
            return [(WARNING, f"the year {data['year']} is before the document's time")]
        return []
'''

TEMPLATE = '''
{% macro question(view) -%}
<div class="field">
  <label for="answer">The year</label>
  <input type="text" name="answer" id="answer" value="{{ view.value }}" inputmode="numeric">
</div>
{%- endmacro %}
'''

BANK = '''
document: nato-bih
questions:
  - id: pfp-year
    type: year
    prompt: In which year did the country join the Partnership for Peace?
    year: 2006
    explanation: It joined PfP in December 2006.
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
quizzes:
  - id: years
    title: Years
    select: {questions: [pfp-year]}
'''


@pytest.fixture
def year_type(tmp_path):
    """The year type's module and template, dropped in; taken out again afterwards."""
    package = tmp_path / "types"
    (package / "types").mkdir(parents=True)
    (package / "year.py").write_text(textwrap.dedent(MODULE))
    (package / "types" / "year.html").write_text(TEMPLATE)
    quiz.types.__path__.append(str(package))
    discover()
    yield package
    quiz.types.__path__.remove(str(package))
    QUESTION_TYPES.pop("year", None)
    sys.modules.pop("quiz.types.year", None)


def test_a_type_dropped_in_is_checked_loaded_written_taken_reviewed_and_exported(
        tmp_path, year_type):
    assert "year" in QUESTION_TYPES
    questions = fixture_library(tmp_path)
    (questions / "nato-bih" / "years.yaml").write_text(BANK)
    app = make_app(tmp_path, questions_dir=questions)
    app.jinja_loader.searchpath.append(str(year_type))
    runner = app.test_cli_runner()
    # Checked: its own field is known, and its rule applies.
    assert runner.invoke(args=["bank", "check"]).exit_code == 0
    (questions / "nato-bih" / "bad.yaml").write_text(
        BANK.replace("year: 2006", "year: soon\n    colour: red").replace("pfp-year", "bad")
        .replace("id: years", "id: bad-years"))
    checked = runner.invoke(args=["bank", "check"])
    assert checked.exit_code == 1
    assert "'year' must be a year" in checked.output and "colour" in checked.output
    (questions / "nato-bih" / "bad.yaml").unlink()
    # Loaded.
    assert runner.invoke(args=["init"]).exit_code == 0, runner.invoke(args=["init"]).output
    # Written in the browser: the form shows the type's own field.
    add_user(app, "ines", role="instructor")
    teacher = app.test_client()
    log_in(teacher, "ines")
    url = "/instructor/authoring/questions/new?document=nato-bih&type=year"
    page = teacher.get(url)
    assert page.status_code == 200 and 'name="edit-year"' in page.text
    saved = teacher.post(url, data={
        "csrf_token": csrf_token(page.text), "action": "save", "edit-key": "ifor-year",
        "edit-prompt": "In which year was IFOR deployed?", "edit-year": "1995",
        "edit-explanation": "IFOR was deployed in December 1995.", "edit-marks": "1",
        "edit-source-0-paragraph": "10",
        "edit-source-0-quote": "Implementation Force (IFOR) was deployed in December 1995"})
    assert saved.status_code == 302, saved.text
    # Taken and reviewed.
    learner = app.test_client()
    register(learner)
    attempt_url = start(learner, "years")
    assert 'id="answer"' in learner.get(attempt_url).text
    answer(learner, attempt_url, 1, {"answer": "2006"})
    summary = learner.get(f"{attempt_url}/summary")
    learner.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    review = " ".join(learner.get(f"{attempt_url}/review").text.split())
    assert "<strong>Correct</strong>" in review and "<dd>2006</dd>" in review
    # Exported.
    exported = runner.invoke(args=["export", "responses"]).output
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert any(r.get("answer") == "2006" for r in rows), rows[:1]
    coverage = runner.invoke(args=["bank", "coverage"]).output
    assert "YR" in coverage


ANCIENT = """  - id: ancient-year
    type: year
    prompt: In which year was the country first at peace?
    year: 1066
    explanation: It is a trick question.
    source: {paragraph: 12, quote: joined the Partnership for Peace (PfP) programme in 2006}
quizzes:"""


def test_a_type_dropped_in_brings_its_own_lint(tmp_path, year_type):
    questions = fixture_library(tmp_path)
    (questions / "nato-bih" / "years.yaml").write_text(
        BANK.replace("title: Years", "title: Years\n    description: Events of 2006")
        .replace("quizzes:", ANCIENT))
    app = make_app(tmp_path, questions_dir=questions)
    linted = app.test_cli_runner().invoke(args=["bank", "lint"])
    assert linted.exit_code == 1, linted.output
    assert ("quiz 'years': error: its description shows the keyed answer '2006' of question "
            "'pfp-year'") in linted.output
    assert "question 'ancient-year': warning: the year 1066 is before the document's time" \
        in linted.output
