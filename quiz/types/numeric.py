"""Numeric: a number typed in, right within an optional tolerance.

Numbers are read the way people write them (docs/answers.md): "500,000", "500.000",
"500 000" and "500 000" (a thin space) are all 500000, "1,5" is 1.5, and a currency sign
or unit may go with the number when it is the question's.
"""
from __future__ import annotations

import re

from wtforms import StringField
from wtforms.validators import Length

from . import QuestionType, register, text_of
from .forms import QuestionForm, number_of
from .lint import ERROR, Secret, number_texts, words

MAX_LENGTH = 60
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_NUMBER = re.compile(r"[+\u2212-]?\d[\d.,\s\u00a0\u2009\u202f']*")
# Thousands grouped by one separator throughout; the first group does not start with 0.
_GROUPS = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[,.' ])\d{3})(?:(?P=sep)\d{3})*")
# Other ways of writing a unit: the question's unit, casefolded, is always accepted too.
UNIT_NAMES = {
    "eur": {"€", "eur", "euro", "euros"}, "usd": {"$", "us$", "usd", "dollar", "dollars"},
    "gbp": {"£", "gbp", "pound", "pounds"}, "%": {"%", "percent", "per cent"},
    "km": {"km", "kilometre", "kilometres", "kilometer", "kilometers"},
}
# The examples the answer box shows: numbers no shipped question has as its answer (the
# bank lint reports a keyed answer equal to one of them).
HINT_EXAMPLES = ("1 234,5", "67.890")


def unit_names(unit: str) -> set[str]:
    unit = unit.strip().casefold()
    if not unit:
        return set()
    names = UNIT_NAMES.get(unit, set()) | {unit}
    return names | ({unit.removesuffix("s")} if len(unit) > 2 else set())


def _value(digits: str) -> float | None:
    """The value of a number written with separators: three digits after a separator make a
    group of thousands ("500.000", "1,500"); any other count of digits after the last comma
    or point makes a decimal part ("1,5", "3.25", "0.500")."""
    digits = digits.strip().replace("\u2212", "-")
    sign = ""
    if digits[:1] in "+-":
        sign, digits = digits[0], digits[1:].strip()
    if not digits:
        return None
    compact = _SPACES.sub(" ", digits)
    grouped = _GROUPS.fullmatch(compact)
    if grouped:
        return float(sign + re.sub(r"[,.' ]", "", compact))
    # A grouped whole part with a decimal part: "500,000.5", "500.000,5", "1 234,5".
    for point, group in ((".", ",'"), (",", ".'")):
        whole, dot, fraction = compact.rpartition(point)
        if dot and fraction.isdigit() and whole:
            spaced = re.sub(f"[{re.escape(group)}]", " ", whole)
            if re.fullmatch(r"\d+", whole) or re.fullmatch(r"\d{1,3}( \d{3})+", spaced) \
                    and len({c for c in whole if not c.isdigit()}) == 1:
                return float(f"{sign}{spaced.replace(' ', '')}.{fraction}")
    if re.fullmatch(r"\d+", compact):
        return float(sign + compact)
    return None


def parse_number(text: str, unit: str = "") -> float | None:
    """The number a learner typed, with a sign or name of ``unit`` before or after it; None
    when it is not a number or names another unit."""
    text = text.strip()
    match = _NUMBER.search(text)
    if not match:
        return None
    rest = (text[:match.start()] + " " + text[match.end():]).strip().casefold()
    if rest and rest not in unit_names(unit):
        return None
    value = _value(match.group().rstrip(".,' "))
    return value if value is not None and value == value and abs(value) != float("inf") \
        else None


def _format(value: float) -> str:
    return f"{value:,.10g}" if abs(value) >= 10000 else f"{value:.10g}"


class NumericForm(QuestionForm):
    type_name = "numeric"
    answer = StringField("Correct answer (a number)", validators=[Length(max=60)])
    tolerance = StringField("Tolerance (±)", default="0", validators=[Length(max=60)])
    unit = StringField("Unit (optional)", validators=[Length(max=40)])

    def own_entry(self):
        entry = {"answer": number_of(self.answer.data),
                 "tolerance": number_of(self.tolerance.data) or 0}
        if (self.unit.data or "").strip():
            entry["unit"] = self.unit.data.strip()
        return entry

    def fill_own(self, entry):
        self.answer.data = text_of(entry.get("answer"))
        self.tolerance.data = text_of(entry.get("tolerance", 0))
        self.unit.data = text_of(entry.get("unit"))


@register
class Numeric(QuestionType):
    name = "numeric"
    label = "Numeric"
    fields = frozenset({"answer", "tolerance", "unit"})
    abbreviation = "NUM"
    form_class = NumericForm

    def check(self, entry, report):
        answer = entry.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            report("'answer' must be a number", "answer",
                   "Enter the answer as a number, such as 1995 or 2.5.")
        tolerance = entry.get("tolerance", 0)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            report("'tolerance' must be a number of zero or more", "tolerance",
                   "Tolerance must be a number, 0 or more.")

    def data(self, entry):
        return {
            "answer": entry["answer"],
            "tolerance": entry.get("tolerance", 0),
            "unit": text_of(entry.get("unit")),
        }

    def entry(self, data):
        found = {"answer": data["answer"], "tolerance": data["tolerance"]}
        return found | ({"unit": data["unit"]} if data["unit"] else {})

    def view(self, data, layout, answer):
        return {"value": answer or "", "unit": data["unit"],
                "hint": f"A number, such as {HINT_EXAMPLES[0]} or {HINT_EXAMPLES[1]}."}

    def read_answer(self, data, layout, form):
        value = form.get("answer", "").strip()[:MAX_LENGTH]
        return value or None

    def grade(self, data, answer):
        value = parse_number(answer or "", data["unit"])
        if value is None:
            return 0.0
        return 1.0 if abs(value - data["answer"]) <= data["tolerance"] + 1e-9 else 0.0

    def describe(self, data, answer):
        return answer or ""

    def correct(self, data):
        text = _format(data["answer"])
        if data["tolerance"]:
            text += f" (± {_format(data['tolerance'])})"
        return f"{text} {data['unit']}".strip()

    def feedback(self, data, answer):
        if answer and parse_number(answer, data["unit"]) is None:
            if parse_number(answer) is not None or _NUMBER.search(answer):
                return [f"'{answer}' is not a number in {data['unit']}."]
            return [f"'{answer}' is not a number."]
        return []

    def simulate(self, data, layout, rng, right):
        value = data["answer"] if right else data["answer"] + rng.choice([-2, -1, 1, 2]) * max(
            1, data["tolerance"] * 3)
        return f"{value:g}"

    def secrets(self, data, prompt):
        return [Secret("recall", t, words(t)) for t in number_texts(data["answer"])]

    def fact(self, data):
        return frozenset({words(number_texts(data["answer"])[0])})

    def keyed_texts(self, data):
        return [str(data["answer"])]

    def cues(self, data, prompt):
        if any(parse_number(e) == data["answer"] for e in HINT_EXAMPLES):
            return [(ERROR, f"the answer {data['answer']:g} is an example in the answer "
                            "box's hint")]
        return []
