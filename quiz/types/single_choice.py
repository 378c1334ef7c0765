"""Single choice: exactly one of several choices is right."""
from __future__ import annotations

from wtforms import FieldList, FormField, StringField
from wtforms.validators import Length

from . import QuestionType, field_tokens, register, shuffled, text_of, token_index
from .choices import (
    LONGER,
    catch_all_cues,
    check_choices,
    choice_data,
    choice_entries,
    choices_shown,
    keyed_secrets,
    picked_feedback,
)
from .forms import ChoiceForm, ChoicesMixin, QuestionForm
from .lint import WARNING, spelled_out_cue, trimmed


class SingleChoiceForm(ChoicesMixin, QuestionForm):
    """The choices, with a radio beside each that marks the correct one (its value is the
    row's index). A form without a marked row may name the correct choice by its text in
    ``answer``, as a bank does; the marked row wins when there is one."""

    type_name = "single_choice"
    choices = FieldList(FormField(ChoiceForm), min_entries=3)
    correct = StringField("Correct choice", validators=[Length(max=10)])
    answer = StringField("Correct answer", validators=[Length(max=1000)])
    error_fields = {**QuestionForm.error_fields, "answer": "correct"}

    def own_entry(self):
        marked = self.marked_text()
        return {"choices": self.choice_entries(),
                "answer": marked or (self.answer.data or "").strip()}

    def marked_text(self) -> str:
        """The text of the row whose radio is on ("" when none is, or that row is empty)."""
        index = (self.correct.data or "").strip()
        if not (index.isascii() and index.isdigit()) or int(index) >= len(self.choices):
            return ""
        return (self.choices[int(index)].text.data or "").strip()

    def fill_own(self, entry):
        self.fill_choices(entry)
        answer = text_of(entry.get("answer")).casefold()
        self.answer.data = None
        self.correct.data = next((str(i) for i, row in enumerate(self.choices)
                                  if answer and (row.text.data or "").casefold() == answer), None)


@register
class SingleChoice(QuestionType):
    name = "single_choice"
    label = "Single choice"
    fields = frozenset({"choices", "answer"})
    abbreviation = "SC"
    form_class = SingleChoiceForm

    def check(self, entry, report):
        texts = check_choices(entry, report)
        answer = text_of(entry.get("answer"))
        if not answer:
            report("missing field 'answer' (the text of the correct choice)", "answer",
                   "Choose which choice is correct.")
        elif texts and answer.casefold() not in (t.casefold() for t in texts):
            report(f"the answer '{answer}' is not among the choices", "answer",
                   f"The answer “{answer}” must be one of the choices above: mark the "
                   "correct one.")

    def data(self, entry):
        choices = choice_data(entry)
        answer = text_of(entry["answer"]).casefold()
        correct = next(i for i, c in enumerate(choices) if c["text"].casefold() == answer)
        return {"choices": choices, "correct": correct}

    def entry(self, data):
        return {"choices": choice_entries(data["choices"]),
                "answer": data["choices"][data["correct"]]["text"]}

    def layout(self, data, rng, shuffle):
        count = len(data["choices"])
        return {"order": shuffled(range(count), rng, shuffle), "tokens": field_tokens(rng, count)}

    def view(self, data, layout, answer):
        tokens = layout["tokens"]
        return {"options": [(tokens[i], data["choices"][i]["text"], i == answer)
                            for i in layout["order"]]}

    def read_answer(self, data, layout, form):
        return token_index(layout["tokens"], form.get("answer"))

    def grade(self, data, answer):
        return 1.0 if answer == data["correct"] else 0.0

    def describe(self, data, answer):
        return "" if answer is None else data["choices"][answer]["text"]

    def correct(self, data):
        return data["choices"][data["correct"]]["text"]

    def feedback(self, data, answer):
        return [] if answer is None else picked_feedback(data["choices"], [answer])

    def random_guess(self, data):
        return 1 / len(data["choices"])

    def choice_options(self, data):
        return [(c["text"], i == data["correct"]) for i, c in enumerate(data["choices"])]

    def picked_options(self, data, answer):
        return [] if answer is None else [answer]

    def simulate(self, data, layout, rng, right):
        wrong = [i for i in range(len(data["choices"])) if i != data["correct"]]
        return data["correct"] if right else rng.choice(wrong)

    def shown(self, data):
        return choices_shown(data)

    def secrets(self, data, prompt):
        return keyed_secrets(data, prompt, [data["correct"]], least=1)

    def fact(self, data):
        return frozenset({trimmed(data["choices"][data["correct"]]["text"])})

    def keyed_texts(self, data):
        return [data["choices"][data["correct"]]["text"]]

    def cues(self, data, prompt):
        found = catch_all_cues(data)
        choices = [c["text"] for c in data["choices"]]
        if len(choices) > 1:
            keyed = choices[data["correct"]]
            longest = max(len(t) for i, t in enumerate(choices) if i != data["correct"])
            if len(keyed) >= LONGER * longest and len(keyed) - longest >= 10:
                found.append((WARNING, f"the keyed choice ({len(keyed)} characters) is much "
                              f"longer than every other ({longest} at most); make the "
                              "options alike"))
        return found + spelled_out_cue(self.keyed_texts(data), prompt)

    def keyed_position(self, data):
        return data["correct"]
