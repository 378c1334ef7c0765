"""`bank check` names the file, the line and the question of every problem."""
import textwrap
from pathlib import Path

import pytest

from quiz.bankparse import read_library
from tests.conftest import make_app

SOURCE = """Sample document
The first paragraph says the sky was blue in 2020.
- An item with “curly quotes” and a dash — here.
Second heading
The last paragraph names the Commission for Cooperation with NATO.
"""

GOOD_QUESTION = """\
  - id: q-good
    type: single_choice
    prompt: What colour was the sky?
    choices: [blue, green]
    answer: blue
    explanation: It was blue (p2).
    source:
      - paragraph: 2
        quote: the sky was blue
"""


def make_library(tmp_path: Path, bank: str, name: str = "bank.yaml") -> Path:
    folder = tmp_path / "sample"
    folder.mkdir(exist_ok=True)
    (folder / "source.txt").write_text(SOURCE, encoding="utf-8")
    (folder / "document.yaml").write_text("title: Sample\nsource: source.txt\n")
    (folder / name).write_text(textwrap.dedent(bank), encoding="utf-8")
    return folder / name


def errors_for(tmp_path: Path, questions: str, quizzes: str = "") -> list[str]:
    bank = "document: sample\nquestions:\n" + questions
    if quizzes:
        bank += f"quizzes:\n{quizzes}"
    make_library(tmp_path, bank)
    return [str(e) for e in read_library(tmp_path).errors]


def test_a_good_bank_has_no_errors(tmp_path):
    assert errors_for(tmp_path, GOOD_QUESTION) == []


def test_unknown_type_names_file_line_and_question(tmp_path):
    bank = GOOD_QUESTION.replace("single_choice", "essay")
    [error] = errors_for(tmp_path, bank)
    path = tmp_path / "sample" / "bank.yaml"
    assert error.startswith(f"{path}:4: question 'q-good': unknown type 'essay'")
    assert "single_choice" in error  # the message lists the types that exist


def test_missing_fields_are_each_reported(tmp_path):
    bank = GOOD_QUESTION.replace("    explanation: It was blue (p2).\n", "").replace(
        "    prompt: What colour was the sky?\n", "")
    errors = errors_for(tmp_path, bank)
    assert any(":3: question 'q-good': missing field 'prompt'" in e for e in errors)
    assert any(":3: question 'q-good': missing field 'explanation'" in e for e in errors)


def test_missing_id_and_source(tmp_path):
    bank = GOOD_QUESTION.replace("  - id: q-good\n    type", "  - type").replace(
        "    source:\n      - paragraph: 2\n        quote: the sky was blue\n", "")
    errors = errors_for(tmp_path, bank)
    assert any(e.endswith(":3: missing field 'id'") for e in errors)
    assert any("missing field 'source'" in e for e in errors)


def test_duplicate_ids_point_at_both_places(tmp_path):
    errors = errors_for(tmp_path, GOOD_QUESTION + GOOD_QUESTION)
    path = tmp_path / "sample" / "bank.yaml"
    assert errors == [f"{path}:12: question 'q-good': duplicate id (first defined at {path}:3)"]


def test_duplicate_ids_across_files(tmp_path):
    make_library(tmp_path, "document: sample\nquestions:\n" + GOOD_QUESTION, "a.yaml")
    make_library(tmp_path, "document: sample\nquestions:\n" + GOOD_QUESTION, "b.yaml")
    [error] = [str(e) for e in read_library(tmp_path).errors]
    assert "b.yaml:3: question 'q-good': duplicate id (first defined at " in error
    assert "a.yaml:3)" in error


def test_correct_answer_not_among_the_choices(tmp_path):
    [error] = errors_for(tmp_path, GOOD_QUESTION.replace("answer: blue", "answer: grey"))
    assert error.endswith(":7: question 'q-good': the answer 'grey' is not among the choices")


def test_multiple_response_answer_not_among_choices(tmp_path):
    bank = GOOD_QUESTION.replace("single_choice", "multiple_response").replace(
        "choices: [blue, green]", "choices: [blue, green, red]").replace(
        "answer: blue", "answers: [blue, pink]")
    [error] = errors_for(tmp_path, bank)
    assert error.endswith(":7: question 'q-good': the answer 'pink' is not among the choices")


