"""True or false: one statement to judge."""
from __future__ import annotations

from collections.abc import Mapping

from . import QuestionType, register, text_of


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    template = "types/true_false.html"

    def check(self, entry, report):
        if not isinstance(entry.get("answer"), bool):
            report("'answer' must be true or false", "answer")
        feedback = entry.get("feedback")
        if feedback is not None and not (
            isinstance(feedback, Mapping) and set(feedback) <= {True, False, "true", "false"}
        ):
            report("'feedback' must map true and/or false to a sentence", "feedback")

    def data(self, entry):
        feedback = entry.get("feedback") or {}
        return {
            "correct": entry["answer"],
            "feedback": {
                "true": text_of(feedback.get(True, feedback.get("true"))),
                "false": text_of(feedback.get(False, feedback.get("false"))),
            },
        }

    def entry(self, data):
        feedback = {k: v for k, v in data["feedback"].items() if v}
        return {"answer": data["correct"], **({"feedback": feedback} if feedback else {})}

    def view(self, data, layout, answer):
        return {"options": [("true", "True", answer is True), ("false", "False", answer is False)]}

    def read_answer(self, data, layout, form):
        return {"true": True, "false": False}.get(form.get("answer", ""))

    def grade(self, data, answer):
        return 1.0 if answer is data["correct"] else 0.0

    def describe(self, data, answer):
        return "" if answer is None else ("True" if answer else "False")

    def correct(self, data):
        return "True" if data["correct"] else "False"

    def feedback(self, data, answer):
        if answer is None:
            return []
        text = data["feedback"]["true" if answer else "false"]
        return [text] if text else []

    def random_guess(self, data):
        return 0.5

    def simulate(self, data, layout, rng, right):
        return data["correct"] if right else not data["correct"]
