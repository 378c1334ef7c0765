"""Short answer: a few words typed in, compared with accepted variants.

Forgiving in documented ways (docs/answers.md): case, spacing, punctuation, typographic
quotes and dashes, a leading article, "&" for "and", hyphens, British or American spelling;
words an accepted answer puts in parentheses may be left out.
"""
from __future__ import annotations

import re

from wtforms import TextAreaField
from wtforms.validators import Length

from . import QuestionType, register, text_of
from .answertext import MAX_OPTIONAL, OPTIONAL, accepted_keys, key, shown, variants
from .forms import QuestionForm, lines_of
from .lint import Secret, content, spelled_out_cue, trimmed

MAX_LENGTH = 500


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
                   "answers", "Give at least one accepted answer.")
            return
        for index, answer in enumerate(answers):
            text, at = text_of(answer), f"answers[{index}]"
            if text.count("(") != text.count(")") or re.search(r"\([^)]*\(", text):
                report(f"accepted answer '{text}': parentheses (optional words) must pair "
                       "up and not nest", at, f"In “{text}”, brackets mark optional words: "
                       "close each one you open, and put none inside another.")
            elif len(OPTIONAL.findall(text)) > MAX_OPTIONAL:
                report(f"accepted answer '{text}' has more than {MAX_OPTIONAL} optional "
                       "groups", at, f"“{text}” has more than {MAX_OPTIONAL} groups of optional "
                       "words; write it as two accepted answers instead.")
            elif not key(shown(text)) or not all(key(v) for v in variants(text)):
                report(f"accepted answer '{text}' is empty once punctuation, optional words "
                       "and a leading article are ignored", at, f"“{text}” has no words left "
                       "once punctuation, optional words and a leading article are set aside.")

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
        given = key(answer or "")
        return 1.0 if given and given in accepted_keys(tuple(data["answers"])) else 0.0

    def describe(self, data, answer):
        return answer or ""

    def correct(self, data):
        return shown(data["answers"][0])

    def simulate(self, data, layout, rng, right):
        return shown(data["answers"][0]) if right else rng.choice(
            ["I am not sure", "NATO", "2006"])

    def secrets(self, data, prompt):
        return [Secret("recall", variant, trimmed(variant)) for answer in data["answers"]
                for variant in variants(answer) if content(variant)]

    def fact(self, data):
        return frozenset({trimmed(variants(data["answers"][0])[0])})

    def keyed_texts(self, data):
        return [v for a in data["answers"] for v in variants(a)]

    def cues(self, data, prompt):
        return spelled_out_cue(self.keyed_texts(data), prompt)
