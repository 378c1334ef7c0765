"""How typed answers are compared (docs/answers.md): canonical words, accepted variants
with their optional words in and out, and the text a learner is shown."""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from ..textmatch import normalise

_PUNCTUATION = re.compile(r"[^\w\s]")
OPTIONAL = re.compile(r"\(([^()]*)\)")
_ARTICLES = ("the", "a", "an")
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
    groups = OPTIONAL.findall(answer)[:MAX_OPTIONAL]
    pieces = OPTIONAL.split(answer, maxsplit=len(groups))
    found = []
    for keep in itertools.product((True, False), repeat=len(groups)):
        text = pieces[0]
        for i, kept in enumerate(keep):
            text += (groups[i] if kept else " ") + pieces[2 * i + 2]
        found.append(" ".join(text.split()))
    return found


def shown(answer: str) -> str:
    """An accepted answer as a learner reads it: the optional words kept, unmarked."""
    return " ".join(OPTIONAL.sub(r"\1", answer).split())


@lru_cache(maxsize=1024)
def accepted_keys(answers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for a in answers for v in variants(a) if (k := key(v)))
