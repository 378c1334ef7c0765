"""A corpus of broken bank and import files: each is refused with a message that names
the file and the line, and nothing is written.

A bank file's first line says what must be reported: ``# expect line N: message``;
import formats have no room for such a line (Aiken has no comments), so their
expectations are listed below. Line 0 means the file as a whole.
"""
import re
import shutil
from pathlib import Path

import pytest

from quiz.extensions import db
from quiz.models import Question, QuestionVersion, Quiz
from tests.conftest import FIXTURES, fixture_library, make_app

BROKEN = FIXTURES / "broken"
EXPECT = re.compile(r"# expect line (\d+): (.*)$")
IMPORT_EXPECTATIONS = {
    "import-aiken-answer-not-an-option.txt": (4, "ANSWER: D is not one of the options (A, B)"),
    "import-aiken-no-answer.txt": (1, "has no 'ANSWER:' line"),
    "import-aiken-no-options.txt": (1, "needs at least two options"),
    "import-gift-not-utf8.gift": (1, "not UTF-8 text"),
    "import-gift-unclosed.gift": (1, "'{' opens the answers but no '}' closes them"),
    # GIFT cases modelled on what Moodle's parser refuses (qformat_gift: braceerror,
    # importminerror, giftmatchingformat, giftnonumericalanswers, wrong grade), and on
    # what it would silently garble: a brace left open swallowing the next question.
    "import-gift-missing-brace-before-next-question.gift": (
        1, "'{' opens the answers but no '}' closes them"),
    "import-gift-no-blank-line-between-questions.gift": (
        2, "a new question starts here without a blank line before it"),
    "import-gift-close-without-open.gift": (2, "'}' closes answers that no '{' opened"),
    "import-gift-one-choice.gift": (1, "a multiple choice question needs at least two"),
    "import-gift-matching-without-arrow.gift": (
        4, "'=2010 Membership Action Plan' is not"),
    "import-gift-matching-one-pair.gift": (1, "needs at least two '=left -> right' pairs"),
    "import-gift-numeric-without-number.gift": (1, "no number after '#'"),
    "import-gift-weight-out-of-range.gift": (1, "'%150%' is out of range"),
    "import-gift-weight-not-a-number.gift": (1, "'%half%' is not a weight"),
    "import-gift-two-answer-sets.gift": (1, "a second set of answers"),
    "import-gift-brace-inside-answers.gift": (1, "a second '{' inside the answers"),
    "import-gift-empty-answer.gift": (4, "an empty answer after '~'"),
    "import-moodle-billion-laughs.xml": (0, "entities and external references are not accepted"),
    "import-moodle-external-entity.xml": (0, "entities and external references are not accepted"),
    "import-moodle-mismatched.xml": (4, "not well-formed XML: mismatched tag"),
    "import-moodle-no-type.xml": (3, "<question> has no type attribute"),
    "import-moodle-fraction-not-a-number.xml": (8, "fraction 'none' is not a number"),
    "import-moodle-no-question-text.xml": (3, "no <questiontext><text>"),
    "import-moodle-one-answer.xml": (3, "needs at least two <answer>s"),
    "import-moodle-matching-without-answer.xml": (7, "subquestion '2010' has no <answer>"),
    "import-moodle-wrong-root.xml": (2, "the root element must be <quiz>, not <questions>"),
}
BANKS = sorted(BROKEN.glob("bank-*.yaml"))
IMPORTS = sorted(p for p in BROKEN.iterdir() if p.name.startswith("import-"))
FORMATS = {".gift": "gift", ".txt": "aiken", ".xml": "moodle-xml"}


def expectation(path: Path) -> tuple[int, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    line, message = EXPECT.match(first).groups()
    return int(line), message


def counts(app):
    with app.app_context():
        return [db.session.execute(db.select(db.func.count()).select_from(m)).scalar_one()
                for m in (Question, QuestionVersion, Quiz)]


@pytest.fixture
def loaded(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    return app, questions / "nato-bih"


def test_the_corpus_is_large_enough():
    assert len(BANKS) + len(IMPORTS) >= 30
    assert IMPORTS, "import files belong in the corpus too"


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_each_broken_bank_is_refused_with_file_and_line(loaded, path):
    app, folder = loaded
    before = counts(app)
    target = folder / path.name
    shutil.copy(path, target)
    result = app.test_cli_runner().invoke(args=["bank", "load"])
    line, message = expectation(path)
    assert result.exit_code == 1
    where = f"{target}:{line}:" if line else f"{target}:"
    reported = [row for row in result.output.splitlines() if row.startswith(where)]
    assert reported and any(message in row for row in reported), result.output
    assert "nothing was loaded" in result.output
    assert counts(app) == before


def test_a_huge_bank_is_refused_before_it_is_parsed(loaded):
    app, folder = loaded
    before = counts(app)
    huge = folder / "bank-huge.yaml"
    huge.write_text("document: nato-bih\nquestions:\n" + "# padding\n" * 500_000)
    result = app.test_cli_runner().invoke(args=["bank", "load"])
    assert result.exit_code == 1
    assert f"{huge}: the file is larger than 4 MB" in result.output
    assert counts(app) == before


@pytest.mark.parametrize("path", IMPORTS, ids=lambda p: p.name)
def test_each_broken_import_is_refused_with_file_and_line(loaded, path):
    app, _ = loaded
    before = counts(app)
    result = app.test_cli_runner().invoke(args=[
        "bank", "import", str(path), "--format", FORMATS[path.suffix], "--document", "nato-bih"])
    line, message = IMPORT_EXPECTATIONS[path.name]
    assert result.exit_code == 1
    assert f"{path.name}:{line}: " in result.output and message in result.output, result.output
    assert "nothing was imported" in result.output
    assert counts(app) == before
