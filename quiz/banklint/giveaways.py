"""Giveaways and duplicates: what one question shows of another's answer, and two questions
asking the same fact."""
from __future__ import annotations

from dataclasses import dataclass

from ..types import get_type
from ..types.answertext import canonical
from ..types.lint import Secret, content, words
from .findings import ERROR, WARNING, Finding, Item, QuizItem

SHOWN_AS_STATEMENT = ("prompt", "description")  # a fact stated, not an option offered
SAME_FACT_OVERLAP = 0.4  # prompts' shared words at which two questions ask the same fact


@dataclass(frozen=True)
class Fragment:
    kind: str  # prompt, choice, item, pair, description
    text: str  # as written
    spaced: str  # words(text)


def fragments(item: Item) -> list[Fragment]:
    """What a learner sees of a question during an attempt."""
    shown = [("prompt", item.prompt), *get_type(item.type).shown(item.data)]
    return [Fragment(kind, text, words(text)) for kind, text in shown if text]


def secrets(item: Item) -> list[Secret]:
    """What a question asks the learner for, where text elsewhere could give it away."""
    own = words(item.prompt)
    return [s for s in get_type(item.type).secrets(item.data, item.prompt)
            if s.spaced.strip() and s.spaced not in own]


def shows(fragment: Fragment, secret: Secret) -> str | None:
    """The severity with which ``fragment`` gives ``secret`` away, or None."""
    if secret.kind == "pair":
        if secret.spaced in fragment.spaced and secret.other in fragment.spaced:
            return ERROR
        return None
    if secret.spaced not in fragment.spaced:
        return None
    if secret.kind == "recall" or fragment.kind in SHOWN_AS_STATEMENT:
        return ERROR
    # A keyed choice offered as an option elsewhere tells nothing; embedded in a longer
    # option it hints.
    return None if fragment.spaced == secret.spaced else WARNING


def _what(secret: Secret) -> str:
    if secret.kind == "pair":
        return f"the pair '{secret.text}' it asks to match"
    label = "keyed answer" if secret.kind == "recall" else "keyed choice"
    return f"the {label} '{secret.text}'"


def giveaways(items: list[Item], quizzes: list[QuizItem], pooled: dict[str, list[Item]],
              together: dict[str, set[str]]) -> list[Finding]:
    by_id = {i.id: i for i in items}
    asked = {i.id: secrets(i) for i in items}
    seen = {i.id: fragments(i) for i in items}
    found: list[Finding] = []
    for shower in items:
        for other_id in sorted(together.get(shower.id, ())):
            other = by_id[other_id]
            for secret in asked[other_id]:
                worst = _worst(seen[shower.id], secret)
                if worst:
                    severity, fragment = worst
                    found.append(Finding(
                        severity, "giveaway",
                        f"its {fragment.kind} shows {_what(secret)} of question '{other.id}' "
                        f"({_place(other)}), which can be drawn into the same attempt",
                        shower.path, shower.line, shower.id, about=other.id))
    for z in quizzes:
        if not z.description:
            continue
        shown = Fragment("description", z.description, words(z.description))
        for item in pooled.get(z.id, []):
            for secret in asked[item.id]:
                if shows(shown, secret):
                    found.append(Finding(
                        ERROR, "giveaway", f"its description shows {_what(secret)} of "
                        f"question '{item.id}' ({_place(item)}), which it draws",
                        z.path, z.line, quiz=z.id, about=item.id))
    return found


def _worst(shown: list[Fragment], secret: Secret) -> tuple[str, Fragment] | None:
    worst = None
    for fragment in shown:
        severity = shows(fragment, secret)
        if severity == ERROR:
            return severity, fragment
        if severity and worst is None:
            worst = (severity, fragment)
    return worst


def _place(item: Item) -> str:
    return f"{item.path}:{item.line}" if item.line else item.path or "stored"


def duplicates(items: list[Item]) -> list[Finding]:
    """Two questions with the same answer and much the same prompt ask the same fact."""
    found: list[Finding] = []
    facts = {i.id: get_type(i.type).fact(i.data) for i in items}
    prompts = {i.id: content(i.prompt) for i in items}
    for n, first in enumerate(items):
        for second in items[n + 1:]:
            if canonical(first.prompt) == canonical(second.prompt):
                severity = ERROR
            elif facts[first.id] == facts[second.id] and \
                    _overlap(prompts[first.id], prompts[second.id]) >= (
                        get_type(first.type).duplicate_overlap if first.type == second.type
                        else SAME_FACT_OVERLAP):
                severity = WARNING
            else:
                continue
            found.append(Finding(severity, "duplicate", f"asks the same fact as question "
                                 f"'{first.id}' ({_place(first)})", second.path, second.line,
                                 second.id, about=first.id))
    return found


def _overlap(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 1.0
