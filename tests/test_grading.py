"""Each question type grades on the server, with partial credit where it is stated."""
import random

import pytest
from werkzeug.datastructures import MultiDict

from quiz.types import get_type

SINGLE = get_type("single_choice").data(
    {"choices": ["2006", {"text": "2010", "feedback": "That is the MAP invitation."}, "2004"],
     "answer": "2006"})
MULTI = get_type("multiple_response").data(
    {"choices": ["a", "b", "c", "d"], "answers": ["a", "b"]})
TF = get_type("true_false").data({"answer": False, "feedback": {True: "No: see p12."}})
SHORT = get_type("short_answer").data(
    {"answers": ["Commission for Cooperation with NATO", "The Commission"]})
NUMERIC = get_type("numeric").data({"answer": 500000, "unit": "EUR"})
NUMERIC_TOL = get_type("numeric").data({"answer": 9.5, "tolerance": 0.5})
ORDER = get_type("ordering").data({"items": ["IFOR", "SFOR", "EUFOR", "DCB"]})
MATCH = get_type("matching").data({
    "pairs": [{"left": "PfP", "right": "Partnership for Peace"},
              {"left": "MAP", "right": "Membership Action Plan"},
              {"left": "BI", "right": "Building Integrity"},
              {"left": "SPS", "right": "Science for Peace and Security"}],
    "distractors": ["Planning and Review Process"]})


def grade(name, data, answer):
    return get_type(name).grade(data, answer)


def test_single_choice_right_wrong_and_empty():
    assert grade("single_choice", SINGLE, 0) == 1.0
    assert grade("single_choice", SINGLE, 1) == 0.0
    assert grade("single_choice", SINGLE, None) == 0.0
    assert get_type("single_choice").feedback(SINGLE, 1) == ["2010: That is the MAP invitation."]


def test_single_choice_ignores_an_out_of_range_or_garbled_choice():
    kind = get_type("single_choice")
    layout = kind.layout(SINGLE, random.Random(1), True)
    assert kind.read_answer(SINGLE, layout, MultiDict({"answer": "7"})) is None
    assert kind.read_answer(SINGLE, layout, MultiDict({"answer": "x"})) is None
    assert kind.read_answer(SINGLE, layout, MultiDict({"answer": "2"})) is None  # an index
    token = layout["tokens"][2]
    assert kind.read_answer(SINGLE, layout, MultiDict({"answer": token})) == 2


@pytest.mark.parametrize("picked, expected", [
    ([0, 1], 1.0),          # all right
    ([0], 0.5),             # half the right ones
    ([0, 2], 0.0),          # one right (+1/2), one wrong (-1/2)
    ([0, 1, 2], 0.5),       # a wrong tick costs half (1 of 2 wrong choices)
    ([0, 1, 2, 3], 0.0),    # ticking everything earns nothing
    ([2, 3], 0.0),          # never below zero
    (None, 0.0),            # empty
])
def test_multiple_response_partial_credit(picked, expected):
    assert grade("multiple_response", MULTI, picked) == pytest.approx(expected)


def test_true_false_and_its_feedback():
    assert grade("true_false", TF, False) == 1.0
    assert grade("true_false", TF, True) == 0.0
    assert grade("true_false", TF, None) == 0.0
    assert get_type("true_false").feedback(TF, True) == ["No: see p12."]


@pytest.mark.parametrize("given, expected", [
    ("Commission for Cooperation with NATO", 1.0),
    ("  commission   for cooperation WITH nato. ", 1.0),   # case, spacing, punctuation
    ("the commission", 1.0),                               # another accepted variant
    ("“Commission for Cooperation with NATO”", 1.0),       # typographic quotes
    ("Commission for NATO", 0.0),
    ("", 0.0),
    (None, 0.0),
    ("...", 0.0),
])
def test_short_answer_normalises_before_comparing(given, expected):
    assert grade("short_answer", SHORT, given) == expected


@pytest.mark.parametrize("given, expected", [
    ("500000", 1.0), ("500,000", 1.0), ("500 000", 1.0), (" 500000.0 ", 1.0),
    ("500,001", 0.0), ("five hundred thousand", 0.0), ("", 0.0), (None, 0.0), ("nan", 0.0),
])
def test_numeric_reads_numbers_as_people_write_them(given, expected):
    assert grade("numeric", NUMERIC, given) == expected


def test_numeric_tolerance_is_inclusive():
    assert grade("numeric", NUMERIC_TOL, "9") == 1.0
    assert grade("numeric", NUMERIC_TOL, "10") == 1.0
    assert grade("numeric", NUMERIC_TOL, "10,01") == 0.0
    assert get_type("numeric").correct(NUMERIC_TOL) == "9.5 (± 0.5)"
    assert get_type("numeric").feedback(NUMERIC, "lots") == ["'lots' is not a number."]


@pytest.mark.parametrize("order, expected", [
    ([0, 1, 2, 3], 1.0),
    ([3, 2, 1, 0], 0.0),
    ([1, 0, 2, 3], 5 / 6),    # one swapped pair of six
    ([2, 3, 0, 1], 2 / 6),    # the two halves swapped: half right within, wrong across
    (None, 0.0),
])
def test_ordering_counts_pairs_in_the_right_order(order, expected):
    assert grade("ordering", ORDER, order) == pytest.approx(expected)


def test_ordering_reads_positions_and_never_shows_the_answer_as_the_layout():
    kind = get_type("ordering")
    for seed in range(20):
        layout = kind.layout(ORDER, random.Random(seed), False)
        assert layout["order"] != [0, 1, 2, 3]
    tokens = ["aa", "bb", "cc", "dd"]  # item i's select is position-<tokens[i]>
    layout = {"order": [2, 0, 3, 1], "tokens": tokens}
    form = MultiDict({"position-aa": "1", "position-bb": "2", "position-cc": "3",
                      "position-dd": "4"})
    assert kind.read_answer(ORDER, layout, form) == [0, 1, 2, 3]
    # Blank positions go last, in the order shown; nothing chosen means no answer.
    form = MultiDict({"position-dd": "1"})
    assert kind.read_answer(ORDER, layout, form) == [3, 2, 0, 1]
    assert kind.read_answer(ORDER, layout, MultiDict()) is None
    # Fields named by the items' indices, as pages once named them, mean nothing.
    form = MultiDict({"position-0": "1", "position-1": "2", "position-2": "3"})
    assert kind.read_answer(ORDER, layout, form) is None


def test_matching_gives_a_share_per_pair():
    assert grade("matching", MATCH, {"0": 0, "1": 1, "2": 2, "3": 3}) == 1.0
    assert grade("matching", MATCH, {"0": 0, "1": 1, "2": 4}) == 0.5
    assert grade("matching", MATCH, {"0": 1, "1": 0}) == 0.0
    assert grade("matching", MATCH, None) == 0.0
    kind = get_type("matching")
    layout = kind.layout(MATCH, random.Random(3), True)
    lefts, rights = layout["left_tokens"], layout["right_tokens"]
    form = MultiDict({f"match-{lefts[0]}": rights[0], f"match-{lefts[1]}": "9",
                      f"match-{lefts[2]}": rights[0], "match-3": "3"})
    assert kind.read_answer(MATCH, layout, form) == {"0": 0, "2": 0}
    assert kind.read_answer(MATCH, layout, MultiDict({"match-0": "0"})) is None
    assert kind.describe(MATCH, {"0": 0}).startswith("PfP → Partnership for Peace; MAP → (none)")
