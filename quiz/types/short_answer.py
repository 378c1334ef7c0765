"""Short answer: a few words typed in, compared with accepted variants.

Case, spacing, typographic quotes and dashes, and punctuation are ignored.
"""
from __future__ import annotations

import re
from functools import lru_cache

from wtforms import TextAreaField
from wtforms.validators import Length

from ..textmatch import normalise
from . import QuestionType, register, text_of
from .forms import QuestionForm, lines_of

_PUNCTUATION = re.compile(r"[^\w\s]")
MAX_LENGTH = 500


@lru_cache(maxsize=4096)  # every learner's answer is compared with the same few variants
def canonical(text: str) -> str:
    text = _PUNCTUATION.sub(" ", normalise(text).casefold())
    return " ".join(text.split())


class ShortAnswerForm(QuestionForm):
    type_name = "short_answer"
    answers = TextAreaField("Accepted answers, one per line", validators=[Length(max=4000)],
                            description="The first is shown as the correct answer. Case, "
                            "spacing and punctuation are ignored when grading.")

    def own_entry(self):
        return {"answers": lines_of(self.answers.data)}

    def fill_own(self, entry):
        self.answers.data = "\n".join(text_of(a) for a in entry.get("answers") or [])


@register
class ShortAnswer(QuestionType):
    name = "short_answer"
    label = "Short answer"
    fields = frozenset({"answers"})
    abbreviation = "SA"
    form_class = ShortAnswerForm

    def check(self, entry, report):
        answers = entry.get("answers")
        if not isinstance(answers, list) or not answers:
            report("missing field 'answers' (accepted answers, the first shown as correct)",
                   "answers")
            return
        for answer in answers:
            if not canonical(text_of(answer)):
                report(f"accepted answer '{text_of(answer)}' is empty once punctuation is "
                       "ignored", "answers")

    def data(self, entry):
        return {"answers": [text_of(a) for a in entry["answers"]]}

    def entry(self, data):
        return {"answers": list(data["answers"])}

    def view(self, data, layout, answer):
        return {"value": answer or ""}

    def read_answer(self, data, layout, form):
        value = " ".join(form.get("answer", "").split())[:MAX_LENGTH]
        return value or None

    def grade(self, data, answer):
        given = canonical(answer or "")
        return 1.0 if given and given in {canonical(a) for a in data["answers"]} else 0.0

    def describe(self, data, answer):
        return answer or ""

    def correct(self, data):
        return data["answers"][0]

    def simulate(self, data, layout, rng, right):
        return data["answers"][0] if right else rng.choice(["I am not sure", "NATO", "2006"])
