"""Score statistics: summaries, grading methods and Moodle's item analysis.

Pure functions over plain numbers; the queries that feed them live in scores.py.
Definitions follow Moodle's quiz statistics report (mod/quiz/report/statistics and
question/classes/statistics), so instructors can compare the figures with the platform
they know; docs/statistics.md says which definition each figure follows and where ours
differs on purpose.
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

NEGATIVE_ALPHA = ("negative alpha: the items' marks vary more on their own than the total "
                  "does, so learners who do well on some do badly on others and the test "
                  "does not measure one thing consistently (or there are too few attempts); "
                  "an error ratio over 100% means the measurement error is larger than "
                  "the spread of the scores")


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
    skewness: float | None = None  # Moodle's k3 / k2^1.5; None below three values
    kurtosis: float | None = None  # Moodle's k4 / k2^2 (0 for a normal); None below four

    @property
    def bins(self) -> list[tuple[str, int]]:
        return [(f"{10 * i}–{10 * i + 10}%", n) for i, n in enumerate(self.histogram)]


def summarise(percents: Sequence[float]) -> Summary:
    histogram = [0] * HISTOGRAM_BINS
    for p in percents:
        histogram[min(int(p // 10), HISTOGRAM_BINS - 1) if p >= 0 else 0] += 1
    if not percents:
        return Summary(0, None, None, None, histogram)
    skewness, kurtosis = shape(percents)
    return Summary(
        count=len(percents),
        mean=statistics.fmean(percents),
        median=statistics.median(percents),
        sd=statistics.stdev(percents) if len(percents) > 1 else None,
        histogram=histogram,
        skewness=skewness,
        kurtosis=kurtosis,
    )


def shape(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Skewness and kurtosis as Moodle's quiz statistics compute them, from the
    k-statistics k2, k3 and k4 of the scores (both None while the scores are all equal)."""
    s = len(values)
    if s < 3:
        return None, None
    mean = math.fsum(values) / s
    m2, m3, m4 = (math.fsum((v - mean) ** p for v in values) / s for p in (2, 3, 4))
    k2 = s * m2 / (s - 1)
    if not k2 or all(v == values[0] for v in values):
        return None, None
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    skewness = k3 / k2 ** 1.5
    if s < 4:
        return skewness, None
    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
    return skewness, k4 / (k2 * k2)


@dataclass
class ItemStats:
    key: str
    max_marks: float
    count: int  # attempts that asked the item
    random_guess: float
    facility: float | None = None  # mean mark / max mark, 0..1; None for a 0-mark item
    sd: float | None = None  # of the mark / max mark, 0..1
    intended_weight: float | None = None  # percent
    effective_weight: float | None = None  # percent; None when covariance is negative
    discrimination: float | None = None  # percent: correlation with the rest of the test
    efficiency: float | None = None  # percent: discrimination / its maximum possible
    negative_covariance: bool = False
    covariance_overall: float | None = None  # with the attempt's total, for effective weight
    positions: list[int] = field(default_factory=list)  # where it was asked, from 1
    flags: list[str] = field(default_factory=list)


