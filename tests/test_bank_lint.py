"""`flask bank lint`: giveaways, duplicates, cues and quiz shape, in the checker's form."""
from __future__ import annotations

import json
import textwrap

import pytest

from quiz.banklint import ERROR, Item, QuizItem, lint
from quiz.extensions import db
from quiz.models import Question
from tests.conftest import SEED, add_user, log_in, make_app
from tests.test_authoring import SINGLE, form_data

P12 = "joined the Partnership for Peace (PfP) programme in 2006"
P23 = "Peace Support Operations Training Centre (PSOTC)"
P31 = "for the amount of EUR 500,000"


ALL = "- {id: all, title: All, select: {all: true}}"


def library(tmp_path, questions: str, quizzes: str = ALL):
    """A questions folder: the seed document and one bank of these questions and quizzes."""
    folder = tmp_path / "questions" / "nato-bih"
    folder.mkdir(parents=True)
    for name in ("source.txt", "document.yaml"):
        (folder / name).write_bytes((SEED.parent / name).read_bytes())
    (folder / "bank.yaml").write_text(
        "document: nato-bih\nquestions:\n" + textwrap.indent(questions, "  ")
        + "quizzes:\n" + textwrap.indent(textwrap.dedent(quizzes), "  "), encoding="utf-8")
    return tmp_path / "questions"


def run_lint(tmp_path, questions, quizzes=None, *args):
    folder = library(tmp_path, questions, *([quizzes] if quizzes else []))
    app = make_app(tmp_path, questions_dir=folder)
    result = app.test_cli_runner().invoke(args=["bank", "lint", *args])
    return result, str(folder / "nato-bih" / "bank.yaml")


PFP_YEAR = f"""
- id: pfp-year
  type: numeric
  prompt: In which year did the country join the Partnership for Peace?
  answer: 2006
  explanation: In 2006.
  source: {{paragraph: 12, quote: "{P12}"}}
"""
SAYS_2006 = f"""
- id: says-2006
  type: single_choice
  prompt: Which programme did the country join in 2006?
  choices: [Partnership for Peace, Membership Action Plan, Building Integrity]
  answer: Partnership for Peace
  explanation: PfP.
  source: {{paragraph: 12, quote: "{P12}"}}
"""


def test_a_prompt_showing_another_question_s_answer_is_an_error_in_the_checker_s_form(tmp_path):
    result, bank = run_lint(tmp_path, PFP_YEAR + SAYS_2006)
    assert result.exit_code == 1
    assert (f"{bank}:11: question 'says-2006': error: its prompt shows the keyed answer '2006' "
            f"of question 'pfp-year' ({bank}:4), which can be drawn into the same attempt"
            in result.output), result.output
    # and the other way round: the year question names the programme the other one asks for
    assert (f"{bank}:4: question 'pfp-year': error: its prompt shows the keyed choice "
            f"'Partnership for Peace' of question 'says-2006'") in result.output
    assert result.output.rstrip().endswith("2 errors, 0 warnings.")


def test_no_giveaway_between_questions_no_quiz_draws_together(tmp_path):
    quizzes = """
    - {id: one, title: One, select: {questions: [pfp-year]}}
    - {id: two, title: Two, select: {questions: [says-2006]}}
    - {id: quick, title: Quick, select: {all: true, count: 1}}
    """
    result, _ = run_lint(tmp_path, PFP_YEAR + SAYS_2006, quizzes)
    assert result.exit_code == 0, result.output
    assert "giveaway" not in result.output and "0 errors" in result.output


def test_recall_answers_may_not_be_offered_even_as_choices(tmp_path):
    acronym = f"""
    - id: psotc
      type: short_answer
      prompt: What is the acronym of the country's NATO-accredited training centre?
      answers: [PSOTC]
      explanation: PSOTC.
      source: {{paragraph: 23, quote: "{P23}"}}
    - id: acronyms
      type: matching
      prompt: Match each acronym with its name.
      pairs:
        - left: PSOTC
          right: Peace Support Operations Training Centre
          source: {{paragraph: 23, quote: "{P23}"}}
        - left: BI
          right: Building Integrity
          source: {{paragraph: 23, quote: Building Integrity (BI)}}
      explanation: Both are spelled out.
      source: {{paragraph: 23, quote: "{P23}"}}
    """
    result, _ = run_lint(tmp_path, textwrap.dedent(acronym))
    assert "question 'acronyms': error: its pair shows the keyed answer 'PSOTC' of question " \
        "'psotc'" in result.output, result.output


