"""Score statistics agree with independent computations, edge cases included."""
import math
import statistics

import pytest

from quiz.stats import final_grade, item_analysis, summarise

# Six attempts at a three-item test: item marks per attempt (q3 is worth 2 marks).
ATTEMPTS = [
    {"q1": 1, "q2": 1, "q3": 2},
    {"q1": 1, "q2": 0, "q3": 2},
    {"q1": 1, "q2": 1, "q3": 1},
    {"q1": 0, "q2": 1, "q3": 0},
    {"q1": 1, "q2": 0, "q3": 0},
    {"q1": 0, "q2": 0, "q3": 1},
]
MAX = {"q1": 1, "q2": 1, "q3": 2}
GUESS = {"q1": 0.25, "q2": 0.5, "q3": 0.0}


@pytest.mark.parametrize("method, expected", [
    ("highest", 80), ("average", 60), ("first", 40), ("last", 60)])
def test_grading_methods(method, expected):
    assert final_grade(method, [40, 80, 60]) == pytest.approx(expected)
    assert final_grade(method, []) is None


def test_summary_matches_the_statistics_module():
    scores = [12.5, 40, 55, 55, 70, 99.9, 100, 0]
    summary = summarise(scores)
    assert summary.count == 8
    assert summary.mean == pytest.approx(statistics.mean(scores))
    assert summary.median == pytest.approx(statistics.median(scores))
    assert summary.sd == pytest.approx(statistics.stdev(scores))
    assert summary.histogram == [1, 1, 0, 0, 1, 2, 0, 1, 0, 2]  # 100 joins the top band


def test_summary_of_one_and_of_none():
    assert summarise([70]).sd is None and summarise([70]).mean == 70
    empty = summarise([])
    assert empty.count == 0 and empty.mean is None and sum(empty.histogram) == 0


def test_item_statistics_follow_moodles_definitions():
    items, test = item_analysis(ATTEMPTS, MAX, GUESS)
    by_key = {i.key: i for i in items}
    totals = [sum(a.values()) for a in ATTEMPTS]
    for key in MAX:
        marks = [a[key] for a in ATTEMPTS]
        rest = [t - m for t, m in zip(totals, marks, strict=True)]
        item = by_key[key]
        assert item.facility == pytest.approx(statistics.mean(marks) / MAX[key])
        assert item.sd == pytest.approx(statistics.stdev(marks) / MAX[key])
        assert item.discrimination == pytest.approx(100 * statistics.correlation(marks, rest))
        best = statistics.covariance(sorted(marks), sorted(rest))
        assert item.efficiency == pytest.approx(100 * statistics.covariance(marks, rest) / best)
        assert item.intended_weight == pytest.approx(100 * MAX[key] / 4)
        assert item.random_guess == GUESS[key]
    roots = {k: math.sqrt(statistics.covariance([a[k] for a in ATTEMPTS], totals)) for k in MAX}
    for key in MAX:
        assert by_key[key].effective_weight == pytest.approx(100 * roots[key] / sum(roots.values()))
    # Cronbach's alpha, error ratio and standard error of the whole test.
    k = 3
    alpha = k / (k - 1) * (1 - sum(statistics.variance([a[q] for a in ATTEMPTS]) for q in MAX)
                          / statistics.variance(totals))
    assert test.alpha == pytest.approx(100 * alpha)
    assert test.error_ratio == pytest.approx(100 * math.sqrt(1 - alpha))
    assert test.standard_error == pytest.approx(math.sqrt(1 - alpha) * statistics.stdev(totals))


def test_kr20_for_right_or_wrong_items():
    attempts = [{"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 0}, {"a": 1, "b": 0, "c": 0},
                {"a": 0, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 1}]
    _, test = item_analysis(attempts, {"a": 1, "b": 1, "c": 1}, {})
    n = len(attempts)
    p = [sum(a[q] for a in attempts) / n for q in "abc"]
    totals = [sum(a.values()) for a in attempts]
    # KR-20 with the sample variances Moodle uses: p(1-p) scaled by n/(n-1).
    kr20 = 3 / 2 * (1 - sum(x * (1 - x) * n / (n - 1) for x in p) / statistics.variance(totals))
    assert test.alpha == pytest.approx(100 * kr20)


def test_an_item_everyone_got_right_is_flagged_easy_and_has_no_correlation():
    attempts = [{"easy": 1, "x": m} for m in (0, 1, 1, 0, 1)]
    items, _ = item_analysis(attempts, {"easy": 1, "x": 1}, {})
    easy = items[0]
    assert easy.facility == 1 and easy.sd == 0
    assert easy.discrimination is None and easy.efficiency is None
    assert any(f.startswith("too easy") for f in easy.flags)


def test_all_learners_equal_and_one_attempt():
    same = [{"a": 1, "b": 0}] * 4
    items, test = item_analysis(same, {"a": 1, "b": 1}, {"b": 0.5})
    assert [i.discrimination for i in items] == [None, None]
    assert test.alpha is None and "scores that differ" in test.note
    assert any("too hard" in f and "guessing" in f for f in items[1].flags)
    items, test = item_analysis([{"a": 1}], {"a": 1}, {})
    assert items[0].facility == 1 and items[0].sd is None and test.alpha is None


def test_negative_discrimination_is_flagged():
    attempts = [{"bad": 1, "x": 0, "y": 0}, {"bad": 1, "x": 0, "y": 1}, {"bad": 0, "x": 1, "y": 1},
                {"bad": 0, "x": 1, "y": 1}, {"bad": 1, "x": 0, "y": 0}]
    items, _ = item_analysis(attempts, {"bad": 1, "x": 1, "y": 1}, {})
    bad = items[0]
    assert bad.discrimination < 0 and bad.negative_covariance and bad.effective_weight is None
    assert any(f.startswith("negative discrimination") for f in bad.flags)


def test_test_statistics_wait_for_attempts_that_share_their_questions():
    items, test = item_analysis([{"a": 1, "b": 0}, {"a": 0, "c": 1}],
                                {"a": 1, "b": 1, "c": 1}, {})
    assert test.alpha is None and "different questions" in test.note
    assert [i.count for i in items] == [2, 1, 1]