@dataclass
class TestStats:
    attempts: int
    items: int  # the k of alpha: questions, or positions when attempts drew different ones
    alpha: float | None  # coefficient of internal consistency, percent (KR-20 for 0/1 items)
    error_ratio: float | None  # percent
    standard_error: float | None  # in marks
    note: str = ""
    by: str = "question"  # what alpha's items are: "question", or "position" (Moodle's slot)
    flags: list[str] = field(default_factory=list)


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

    ``attempts`` holds one mapping per finished attempt, item key -> marks earned, in the
    order the items were asked (their positions); an item absent from an attempt was not
    asked in it.
    """
    totals = [math.fsum(a.values()) for a in attempts]
    # Which attempts asked each item, in order: one pass over the answers, not one per item.
    asked_in: dict[str, list[int]] = {}
    positions: dict[str, set[int]] = {}
    for index, attempt in enumerate(attempts):
        for position, key in enumerate(attempt, start=1):
            asked_in.setdefault(key, []).append(index)
            positions.setdefault(key, set()).add(position)
    items: list[ItemStats] = []
    for key, maximum in max_marks.items():
        indexes = asked_in.get(key, [])
        marks = [attempts[i][key] for i in indexes]
        item = ItemStats(key, maximum, len(marks), guesses.get(key, 0.0),
                         positions=sorted(positions.get(key, ())))
        items.append(item)
        if marks:
            _describe(item, marks, [totals[i] for i in indexes])
    _weights(items, attempts)
    for item in items:
        item.flags = flag(item)
    return items, _test_stats(attempts, max_marks, totals)


def _describe(item: ItemStats, marks: list[float], overall: list[float]) -> None:
    """An item's figures from its marks and the totals of the attempts that asked it.

    Its discrimination correlates its marks with the rest of the test (total minus the
    item) whether it was fixed or drawn at random: Moodle correlates a drawn question with
    the total including it, which adds the item's own variance to both sides and reads
    higher the shorter the test; the rest of the test keeps fixed and drawn questions on
    one scale."""
    maximum = item.max_marks
    others = [t - m for t, m in zip(overall, marks, strict=True)]
    if maximum:  # a question worth no marks has no facility (as in Moodle)
        item.facility = statistics.fmean(marks) / maximum
    variance, other_variance = _variance(marks), _variance(others)
    if variance is None:
        return
    if maximum:
        item.sd = math.sqrt(variance) / maximum
    covariance = _covariance(marks, others)
    covariance_max = _covariance(sorted(marks), sorted(others))
    item.covariance_overall = _covariance(marks, overall)
    if variance * other_variance:
        item.discrimination = 100 * covariance / math.sqrt(variance * other_variance)
    if covariance_max:
        item.efficiency = 100 * covariance / covariance_max
    item.negative_covariance = item.covariance_overall < 0


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


def _columns(attempts: Sequence[dict[str, float]], max_marks: dict[str, float]
             ) -> tuple[str, list[list[float]]] | str:
    """The marks of alpha's items, one list per item: by question when every attempt asked
    the same ones, else by position (Moodle's slots), which needs attempts of one length.
    An item worth no marks in every attempt adds nothing to any score and is left out.
    A note instead when neither applies."""
    first = attempts[0]
    if all(a.keys() == first.keys() for a in attempts):
        return "question", [[a[k] for a in attempts] for k in first if max_marks.get(k)]
    if any(len(a) != len(first) for a in attempts):
        return "not computed: the attempts asked different numbers of questions"
    rows = [list(a.items()) for a in attempts]
    return "position", [[mark for _, mark in column] for column in zip(*rows, strict=True)
                        if any(max_marks.get(key) for key, _ in column)]


def _test_stats(attempts, max_marks, totals) -> TestStats:
    if not attempts:
        return TestStats(0, 0, None, None, None)
    columns = _columns(attempts, max_marks)
    if isinstance(columns, str):
        return TestStats(len(attempts), 0, None, None, None, columns)
    by, columns = columns
    k = len(columns)
    total_variance = _variance(totals)
    if k < 2 or not total_variance:
        return TestStats(len(attempts), k, None, None, None,
                         "not computed: needs two items and scores that differ", by)
    item_variance = math.fsum(_variance(column) or 0.0 for column in columns)
    alpha = 100 * k / (k - 1) * (1 - item_variance / total_variance)
    # Reported whatever alpha is, as Moodle does; alpha cannot exceed 100 but for rounding.
    error_ratio = 100 * math.sqrt(max(0.0, 1 - alpha / 100))
    return TestStats(len(attempts), k, alpha, error_ratio,
                     error_ratio / 100 * math.sqrt(total_variance), by=by,
                     flags=[NEGATIVE_ALPHA] if alpha < 0 else [])


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
