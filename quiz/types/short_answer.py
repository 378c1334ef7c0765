"""Short answer: a few words typed in, compared with accepted variants.

Forgiving in documented ways (docs/answers.md): case, spacing, punctuation, typographic
quotes and dashes, a leading article, "&" for "and", hyphens, British or American spelling;
words an accepted answer puts in parentheses may be left out.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from wtforms import TextAreaField
from wtforms.validators import Length

from ..textmatch import normalise
from . import QuestionType, register, text_of
from .forms import QuestionForm, lines_of

_PUNCTUATION = re.compile(r"[^\w\s]")
_OPTIONAL = re.compile(r"\(([^()]*)\)")
_ARTICLES = ("the", "a", "an")
MAX_LENGTH = 500
MAX_OPTIONAL = 4  # groups per accepted answer: 2**4 variants at most

# British spellings read as their American twins (docs/answers.md lists them).
SPELLINGS = {
    "defence": "defense", "offence": "offense", "licence": "license",
    "programme": "program", "programmes": "programs",
    "centre": "center", "centres": "centers", "theatre": "theater", "metre": "meter",
    "organisation": "organization", "organisations": "organizations",
    "organise": "organize", "organised": "organized",
    "stabilisation": "stabilization", "stabilise": "stabilize",
    "modernisation": "modernization", "mobilisation": "mobilization",
    "recognise": "recognize", "recognised": "recognized",
    "specialised": "specialized", "authorised": "authorized",
    "labour": "labor", "behaviour": "behavior", "colour": "color", "honour": "honor",
    "neighbour": "neighbor", "neighbouring": "neighboring", "favour": "favor",
    "analyse": "analyze", "catalogue": "catalog", "dialogue": "dialog",
    "travelled": "traveled", "counsellor": "counselor", "fulfil": "fulfill",
    "enrol": "enroll", "manoeuvre": "maneuver", "manoeuvres": "maneuvers",
}


@lru_cache(maxsize=4096)  # every learner's answer is compared with the same few variants
def canonical(text: str) -> str:
    """The words of ``text`` as compared: folded, "&" as "and", American spelling."""
    text = normalise(text).casefold().replace("&", " and ")
    words = _PUNCTUATION.sub(" ", text).split()
    return " ".join(SPELLINGS.get(w, w) for w in words)


def key(text: str) -> str:
    """What two answers must share to match: canonical words, no leading article, and
    hyphens and spaces ignored ("aero-medical", "aero medical" and "aeromedical" agree)."""
    words = canonical(text).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return "".join(words)


def variants(answer: str) -> list[str]:
    """An accepted answer with each parenthesised group of words in and out."""
    groups = _OPTIONAL.findall(answer)[:MAX_OPTIONAL]
    pieces = _OPTIONAL.split(answer, maxsplit=len(groups))
    found = []
    for keep in itertools.product((True, False), repeat=len(groups)):
        text = pieces[0]
        for i, kept in enumerate(keep):
            text += (groups[i] if kept else " ") + pieces[2 * i + 2]
        found.append(" ".join(text.split()))
    return found


def shown(answer: str) -> str:
    """An accepted answer as a learner reads it: the optional words kept, unmarked."""
    return " ".join(_OPTIONAL.sub(r"\1", answer).split())


@lru_cache(maxsize=1024)
def accepted_keys(answers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for a in answers for v in variants(a) if (k := key(v)))


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
        for index, answer in enumerate(answers):
            text, at = text_of(answer), f"answers[{index}]"
            if text.count("(") != text.count(")") or re.search(r"\([^)]*\(", text):
                report(f"accepted answer '{text}': parentheses (optional words) must pair "
                       "up and not nest", at)
            elif len(_OPTIONAL.findall(text)) > MAX_OPTIONAL:
                report(f"accepted answer '{text}' has more than {MAX_OPTIONAL} optional "
                       "groups", at)
            elif not key(shown(text)) or not all(key(v) for v in variants(text)):
                report(f"accepted answer '{text}' is empty once punctuation, optional words "
                       "and a leading article are ignored", at)

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