def test_paragraph_that_does_not_exist(tmp_path):
    [error] = errors_for(tmp_path, GOOD_QUESTION.replace("paragraph: 2", "paragraph: p42"))
    assert error.endswith(":10: question 'q-good': paragraph p42 does not exist in document "
                          "'sample' (it has p1 to p5)")


def test_a_quote_with_a_slip_gets_the_closest_passage_offered(tmp_path):
    [error] = errors_for(tmp_path, GOOD_QUESTION.replace("the sky was blue",
                                                         "the sky were blue"))
    assert error.endswith(':10: question \'q-good\': quote not found in p2: "the sky were '
                          'blue"; did you mean "the sky was blue"?')


def test_quote_not_found_in_the_cited_paragraph(tmp_path):
    [error] = errors_for(tmp_path, GOOD_QUESTION.replace("paragraph: 2", "paragraph: 5"))
    assert error.endswith(":10: question 'q-good': quote not found in p5: \"the sky was blue\"")


def test_quote_matching_ignores_typography_and_spacing(tmp_path):
    bank = GOOD_QUESTION.replace("paragraph: 2", "paragraph: 3").replace(
        "quote: the sky was blue", "quote: '\"curly   quotes\" and a dash - here'")
    assert errors_for(tmp_path, bank) == []


def test_citing_a_heading_is_refused(tmp_path):
    bank = GOOD_QUESTION.replace("paragraph: 2", "paragraph: 4").replace(
        "quote: the sky was blue", "quote: Second heading")
    [error] = errors_for(tmp_path, bank)
    assert "p4 is a heading" in error


def test_ordering_item_citations_are_checked_too(tmp_path):
    bank = """\
  - id: q-order
    type: ordering
    prompt: Order these.
    items:
      - one
      - text: two
        source: {paragraph: 5, quote: not in the text}
      - three
    explanation: Because.
    source: {paragraph: 2, quote: in 2020}
"""
    [error] = errors_for(tmp_path, bank)
    assert error.endswith(":9: question 'q-order': quote of item 2 not found in p5: "
                          "\"not in the text\"")


def test_type_specific_checks(tmp_path):
    bank = """\
  - id: q-num
    type: numeric
    prompt: How many?
    answer: many
    explanation: Because.
    source: {paragraph: 2, quote: in 2020}
  - id: q-match
    type: matching
    prompt: Match.
    pairs:
      - {left: A, right: x}
      - {left: B, right: x}
    explanation: Because.
    source: {paragraph: 2, quote: in 2020}
"""
    errors = errors_for(tmp_path, bank)
    assert any(e.endswith(":6: question 'q-num': 'answer' must be a number") for e in errors)
    assert any("question 'q-match': a right-hand side appears twice" in e for e in errors)


def test_unknown_fields_are_reported(tmp_path):
    [error] = errors_for(tmp_path, GOOD_QUESTION.replace("    answer: blue\n",
                                                          "    answer: blue\n    anwser: x\n"))
    assert error.endswith(":8: question 'q-good': unknown field 'anwser' for type single_choice")


def test_invalid_yaml_gives_the_line(tmp_path):
    make_library(tmp_path, "document: sample\nquestions:\n  - id: [unclosed\n    type: x\n")
    [error] = [str(e) for e in read_library(tmp_path).errors]
    assert "bank.yaml:4: not valid YAML" in error


def test_unknown_document(tmp_path):
    make_library(tmp_path, "document: nowhere\nquestions: []\n")
    [error] = [str(e) for e in read_library(tmp_path).errors]
    assert error.endswith("bank.yaml:1: unknown document 'nowhere' (documents: sample)")


