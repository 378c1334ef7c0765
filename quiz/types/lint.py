"""What a type's lint hooks (``QuestionType.secrets``, ``fact``, ``cues``, …) speak in:
texts as canonical words, what a question asks for (``Secret``), severities. The lint
itself is ``quiz.banklint``; docs/lint.md lists its rules."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .answertext import canonical

ERROR, WARNING = "error", "warning"

# Words that carry no fact: a keyed choice made only of these is not distinctive.
STOPWORDS = frozenset("""
a an the and or of for to in on at by with from as is are was were be been its it it's their
this that these those which who what when where how its country s
""".split())
SMALL_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "to", "a", "an", "&"})


@dataclass(frozen=True)
class Secret:
    """What a question asks a learner for, where text elsewhere could give it away."""

    kind: str  # recall (typed), choice (recognised) or pair (an association)
    text: str
    spaced: str
    other: str = ""  # the right-hand side of a pair, spaced


def words(text: str) -> str:
    """Canonical words (folded, American spelling), spaced for whole-word search."""
    return f" {canonical(text)} "


def content(text: str) -> set[str]:
    return {w for w in canonical(text).split() if w not in STOPWORDS}


def trimmed(text: str) -> str:
    """Spaced words without a leading article: "the Reform Programme" is found in "a
    Reform Programme"."""
    spaced = words(text)
    for article in (" the ", " a ", " an "):
        if spaced.startswith(article) and len(spaced.split()) > 1:
            return " " + spaced[len(article):]
    return spaced


def number_texts(value: float) -> list[str]:
    """A number as a text would write it: 500000 is "500000" or "500,000"."""
    whole = int(value) if float(value).is_integer() else None
    if whole is None:
        return [f"{value:g}"]
    return [str(whole)] + ([f"{whole:,}"] if abs(whole) >= 1000 else [])


def spelled_out(answer: str, prompt: str) -> str | None:
    """The words of ``prompt`` whose initials make the acronym ``answer``, if any."""
    letters = answer.strip()
    if not re.fullmatch(r"[A-Z][A-Za-z&]*[A-Z]", letters.replace(" ", "")) or \
            sum(c.isupper() for c in letters) < 2:
        return None
    wanted = [c.casefold() for c in letters if c.isalpha()]
    tokens = re.findall(r"[^\W_]+|&", prompt)
    for start in range(len(tokens)):
        got, used = 0, []
        for token in tokens[start:]:
            if got == len(wanted):
                break
            if token[0].casefold() == wanted[got] and token.upper() != letters:
                got, used = got + 1, used + [token]
            elif token.casefold() in SMALL_WORDS and used:
                used.append(token)
            else:
                break
        if got == len(wanted) and len(used) >= 2:
            return " ".join(used)
    return None


def spelled_out_cue(answers: list[str], prompt: str) -> list[tuple[str, str]]:
    """The cue of a prompt that spells out its own acronym answer."""
    for answer in answers:
        expansion = spelled_out(answer, prompt)
        if expansion:
            return [(ERROR, f"the prompt spells out its own answer '{answer}' "
                            f"('{expansion}')")]
    return []