def test_a_keyed_choice_offered_elsewhere_as_an_option_is_no_giveaway(tmp_path):
    other = f"""
    - id: joined-first
      type: single_choice
      prompt: Which did the country join first?
      choices: [Membership Action Plan, Partnership for Peace, Building Integrity]
      answer: Partnership for Peace
      explanation: PfP came first.
      source: {{paragraph: 12, quote: "{P12}"}}
    """
    result, _ = run_lint(tmp_path, SAYS_2006 + textwrap.dedent(other))
    assert result.exit_code == 0, result.output
    assert "giveaway" not in result.output, result.output


def test_a_quiz_description_naming_an_answer_it_draws_is_an_error(tmp_path):
    quizzes = ALL.replace("select:", "description: From the Partnership for Peace in 2006 "
                          "onwards., select:")
    result, bank = run_lint(tmp_path, PFP_YEAR, quizzes)
    assert (f"{bank}:11: quiz 'all': error: its description shows the keyed answer '2006' of "
            f"question 'pfp-year' ({bank}:4), which it draws") in result.output, result.output


def test_two_questions_asking_the_same_fact_are_a_duplicate(tmp_path):
    again = f"""
    - id: pfp-year-again
      type: single_choice
      prompt: In what year did the country join the Partnership for Peace programme?
      choices: ["2006", "2010", "2004"]
      answer: "2006"
      explanation: 2006.
      source: {{paragraph: 12, quote: "{P12}"}}
    """
    result, bank = run_lint(tmp_path, PFP_YEAR + textwrap.dedent(again))
    assert f"question 'pfp-year-again': warning: asks the same fact as question 'pfp-year' " \
        f"({bank}:4)" in result.output, result.output


CUES = f"""
- id: long-key
  type: single_choice
  prompt: What does NATO Headquarters Sarajevo mainly do?
  choices:
    - Assists the authorities with defence and security sector reforms and PfP commitments
    - Runs EUFOR
    - Hosts SHAPE
    - None of the above
  answer: Assists the authorities with defence and security sector reforms and PfP commitments
  explanation: Its primary mission.
  source: {{paragraph: 7, quote: the primary mission of assisting the authorities}}
- id: only-statement
  type: true_false
  prompt: NATO supported the country only after 2004.
  answer: false
  explanation: Since the early 1990s.
  source: {{paragraph: 3, quote: since the early 1990s}}
- id: own-acronym
  type: short_answer
  prompt: What is the acronym of the Peace Support Operations Training Centre?
  answers: [PSOTC]
  explanation: PSOTC.
  source: {{paragraph: 23, quote: "{P23}"}}
"""


def test_cues_that_let_a_learner_guess(tmp_path):
    result, _ = run_lint(tmp_path, CUES)
    out = result.output
    assert "question 'long-key': warning: the keyed choice (84 characters) is much longer " \
        "than every other (17 at most)" in out, out
    assert "question 'long-key': warning: the choice 'None of the above' is a catch-all" in out
    assert "question 'only-statement': warning: the statement says 'only'" in out
    assert "question 'own-acronym': error: the prompt spells out its own answer 'PSOTC' " \
        "('Peace Support Operations Training Centre')" in out
    assert result.exit_code == 1


def test_a_numeric_answer_shown_in_the_answer_box_hint_is_an_error():
    item = Item("n", "numeric", "How many?", {"answer": 67890, "tolerance": 0, "unit": ""})
    assert [f.message for f in lint([item], []) if f.severity == ERROR] == [
        "the answer 67890 is an example in the answer box's hint"]