def test_quiz_selection_problems(tmp_path):
    quizzes = """\
  - id: by-section
    title: Section
    select: {section: nowhere}
  - id: too-many
    title: Too many
    select: {all: true, count: 5}
  - id: listed
    title: Listed
    select: {questions: [q-good, q-missing]}
  - id: two-rules
    title: Two rules
    select: {all: true, tags: [x]}
"""
    errors = errors_for(tmp_path, GOOD_QUESTION, quizzes)
    assert any(":13: quiz 'by-section': unknown section 'nowhere'" in e for e in errors)
    assert any(":16: quiz 'too-many': asks for 5 questions but its selection has only 1" in e
               for e in errors)
    assert any(":19: quiz 'listed': lists question 'q-missing'" in e for e in errors)
    assert any(":24: quiz 'two-rules': 'select' needs exactly one of" in e for e in errors)


@pytest.mark.parametrize("broken", ["", "- just\n- a list\n", "document: sample\nquestions: 3\n"])
def test_wrong_shapes_are_errors_not_crashes(tmp_path, broken):
    make_library(tmp_path, broken)
    assert read_library(tmp_path).errors


def test_the_cli_exits_non_zero_and_prints_every_error(tmp_path):
    bank_path = make_library(tmp_path, "document: sample\nquestions:\n"
                             + GOOD_QUESTION.replace("answer: blue", "answer: grey")
                             + GOOD_QUESTION.replace("q-good", "q-two").replace(
                                 "essay", "x").replace("single_choice", "essay"))
    app = make_app(tmp_path, questions_dir=tmp_path)
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    assert result.exit_code == 1
    assert f"{bank_path}:7: question 'q-good': the answer 'grey' is not among the choices" \
        in result.output
    assert f"{bank_path}:13: question 'q-two': unknown type 'essay'" in result.output
    assert "2 errors." in result.output


