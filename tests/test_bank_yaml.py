"""Bank YAML reads the same, line for line, whichever parser PyYAML has (libyaml or its own)."""
from pathlib import Path

import pytest
import yaml

from quiz import yamlines
from quiz.bankparse import read_library
from tests.conftest import FIXTURES, ROOT
from tests.test_bank_check import GOOD_QUESTION, make_library

BANKS = sorted([*(ROOT / "questions").glob("*/*.yaml"), *FIXTURES.glob("**/*.yaml")])


def with_lines(value):
    """A value with every mapping's own line and its keys' lines beside it."""
    if isinstance(value, yamlines.LineDict):
        return ("mapping", value.line, value.key_lines,
                {key: with_lines(item) for key, item in value.items()})
    if isinstance(value, list):
        return [with_lines(item) for item in value]
    return value


def pure_python(text: str):
    try:
        return with_lines(yaml.load(text, Loader=yamlines._LineLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        return ("error", str(exc))


def loaded(text: str):
    try:
        return with_lines(yamlines.load_yaml(text))
    except yamlines.YamlError as exc:
        return ("error", exc.line, exc.message)


def refused(tmp_path: Path, bank: str) -> list[str]:
    make_library(tmp_path, "document: sample\nquestions:\n" + bank)
    return [str(e) for e in read_library(tmp_path).errors]


def test_libyaml_is_there_to_be_used():
    assert yaml.__with_libyaml__, "without libyaml every bank is read by the slow parser"


@pytest.mark.parametrize("path", BANKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bank_reads_as_the_pure_parser_reads_it(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    expected = pure_python(text)
    if expected[0] == "error":
        assert loaded(text)[0] == "error"
    else:
        assert loaded(text) == expected


def test_an_alias_deep_in_a_question_is_refused_at_its_line(tmp_path):
    bank = GOOD_QUESTION.replace("choices: [blue, green]", "choices: &c [blue, green]")
    bank += bank.replace("q-good", "q-copy").replace("choices: &c [blue, green]",
                                                     "choices: *c")
    [error] = refused(tmp_path, bank)
    assert error.endswith("bank.yaml:15: not valid YAML: aliases (*name) are not allowed "
                          "in bank files")


def test_an_alias_of_its_own_anchor_is_refused(tmp_path):
    [error] = refused(tmp_path, "  - &q [*q]\n")
    assert error.endswith("bank.yaml:3: not valid YAML: aliases (*name) are not allowed "
                          "in bank files")


def test_an_anchor_that_is_never_used_is_harmless(tmp_path):
    bank = GOOD_QUESTION.replace("choices: [blue, green]", "choices: &c [blue, green]")
    assert refused(tmp_path, bank) == []


def test_a_tab_after_a_value_is_refused_at_its_line(tmp_path):
    [error] = refused(tmp_path, GOOD_QUESTION.replace("answer: blue", "answer: blue\t"))
    assert error.endswith("bank.yaml:7: not valid YAML: found character '\\t' that cannot "
                          "start any token")


def test_a_question_mark_in_a_bare_flow_list_item_is_refused_as_before(tmp_path):
    [error] = refused(tmp_path, GOOD_QUESTION.replace("[blue, green]", "[blue?, green]"))
    assert error.endswith("bank.yaml:6: not valid YAML: expected ',' or ']', but got '?'")


def test_a_question_mark_in_a_quoted_flow_item_or_a_block_is_text(tmp_path):
    bank = GOOD_QUESTION.replace("[blue, green]", "['blue?', green]").replace(
        "answer: blue", "answer: blue?").replace("sky?", "sky? Say")
    [question] = (read_library(make_library(tmp_path, "document: sample\nquestions:\n" + bank)
                               .parent.parent).questions)
    assert [choice["text"] for choice in question.data["choices"]] == ["blue?", "green"]
    assert question.prompt == "What colour was the sky? Say"


def test_a_duplicate_key_is_refused_at_the_second(tmp_path):
    [error] = refused(tmp_path, GOOD_QUESTION.replace("    answer: blue\n",
                                                      "    answer: blue\n    answer: green\n"))
    assert error.endswith("bank.yaml:8: not valid YAML: the key 'answer' appears twice in one "
                          "mapping")