def test_a_file_keyed_at_one_position_is_warned():
    items = [Item(f"q{i}", "single_choice", f"Question {i}?",
                  {"choices": [{"text": f"right {i}"}, {"text": f"wrong {i}"}], "correct": 0},
                  path="bank.yaml", line=i) for i in range(1, 5)]
    assert [str(f) for f in lint(items, [])] == [
        "bank.yaml:1: warning: 4 of 4 single-choice questions in this file have the keyed "
        "choice at position 1; vary it"]


def test_quiz_shape_one_sitting_and_a_description_naming_what_the_pool_lacks():
    items = [Item(f"q{i}", "true_false", f"Statement number {i} about PfP.",
                  {"correct": True, "feedback": {}}) for i in range(26)]
    whole = QuizItem("whole", "From PfP to the MAP and SPS.", {"all": True}, "bank.yaml", 9)
    drawn = QuizItem("drawn", "", {"all": True, "count": 25}, "bank.yaml", 12)
    found = [str(f) for f in lint(items, [whole, drawn]) if f.check == "quiz-shape"]
    assert found == [
        "bank.yaml:9: quiz 'whole': error: an attempt holds 26 questions; at most 25 make one "
        "sitting: add a random 'count' to its select",
        "bank.yaml:9: quiz 'whole': warning: its description names 'MAP', 'SPS', which no "
        "question it draws mentions"]


def test_json_output_and_a_path_limits_what_is_reported(tmp_path):
    folder = library(tmp_path, PFP_YEAR + SAYS_2006)
    (folder / "nato-bih" / "more.yaml").write_text(
        "document: nato-bih\nquestions:\n" + textwrap.indent(textwrap.dedent(CUES), "  "),
        encoding="utf-8")
    app = make_app(tmp_path, questions_dir=folder)
    result = app.test_cli_runner().invoke(args=["bank", "lint", "--json"])
    payload = json.loads(result.output)
    assert (payload["errors"], payload["warnings"]) == (3, 3)
    assert {(f["question"], f["check"]) for f in payload["findings"]} == {
        ("says-2006", "giveaway"), ("pfp-year", "giveaway"), ("own-acronym", "cue"),
        ("long-key", "cue"), ("only-statement", "cue")}
    only = app.test_cli_runner().invoke(
        args=["bank", "lint", str(folder / "nato-bih" / "bank.yaml")])
    assert "says-2006" in only.output and "own-acronym" not in only.output


def test_checker_errors_are_reported_by_the_lint_too(tmp_path):
    broken = PFP_YEAR.replace("in 2006", "in 1999")
    result, bank = run_lint(tmp_path, broken)
    assert result.exit_code == 1
    assert f"{bank}:9: question 'pfp-year': error: quote not found in p12" in result.output


@pytest.fixture
def instructor(typed_app):
    add_user(typed_app, "ines", role="instructor")
    client = typed_app.test_client()
    log_in(client, "ines")
    return client


def post(client, action, **fields):
    url = "/instructor/authoring/questions/new?document=nato-bih&type=single_choice"
    page = client.get(url)
    return client.post(url, data=form_data(page.text, action=action, **fields))


def test_the_browser_preview_shows_the_lint_of_the_question(instructor, typed_app):
    response = post(instructor, "preview", **SINGLE)
    assert response.status_code == 200
    assert "Lint: what may make it weaker as assessment" in response.text
    assert "asks the same fact as question &#39;t-single&#39;" in response.text
    leaking = dict(SINGLE, key="leaks", prompt="Which centre, the PSOTC, trains in 2006?")
    text = post(instructor, "preview", **leaking).text
    assert ("<strong>Error</strong> (giveaway): its prompt shows the keyed answer "
            "&#39;PSOTC&#39; of question &#39;t-short&#39;") in text, text


def test_saving_keeps_the_question_and_flashes_the_lint(instructor, typed_app):
    response = post(instructor, "save", **SINGLE)
    assert response.status_code == 302
    page = instructor.get(response.location).text
    assert "Lint warning: asks the same fact as question &#39;t-single&#39;" in page
    with typed_app.app_context():
        assert db.session.execute(db.select(Question).filter_by(key="new-pfp")).first()
