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
    assert test.alpha == pytest.approx(100 * alpha) == pytest.approx(100 * ALPHA)
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


def test_test_statistics_of_attempts_of_different_lengths_are_not_computed():
    items, test = item_analysis([{"a": 1, "b": 0}, {"a": 0}, {"b": 1}],
                                {"a": 1, "b": 1}, {})
    assert test.alpha is None and "different numbers of questions" in test.note
    assert [i.count for i in items] == [2, 2]


# Hand-computed figures of ATTEMPTS (sample variances, n - 1 = 5):
# q1 1,1,1,0,1,0: 4/15; q2 1,0,1,1,0,0: 3/10; q3 2,2,1,0,0,1: 4/5; sum 41/30.
# Totals 4,3,3,1,1,1 (mean 13/6): variance 53/30.
# alpha = 3/2 (1 - (41/30) / (53/30)) = 3/2 * 12/53 = 18/53.
ALPHA = 18 / 53


def test_a_question_worth_no_marks_has_no_facility_and_leaves_the_test_alone():
    with_zero = [dict(a, z=0) for a in ATTEMPTS]
    items, test = item_analysis(with_zero, dict(MAX, z=0), GUESS)
    zero = items[-1]
    assert zero.key == "z" and zero.count == 6
    assert zero.facility is None and zero.sd is None and zero.discrimination is None
    assert zero.intended_weight == 0 and zero.flags == []
    assert items[2].intended_weight == pytest.approx(50)      # 2 of 4 marks, as without z
    # k stays 3: a question that adds nothing to any score does not raise k / (k - 1).
    assert test.items == 3 and test.alpha == pytest.approx(100 * ALPHA)
    assert test.error_ratio == pytest.approx(100 * math.sqrt(35 / 53))
    assert test.standard_error == pytest.approx(math.sqrt(7 / 6))   # sqrt(35/53 * 53/30)


def test_a_quiz_of_questions_worth_no_marks_reports_without_dividing_by_zero():
    items, test = item_analysis([{"z": 0}, {"z": 0}, {"z": 0}], {"z": 0}, {})
    assert items[0].facility is None and items[0].intended_weight is None
    assert test.alpha is None and test.items == 0


def test_error_ratio_and_standard_error_are_shown_with_a_negative_alpha():
    # Two items that learners get right in turn: variances 3/10 each, totals 1,1,1,1,2
    # (mean 6/5) vary by 1/5; alpha = 2 (1 - (3/5) / (1/5)) = -4.
    attempts = [{"a": 1, "b": 0}, {"a": 0, "b": 1}, {"a": 1, "b": 0}, {"a": 0, "b": 1},
                {"a": 1, "b": 1}]
    _, test = item_analysis(attempts, {"a": 1, "b": 1}, {})
    assert test.alpha == pytest.approx(-400)
    assert test.error_ratio == pytest.approx(100 * math.sqrt(5))     # 223.6%
    assert test.standard_error == pytest.approx(1.0)                 # sqrt(5) * sqrt(1/5)
    assert len(test.flags) == 1 and test.flags[0].startswith("negative alpha")
    _, plain = item_analysis(ATTEMPTS, MAX, GUESS)
    assert plain.flags == []


def test_drawn_quizzes_get_test_statistics_by_position():
    # Five attempts of two questions each drawn from a, b, c, d (in the order asked).
    attempts = [{"a": 1, "b": 1}, {"c": 1, "d": 1}, {"d": 0, "a": 1}, {"c": 0, "b": 0},
                {"a": 0, "b": 0}]
    items, test = item_analysis(attempts, {"a": 1, "b": 1, "c": 1, "d": 1}, {})
    # Position 1: 1,1,0,0,0 and position 2: 1,1,1,0,0, variance 3/10 each; totals
    # 2,2,1,0,0 (mean 1) vary by 1; alpha = 2 (1 - 3/5) = 4/5.
    assert test.by == "position" and test.items == 2 and test.note == ""
    assert test.alpha == pytest.approx(80)
    assert test.error_ratio == pytest.approx(100 * math.sqrt(0.2))
    assert test.standard_error == pytest.approx(math.sqrt(0.2))
    by_key = {i.key: i for i in items}
    assert [by_key[k].count for k in "abcd"] == [3, 3, 2, 2]
    assert by_key["a"].positions == [1, 2] and by_key["b"].positions == [2]
    # a: marks 1,1,0 against the rest of the test 1,0,0: covariance 1/6, variances 1/3,
    # so 50%. Moodle's figure for a drawn question, against totals 2,1,0 including it,
    # would be (1/2) / sqrt(1/3) = 86.6%.
    assert by_key["a"].facility == pytest.approx(2 / 3)
    assert by_key["a"].discrimination == pytest.approx(50)


def test_one_attempt():
    items, test = item_analysis([{"a": 1, "b": 0}], {"a": 1, "b": 2}, {})
    assert [i.facility for i in items] == [1, 0] and items[0].sd is None
    assert items[1].intended_weight == pytest.approx(100 * 2 / 3)
    assert test.attempts == 1 and test.alpha is None and test.error_ratio is None
    summary = summarise([100 / 3])
    assert summary.sd is None and summary.skewness is None and summary.kurtosis is None


@pytest.mark.parametrize("mark", [0, 1])
def test_everyone_right_or_everyone_wrong(mark):
    attempts = [{"a": mark, "b": mark, "c": mark}] * 4
    items, test = item_analysis(attempts, {"a": 1, "b": 1, "c": 1}, {})
    for item in items:
        assert item.facility == mark and item.sd == 0 and item.discrimination is None
        assert item.efficiency is None and item.effective_weight is None
        assert item.flags[0].startswith("too easy" if mark else "too hard")
    assert test.alpha is None and test.error_ratio is None and "scores that differ" in test.note
    summary = summarise([100.0 * mark] * 4)
    assert summary.mean == 100 * mark and summary.sd == 0
    assert summary.skewness is None and summary.kurtosis is None


def test_skewness_and_kurtosis_follow_moodles_k_statistics():
    # Scores 0, 10, 20, 70 (percent; the figures do not depend on the scale): in tens,
    # deviations from 2.5 are -2.5, -1.5, -0.5, 4.5, whose powers sum to 29 (squares),
    # 72 (cubes) and 454.25 (fourth). With s = 4: m2 = 29/4, m3 = 18, m4 = 454.25/4;
    # k2 = 4 m2 / 3 = 29/3; k3 = 16 m3 / (3 * 2) = 48;
    # k4 = 16 (5 m4 - 3 * 3 m2^2) / (3 * 2 * 1) = 16 * 94.75 / 6 = 758/3.
    summary = summarise([0, 10, 20, 70])
    assert summary.skewness == pytest.approx(48 / (29 / 3) ** 1.5)     # 1.597
    assert summary.kurtosis == pytest.approx((758 / 3) / (29 / 3) ** 2)  # 2274/841 = 2.704
    # A symmetric distribution has no skew; three scores give no kurtosis.
    three = summarise([20, 50, 80])
    assert three.skewness == pytest.approx(0) and three.kurtosis is None
