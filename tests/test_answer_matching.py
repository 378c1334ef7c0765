"""Short answers and numbers are matched the forgiving ways docs/answers.md lists."""
import pytest

from quiz.types import get_type
from quiz.types.numeric import HINT_EXAMPLES, parse_number

SHORT = get_type("short_answer")
NUMERIC = get_type("numeric")


def right(answers, given) -> bool:
    return SHORT.grade(SHORT.data({"answers": answers}), given) == 1.0


@pytest.mark.parametrize("accepted, given", [
    ("Resolute Support Mission", "the Resolute Support Mission"),        # leading article
    ("Resolute Support Mission", "A Resolute Support Mission"),
    ("Evaluation and Feedback", "Evaluation & Feedback"),                # & for "and"
    ("Operational Capabilities Concept Evaluation & Feedback",
     "operational capabilities concept evaluation and feedback"),
    ("aero-medical evacuation", "aeromedical evacuation"),               # hyphens, spaces
    ("aero-medical evacuation", "aero medical evacuation"),
    ("counter-terrorism", "Counter terrorism"),
    ("Defence Capacity Building", "Defense Capacity Building"),          # spelling
    ("Partnership for Peace programme", "partnership for peace program"),
    ("Peace Support Operations Training Centre", "Peace Support Operations Training Center"),
    ("Stabilisation Force", "Stabilization Force"),
    ("Dayton (Peace) Agreement", "Dayton Agreement"),                    # optional words
    ("Dayton (Peace) Agreement", "the Dayton Peace Agreement"),
    ("(NATO's) Euro-Atlantic Disaster Response Coordination Centre",
     "NATO's Euro-Atlantic Disaster Response Coordination Center"),
])
def test_a_knowing_learner_s_wording_is_accepted(accepted, given):
    assert right([accepted], given)


@pytest.mark.parametrize("accepted, given", [
    ("Resolute Support Mission", "Resolute Support"),
    ("Dayton (Peace) Agreement", "Peace Agreement"),       # only the marked words are optional
    ("Dayton (Peace) Agreement", "Dayton Peace"),
    ("Defence Capacity Building", "Offence Capacity Building"),
    ("the Government", "the"),                              # an article alone is not an answer
    ("A", "the"),
])
def test_other_answers_are_still_wrong(accepted, given):
    assert not right([accepted], given)


def test_the_correct_answer_shows_optional_words_unmarked():
    data = SHORT.data({"answers": ["(the) Dayton (Peace) Agreement", "Dayton Accords"]})
    assert SHORT.correct(data) == "the Dayton Peace Agreement"


@pytest.mark.parametrize("answer, message", [
    ("Dayton (Peace Agreement", "parentheses (optional words) must pair up"),
    ("(a (b)) c", "must pair up and not nest"),
    ("(the)", "is empty once punctuation, optional words"),
    ("(a) (b) (c) (d) (e) f", "more than 4 optional groups"),
])
def test_the_checker_reports_a_malformed_accepted_answer(answer, message):
    found, sentences = [], []
    SHORT.check({"answers": [answer]}, lambda text, key=None, form_message="": (
        found.append(text), sentences.append(form_message)))
    assert any(message in text for text in found), found
    assert all(sentences) and all(f"“{answer}”" in s for s in sentences), sentences


@pytest.mark.parametrize("typed, value", [
    ("500000", 500000), ("500,000", 500000), ("500.000", 500000), ("500 000", 500000),
    ("500\u2009000", 500000), ("500\u202f000", 500000), ("500\u00a0000", 500000),
    ("1,000,000", 1000000), ("1.000.000", 1000000), ("1 000 000", 1000000),
    ("1,5", 1.5), ("1.5", 1.5), ("1,50", 1.5), ("0.500", 0.5), ("0,25", 0.25),
    ("500,000.5", 500000.5), ("500.000,5", 500000.5), ("1 234,5", 1234.5),
    ("2006", 2006), ("-3", -3), ("\u22123", -3),
])
def test_numbers_are_read_as_people_write_them(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["1,000.000.5", "12,34,5", "1.2.3", "1,000 000", "abc", "",
                                   "five"])
def test_ambiguous_or_broken_numbers_are_not_numbers(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed, expected", [
    ("€500,000", 1.0), ("EUR 500.000", 1.0), ("500 000 €", 1.0), ("500,000 euros", 1.0),
    ("500000 eur", 1.0), ("$500,000", 0.0), ("500,000 km", 0.0), ("€500", 0.0),
])
def test_a_unit_counts_only_when_it_is_the_question_s(typed, expected):
    data = NUMERIC.data({"answer": 500000, "unit": "EUR"})
    assert NUMERIC.grade(data, typed) == expected


def test_another_unit_is_named_in_the_feedback():
    data = NUMERIC.data({"answer": 500000, "unit": "EUR"})
    assert NUMERIC.feedback(data, "$500,000") == ["'$500,000' is not a number in EUR."]
    assert NUMERIC.feedback(data, "lots") == ["'lots' is not a number."]


def test_a_number_without_a_unit_is_right_for_a_question_with_one():
    data = NUMERIC.data({"answer": 9, "unit": "years"})
    assert NUMERIC.grade(data, "9") == NUMERIC.grade(data, "9 years") == 1.0
    assert NUMERIC.grade(data, "9 year") == 1.0


def test_the_input_hint_shows_the_examples_and_never_the_answer():
    data = NUMERIC.data({"answer": 1995})
    hint = NUMERIC.view(data, {}, None)["hint"]
    assert hint == f"A number, such as {HINT_EXAMPLES[0]} or {HINT_EXAMPLES[1]}."
    assert "1995" not in hint and "500,000" not in hint
    assert [parse_number(e) for e in HINT_EXAMPLES] == [1234.5, 67890]
