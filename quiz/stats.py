"""Score statistics: summaries, grading methods and Moodle's item analysis.

Pure functions over plain numbers; the queries that feed them live in scores.py.
Definitions follow Moodle's quiz statistics report (question/classes/statistics),
so instructors can compare the figures with the platform they know.
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

GRADING_METHODS = ("highest", "average", "first", "last")
HISTOGRAM_BINS = 10

# Thresholds for flagging items, from common item-analysis guidance (and Moodle's docs).
TOO_EASY, TOO_HARD = 0.90, 0.20
POOR_DISCRIMINATION = 20.0  # discrimination index, in percent


def final_grade(method: str, percents: Sequence[float]) -> float | None:
    """A learner's grade for a quiz from their attempts' percentages, oldest first."""
    if not percents:
        return None
    if method == "average":
        return sum(percents) / len(percents)
    if method == "first":
        return percents[0]
    if method == "last":
        return percents[-1]
    return max(percents)


@dataclass
class Summary:
    count: int
    mean: float | None
    median: float | None
    sd: float | None  # sample standard deviation; None below two values
    histogram: list[int]  # counts in bins of 10 percentage points; 100 goes in the last

    @property
    def bins(self) -> list[tuple[str, int]]:
        return [(f"{10 * i}–{10 * i + 10}%", n) for i, n in enumerate(self.histogram)]


def summarise(percents: Sequence[float]) -> Summary:
    histogram = [0] * HISTOGRAM_BINS
    for p in percents:
        histogram[min(int(p // 10), HISTOGRAM_BINS - 1) if p >= 0 else 0] += 1
    if not percents:
        return Summary(0, None, None, None, histogram)
    return Summary(
        count=len(percents),
        mean=statistics.fmean(percents),
        median=statistics.median(percents),
        sd=statistics.stdev(percents) if len(percents) > 1 else None,
        histogram=histogram,
    )


@dataclass
class ItemStats:
    key: str
    max_marks: float
    count: int  # attempts that asked the item
    random_guess: float
    facility: float | None = None  # mean mark / max mark, 0..1
    sd: float | None = None  # of the mark / max mark, 0..1
    intended_weight: float | None = None  # percent
    effective_weight: float | None = None  # percent; None when covariance is negative
    discrimination: float | None = None  # percent: correlation with the rest of the test
    efficiency: float | None = None  # percent: discrimination / its maximum possible
    negative_covariance: bool = False
    covariance_overall: float | None = None  # with the attempt's total, for effective weight
    flags: list[str] = field(default_factory=list)


@dataclass
class TestStats:
    attempts: int
    items: int
    alpha: float | None  # coefficient of internal consistency, percent (KR-20 for 0/1 items)
    error_ratio: float | None  # percent
    standard_error: float | None  # in marks
    note: str = ""


def _variance(values: Sequence[float]) -> float | None:
    """The sample variance. statistics.variance is exact but works in fractions, far too
    slow for thousands of attempts; fsum is accurate to the last bits, and a constant
    list still gives exactly 0, which the callers test for."""
    if len(values) < 2:
        return None
    first = values[0]
    if all(v == first for v in values):
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def item_analysis(attempts: Sequence[dict[str, float]], max_marks: dict[str, float],
                  guesses: dict[str, float]) -> tuple[list[ItemStats], TestStats]:
    """Item and test statistics from each attempt's marks per item key.

    ``attempts`` holds one mapping per finished attempt, item key -> marks earned;
    an item absent from an attempt was not asked in it.
    """
    totals = [sum(a.values()) for a in attempts]
    # Which attempts asked each item, in order: one pass over the answers, not one per item.
    asked_in: dict[str, list[int]] = {}
    for index, attempt in enumerate(attempts):
        for key in attempt:
            asked_in.setdefault(key, []).append(index)
    items: list[ItemStats] = []
    for key, maximum in max_marks.items():
        indexes = asked_in.get(key, [])
        marks = [attempts[i][key] for i in indexes]
        others = [totals[i] - attempts[i][key] for i in indexes]
        overall = [totals[i] for i in indexes]
        item = ItemStats(key, maximum, len(marks), guesses.get(key, 0.0))
        items.append(item)
        if not marks:
            continue
        item.facility = statistics.fmean(marks) / maximum
        variance, other_variance = _variance(marks), _variance(others)
        if variance is None:
            continue
        item.sd = math.sqrt(variance) / maximum
        covariance = _covariance(marks, others)
        covariance_max = _covariance(sorted(marks), sorted(others))
        item.covariance_overall = _covariance(marks, overall)
        if variance * other_variance:
            item.discrimination = 100 * covariance / math.sqrt(variance * other_variance)
        if covariance_max:
            item.efficiency = 100 * covariance / covariance_max
        item.negative_covariance = item.covariance_overall < 0
    _weights(items, attempts)
    for item in items:
        item.flags = flag(item)
    return items, _test_stats(attempts, max_marks, totals)


def _weights(items: list[ItemStats], attempts: Sequence[dict[str, float]]) -> None:
    asked = [i for i in items if i.count]
    rank = {item.key: n for n, item in enumerate(asked)}
    maximum = {item.key: item.max_marks for item in asked}
    # Each attempt's maximum, summed in the items' order as before, from its own keys only.
    per_attempt_max = statistics.fmean(
        [sum(maximum[k] for k in sorted((k for k in a if k in rank), key=rank.__getitem__))
         for a in attempts]) if attempts else 0
    root_sum = sum(math.sqrt(i.covariance_overall) for i in asked
                   if i.covariance_overall is not None and i.covariance_overall >= 0)
    for item in asked:
        if per_attempt_max:
            item.intended_weight = 100 * item.max_marks / per_attempt_max
        covariance = item.covariance_overall
        if covariance is not None and covariance >= 0 and root_sum:
            item.effective_weight = 100 * math.sqrt(covariance) / root_sum


def _test_stats(attempts, max_marks, totals) -> TestStats:
    keys = set(max_marks)
    same_items = attempts and all(set(a) == set(attempts[0]) for a in attempts)
    if not same_items:
        note = "not computed: the attempts drew different questions" if attempts else ""
        return TestStats(len(attempts), len(keys), None, None, None, note)
    asked = sorted(attempts[0])
    total_variance = _variance(totals)
    if len(asked) < 2 or not total_variance:
        return TestStats(len(attempts), len(asked), None, None, None,
                         "not computed: needs two items and scores that differ")
    item_variance = sum(_variance([a[k] for a in attempts]) or 0.0 for k in asked)
    k = len(asked)
    alpha = 100 * k / (k - 1) * (1 - item_variance / total_variance)
    if alpha >= 100 or alpha < 0:
        return TestStats(len(attempts), k, alpha, None, None)
    error_ratio = 100 * math.sqrt(1 - alpha / 100)
    return TestStats(len(attempts), k, alpha, error_ratio,
                     error_ratio / 100 * math.sqrt(total_variance))


def flag(item: ItemStats) -> list[str]:
    """Why an item deserves a second look; empty when it behaves."""
    reasons = []
    if item.facility is None:
        return reasons
    if item.facility >= TOO_EASY:
        reasons.append(f"too easy: {item.facility:.0%} of the marks were earned")
    if item.facility <= TOO_HARD or item.facility <= item.random_guess:
        reasons.append(f"too hard: only {item.facility:.0%} of the marks were earned"
                       + (" (no better than guessing)" if item.facility <= item.random_guess
                          else ""))
    if item.discrimination is not None:
        if item.discrimination < 0:
            reasons.append(f"negative discrimination ({item.discrimination:.0f}%): stronger "
                           "learners do worse on it; check the key and the wording")
        elif item.discrimination < POOR_DISCRIMINATION:
            reasons.append(f"poor discrimination ({item.discrimination:.0f}%): it barely "
                           "separates stronger from weaker learners")
    return reasons
