"""True or false: one statement to judge."""
from __future__ import annotations

from collections.abc import Mapping

from wtforms import RadioField, StringField
from wtforms.validators import Length

from . import QuestionType, register, text_of
from .forms import QuestionForm, options
from .lint import WARNING, words

# Words that make a statement absolute: true/false questions built on them are nearly always
# false, and learners know it.
ABSOLUTES = ("only", "always", "never", "none", "solely", "exclusively", "entirely",
             "completely", "nothing", "nobody", "no one", "every")


class TrueFalseForm(QuestionForm):
    type_name = "true_false"
    answer = RadioField("The statement is", choices=options([("true", "True"), ("false", "False")]),
                        validate_choice=False)
    feedback_true = StringField("Feedback for a learner who answers True",
                                validators=[Length(max=1000)])
    feedback_false = StringField("Feedback for a learner who answers False",
                                 validators=[Length(max=1000)])

    def own_entry(self):
        entry = {"answer": {"true": True, "false": False}.get(self.answer.data or "")}
        feedback = {key: text for key, text in (("true", self.feedback_true.data),
                                                ("false", self.feedback_false.data))
                    if (text or "").strip()}
        if feedback:
            entry["feedback"] = {k: v.strip() for k, v in feedback.items()}
        return entry

    def fill_own(self, entry):
        answer = entry.get("answer")
        self.answer.data = {True: "true", False: "false"}.get(answer) if isinstance(
            answer, bool) else None
        feedback = entry.get("feedback") or {}
        self.feedback_true.data = text_of(feedback.get(True, feedback.get("true")))
        self.feedback_false.data = text_of(feedback.get(False, feedback.get("false")))


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    fields = frozenset({"answer", "feedback"})
    abbreviation = "TF"
    form_class = TrueFalseForm

    def check(self, entry, report):
        if not isinstance(entry.get("answer"), bool):
            report("'answer' must be true or false", "answer",
                   "Choose whether the statement is true or false.")
        feedback = entry.get("feedback")
        if feedback is not None and not (
            isinstance(feedback, Mapping) and set(feedback) <= {True, False, "true", "false"}
        ):
            report("'feedback' must map true and/or false to a sentence", "feedback",
                   "Feedback is written for True, for False, or for both.")

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

    def choice_options(self, data):
        return [("True", data["correct"] is True), ("False", data["correct"] is False)]

    def picked_options(self, data, answer):
        return [] if answer is None else [0 if answer else 1]

    def simulate(self, data, layout, rng, right):
        return data["correct"] if right else not data["correct"]

    duplicate_overlap = 0.6  # two statements share many words and still differ

    def fact(self, data):
        return frozenset({f" {str(data['correct']).lower()} "})

    def cues(self, data, prompt):
        said = [w for w in ABSOLUTES if f" {w} " in words(prompt)]
        return [(WARNING, f"the statement says '{said[0]}': absolute statements are guessed "
                 "false; state the fact the text gives")] if said else []