def test_the_cli_checks_the_shipped_banks(runner):
    result = runner.invoke(args=["bank", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 1 document,")


def test_unquoted_yes_and_no_are_caught_before_they_become_true_and_false(tmp_path):
    bank = GOOD_QUESTION.replace("choices: [blue, green]", "choices: [Yes, No]").replace(
        "answer: blue", "answer: 'No'")
    errors = errors_for(tmp_path, bank)
    assert any(e.endswith(":6: question 'q-good': 'choices' holds an unquoted "
                          "yes/no/on/off/true/false, which YAML reads as true or false; put the "
                          "text in quotes") for e in errors)


BAD_QUOTE = GOOD_QUESTION.replace("quote: the sky was blue", "quote: the sea was green")


def outside_library(tmp_path: Path, questions: str) -> Path:
    """A questions-style folder outside the configured one: sample/ with one bank."""
    (tmp_path / "elsewhere").mkdir()
    make_library(tmp_path / "elsewhere", "document: sample\nquestions:\n" + questions)
    return tmp_path / "elsewhere"


@pytest.fixture
def checker(app):
    """`bank check` of the app whose configured questions folder is the shipped one."""
    return lambda *args: app.test_cli_runner().invoke(args=["bank", "check", *map(str, args)])


def test_a_questions_folder_elsewhere_is_checked_as_its_own_library(tmp_path, checker):
    library = outside_library(tmp_path, BAD_QUOTE)
    result = checker(library)
    assert result.exit_code == 1
    assert (f"{library.resolve() / 'sample' / 'bank.yaml'}:10: question 'q-good': quote "
            'not found in p2: "the sea was green"') in result.output
    assert "OK" not in result.output
    (library / "sample" / "bank.yaml").write_text("document: sample\nquestions:\n"
                                                  + GOOD_QUESTION)
    result = checker(library)
    assert result.exit_code == 0
    assert result.output == "OK: 1 document, 1 question, 0 quizzes.\n"


def test_one_document_folder_elsewhere_is_checked_with_its_banks(tmp_path, checker):
    folder = outside_library(tmp_path, BAD_QUOTE) / "sample"
    result = checker(folder)
    assert result.exit_code == 1 and 'not found in p2: "the sea was green"' in result.output
    # A bank file in it is checked against its own document, not the configured ones.
    result = checker(folder / "bank.yaml")
    assert result.exit_code == 1 and 'not found in p2: "the sea was green"' in result.output
    assert "unknown document" not in result.output


def test_a_folder_that_holds_no_library_is_refused(tmp_path, checker):
    (tmp_path / "empty").mkdir()
    result = checker(tmp_path / "empty")
    assert result.exit_code == 1 and "OK" not in result.output
    assert (f"Error: {(tmp_path / 'empty').resolve()} holds no document and no bank: give a "
            "questions folder") in result.output
    # Inside the configured library too: a folder that holds no bank, one level down.
    library = outside_library(tmp_path, GOOD_QUESTION)
    (library / "sample" / "images").mkdir()
    app = make_app(tmp_path, questions_dir=library)
    result = app.test_cli_runner().invoke(
        args=["bank", "check", str(library / "sample" / "images")])
    assert result.exit_code == 1 and "holds no document and no bank" in result.output
    result = app.test_cli_runner().invoke(args=["bank", "check", str(library / "sample")])
    assert result.output == "OK: 1 document, 1 question, 0 quizzes.\n"


def test_loading_a_folder_outside_the_questions_folder_is_refused(tmp_path, app):
    library = outside_library(tmp_path, GOOD_QUESTION)
    result = app.test_cli_runner().invoke(args=["bank", "load", str(library)])
    assert result.exit_code == 1
    assert "is outside the questions folder" in result.output
    assert f"'bank check {library}'" in result.output


@pytest.mark.parametrize("source", ["../secret_key", "/etc/hostname", "sub/../../secret_key",
                                    "outside-link.txt"])
def test_a_documents_source_must_stay_in_its_folder(tmp_path, source):
    make_library(tmp_path, "document: sample\nquestions:\n" + GOOD_QUESTION)
    (tmp_path / "secret_key").write_text("s3cret\n")
    (tmp_path / "sample" / "sub").mkdir()
    (tmp_path / "sample" / "outside-link.txt").symlink_to(tmp_path / "secret_key")
    (tmp_path / "sample" / "document.yaml").write_text(f"title: Sample\nsource: {source}\n")
    errors = [str(e) for e in read_library(tmp_path).errors]
    assert errors[0] == (f"{tmp_path / 'sample' / 'document.yaml'}:2: source '{source}' must "
                         "be a file in the document's folder 'sample'")
    assert not any("s3cret" in error for error in errors)


def test_a_link_to_a_file_inside_the_folder_is_a_source_like_any_other(tmp_path):
    make_library(tmp_path, "document: sample\nquestions:\n" + GOOD_QUESTION)
    (tmp_path / "sample" / "texts").mkdir()
    (tmp_path / "sample" / "source.txt").rename(tmp_path / "sample" / "texts" / "source.txt")
    (tmp_path / "sample" / "current.txt").symlink_to(tmp_path / "sample" / "texts" / "source.txt")
    (tmp_path / "sample" / "document.yaml").write_text("title: Sample\nsource: current.txt\n")
    assert read_library(tmp_path).errors == []


def test_every_error_names_the_field_it_concerns(tmp_path):
    bank = """\
  - id: q-fields
    type: single_choice
    prompt: What colour was the sky?
    choices: [blue, "", green, Blue]
    answer: red
    marks: 0
    explanation: It was blue.
    source:
      - paragraph: 2
        quote: the sky was green
      - paragraph: 4
        quote: Second heading
  - id: q-items
    type: ordering
    prompt: Order these.
    explanation: In order.
    source: {paragraph: 2, quote: the sky was blue}
    items:
      - one
      - text: two
        source: {paragraph: 9, quote: nothing}
      - three
"""
    quizzes = """\
  - id: z-one
    title: One
    select: {all: true, count: 0}
"""
    make_library(tmp_path, "document: sample\nquestions:\n" + bank + "quizzes:\n" + quizzes)
    found = {(e.question or e.quiz, e.field) for e in read_library(tmp_path).errors}
    assert found == {
        ("q-fields", "choices[1]"), ("q-fields", "choices[3]"), ("q-fields", "answer"),
        ("q-fields", "marks"), ("q-fields", "source[0].quote"),
        ("q-fields", "source[1].paragraph"), ("q-items", "items[1].source[0].paragraph"),
        ("z-one", "select.count"),
    }
