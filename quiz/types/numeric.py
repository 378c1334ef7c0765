"""Numeric: a number typed in, right within an optional tolerance."""
from __future__ import annotations

import re

from wtforms import StringField
from wtforms.validators import Length

from . import QuestionType, register, text_of
from .forms import QuestionForm, number_of

# "500,000", "500 000" and "1,5" are read the way people write them.
_GROUPED = re.compile(r"^[+-]?\d{1,3}([, \u00a0\u202f]\d{3})+(\.\d+)?$")
MAX_LENGTH = 60


def parse_number(text: str) -> float | None:
    """The number a learner typed, or None when it is not one."""
    text = text.strip()
    if _GROUPED.match(text):
        text = re.sub(r"[, \u00a0\u202f]", "", text)
    elif re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


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
            report("'answer' must be a number", "answer")
        tolerance = entry.get("tolerance", 0)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            report("'tolerance' must be a number of zero or more", "tolerance")

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
        return {"value": answer or "", "unit": data["unit"]}

    def read_answer(self, data, layout, form):
        value = form.get("answer", "").strip()[:MAX_LENGTH]
        return value or None

    def grade(self, data, answer):
        value = parse_number(answer or "")
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
        if answer and parse_number(answer) is None:
            return [f"'{answer}' is not a number."]
        return []

    def simulate(self, data, layout, rng, right):
        value = data["answer"] if right else data["answer"] + rng.choice([-2, -1, 1, 2]) * max(
            1, data["tolerance"] * 3)
        return f"{value:g}"
