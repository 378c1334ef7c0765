"""Multiple response: tick every right choice; partial credit, wrong ticks cost.

The fraction earned is (right ticks / right choices) - (wrong ticks / wrong
choices), never below zero: ticking everything earns nothing.
"""
from __future__ import annotations

from wtforms import FieldList, FormField, TextAreaField
from wtforms.validators import Length

from . import MarkedPart, QuestionType, field_tokens, register, shuffled, text_of, token_index
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
from .forms import ChoiceForm, ChoicesMixin, QuestionForm, lines_of
from .lint import WARNING, trimmed


class MultipleResponseForm(ChoicesMixin, QuestionForm):
    type_name = "multiple_response"
    choices = FieldList(FormField(ChoiceForm), min_entries=4)
    answers = TextAreaField("Correct answers, one per line", validators=[Length(max=4000)],
                            description="The texts of every right choice, as written above.")

    def own_entry(self):
        return {"choices": self.choice_entries(), "answers": lines_of(self.answers.data)}

    def fill_own(self, entry):
        self.fill_choices(entry)
        self.answers.data = "\n".join(text_of(a) for a in entry.get("answers") or [])


@register
class MultipleResponse(QuestionType):
    name = "multiple_response"
    label = "Multiple response"
    fields = frozenset({"choices", "answers"})
    abbreviation = "MR"
    form_class = MultipleResponseForm

    def check(self, entry, report):
        texts = check_choices(entry, report, minimum=3)
        answers = entry.get("answers")
        if not isinstance(answers, list) or not answers:
            report("missing field 'answers' (the texts of every correct choice)", "answers",
                   "Type the text of every correct choice, one per line.")
            return
        folded = [t.casefold() for t in texts]
        for index, answer in enumerate(answers):
            if texts and text_of(answer).casefold() not in folded:
                report(f"the answer '{text_of(answer)}' is not among the choices",
                       f"answers[{index}]", f"“{text_of(answer)}” is not one of the choices "
                       "above; copy the text of a correct choice.")
        if texts and len({text_of(a).casefold() for a in answers}) >= len(texts):
            report("every choice is correct; a multiple-response question needs a wrong one",
                   "answers", "Every choice is given as correct; leave at least one wrong "
                   "choice.")

    def data(self, entry):
        choices = choice_data(entry)
        answers = {text_of(a).casefold() for a in entry["answers"]}
        correct = [i for i, c in enumerate(choices) if c["text"].casefold() in answers]
        return {"choices": choices, "correct": correct}

    def entry(self, data):
        return {"choices": choice_entries(data["choices"]),
                "answers": [data["choices"][i]["text"] for i in data["correct"]]}

    def layout(self, data, rng, shuffle):
        count = len(data["choices"])
        return {"order": shuffled(range(count), rng, shuffle), "tokens": field_tokens(rng, count)}

    def view(self, data, layout, answer):
        picked, tokens = set(answer or []), layout["tokens"]
        return {"options": [(tokens[i], data["choices"][i]["text"], i in picked)
                            for i in layout["order"]]}

    def read_answer(self, data, layout, form):
        picked = {token_index(layout["tokens"], v) for v in form.getlist("answer")}
        picked.discard(None)
        return sorted(picked) or None

    def grade(self, data, answer):
        picked = set(answer or [])
        correct = set(data["correct"])
        wrong_total = len(data["choices"]) - len(correct)
        earned = len(picked & correct) / len(correct) - len(picked - correct) / wrong_total
        return max(0.0, earned)

    def describe(self, data, answer):
        return "; ".join(data["choices"][i]["text"] for i in answer or [])

    def correct(self, data):
        return "; ".join(data["choices"][i]["text"] for i in data["correct"])

    def feedback(self, data, answer):
        return picked_feedback(data["choices"], answer or [])

    def random_guess(self, data):
        # Every subset of the choices equally likely, the empty one excepted.
        count = len(data["choices"])
        subsets = [[i for i in range(count) if mask >> i & 1] for mask in range(1, 2 ** count)]
        return sum(self.grade(data, s) for s in subsets) / len(subsets)

    part_columns = ("Choice", "You", "Correct")

    def marked_parts(self, data, answer):
        picked, right = set(answer or []), set(data["correct"])
        word = {True: "picked", False: "not picked"}
        return [MarkedPart(c["text"], word[i in picked], word[i in right],
                           (i in picked) == (i in right))
                for i, c in enumerate(data["choices"])]

    def choice_options(self, data):
        return [(c["text"], i in data["correct"]) for i, c in enumerate(data["choices"])]

    def picked_options(self, data, answer):
        return list(answer or [])

    def simulate(self, data, layout, rng, right):
        if right:
            return sorted(data["correct"])
        correct = set(data["correct"])
        wrong = [i for i in range(len(data["choices"])) if i not in correct]
        kept = [i for i in correct if rng.random() < 0.5]
        return sorted(set(kept) | {rng.choice(wrong)})

    def shown(self, data):
        return choices_shown(data)

    def secrets(self, data, prompt):
        # One of several keyed choices, a single plain word ("Planning", "Media") tells
        # little when seen elsewhere; a name or number ("Afghanistan", "2006") still does.
        return keyed_secrets(data, prompt, data["correct"], least=2)

    def fact(self, data):
        return frozenset(trimmed(data["choices"][i]["text"]) for i in data["correct"])

    def cues(self, data, prompt):
        found = catch_all_cues(data)
        choices, correct = [c["text"] for c in data["choices"]], data["correct"]
        if len(choices) > len(correct):
            keyed = [len(choices[i]) for i in correct]
            others = [len(t) for i, t in enumerate(choices) if i not in correct]
            if min(keyed) > max(others) and sum(keyed) / len(keyed) >= \
                    LONGER * sum(others) / len(others):
                found.append((WARNING, "every keyed choice is longer than every other; make "
                              "the options alike"))
        return found
