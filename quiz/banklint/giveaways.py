"""Giveaways and duplicates: what one question shows of another's answer, and two questions
asking the same fact."""
from __future__ import annotations

from dataclasses import dataclass

from ..types import get_type
from ..types.short_answer import canonical, variants
from .findings import ERROR, WARNING, Finding, Item, QuizItem

# Words that carry no fact: a keyed choice made only of these is not distinctive.
STOPWORDS = frozenset("""
a an the and or of for to in on at by with from as is are was were be been its it it's their
this that these those which who what when where how its country s
""".split())
SHOWN_AS_STATEMENT = ("prompt", "description")  # a fact stated, not an option offered


def words(text: str) -> str:
    """Canonical words (folded, American spelling), spaced for whole-word search."""
    return f" {canonical(text)} "


def content(text: str) -> set[str]:
    return {w for w in canonical(text).split() if w not in STOPWORDS}


@dataclass(frozen=True)
class Fragment:
    kind: str  # prompt, choice, item, pair, description
    text: str  # as written
    spaced: str  # words(text)


@dataclass(frozen=True)
class Secret:
    kind: str  # recall (typed), choice (recognised) or pair (an association)
    text: str
    spaced: str
    other: str = ""  # the right-hand side of a pair, spaced


def fragments(item: Item) -> list[Fragment]:
    """What a learner sees of a question during an attempt."""
    data = item.data
    shown = [("prompt", item.prompt)]
    shown += [("choice", c["text"]) for c in data.get("choices", [])]
    shown += [("item", t) for t in data.get("items", [])]
    shown += [("pair", t) for t in data.get("lefts", []) + data.get("rights", [])]
    return [Fragment(kind, text, words(text)) for kind, text in shown if text]


def _number_texts(value: float) -> list[str]:
    whole = int(value) if float(value).is_integer() else None
    if whole is None:
        return [f"{value:g}"]
    return [str(whole)] + ([f"{whole:,}"] if abs(whole) >= 1000 else [])


def secrets(item: Item) -> list[Secret]:
    """What a question asks the learner for, where text elsewhere could give it away."""
    data, own = item.data, words(item.prompt)
    found: list[Secret] = []
    if item.type in ("single_choice", "multiple_response"):
        correct = data["correct"] if isinstance(data["correct"], list) else [data["correct"]]
        others = set().union(*(content(c["text"]) for i, c in enumerate(data["choices"])
                               if i not in correct)) if len(data["choices"]) > len(correct) \
            else set()
        # One of several keyed choices, a single plain word ("Planning", "Media") tells little
        # when seen elsewhere; a name or number ("Afghanistan", "2006") alone still does.
        least = 2 if item.type == "multiple_response" else 1
        for i in correct:
            text = data["choices"][i]["text"]
            keyed = content(text)
            telling = len(keyed) >= least or any(c.isdigit() for c in text)
            if keyed and telling and not keyed <= others and words(text) not in own \
                    and not keyed <= content(item.prompt):
                found.append(Secret("choice", text, _trimmed(text)))
    elif item.type == "short_answer":
        for answer in data["answers"]:
            for variant in variants(answer):
                if content(variant):
                    found.append(Secret("recall", variant, _trimmed(variant)))
    elif item.type == "numeric":
        found += [Secret("recall", t, words(t)) for t in _number_texts(data["answer"])]
    elif item.type == "matching":
        found += [Secret("pair", f"{left} = {right}", words(left), words(right))
                  for left, right in zip(data["lefts"], data["rights"], strict=False)]
    return [s for s in found if s.spaced.strip() and s.spaced not in own]


def _trimmed(text: str) -> str:
    """Spaced words without a leading article: "the Reform Programme" is found in "a
    Reform Programme"."""
    spaced = words(text)
    for article in (" the ", " a ", " an "):
        if spaced.startswith(article) and len(spaced.split()) > 1:
            return " " + spaced[len(article):]
    return spaced


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
                        shower.path, shower.line, shower.id))
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
                        z.path, z.line, quiz=z.id))
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


def fact(item: Item) -> frozenset[str]:
    """What a question's right answer is, comparable across types."""
    data = item.data
    if item.type == "single_choice":
        return frozenset({_trimmed(data["choices"][data["correct"]]["text"])})
    if item.type == "multiple_response":
        return frozenset(_trimmed(data["choices"][i]["text"]) for i in data["correct"])
    if item.type == "short_answer":
        return frozenset({_trimmed(variants(data["answers"][0])[0])})
    if item.type == "numeric":
        return frozenset({words(_number_texts(data["answer"])[0])})
    if item.type == "true_false":
        return frozenset({f" {str(data['correct']).lower()} "})
    if item.type == "ordering":
        return frozenset({" | ".join(words(t) for t in data["items"])})
    if item.type == "matching":
        return frozenset(f"{words(a)}={words(b)}" for a, b in zip(
            data["lefts"], data["rights"], strict=False))
    # Any other type: its correct answer in words, as the review says it.
    return frozenset({words(get_type(item.type).correct(data))})


def duplicates(items: list[Item]) -> list[Finding]:
    """Two questions with the same answer and much the same prompt ask the same fact."""
    found: list[Finding] = []
    facts = {i.id: fact(i) for i in items}
    prompts = {i.id: content(i.prompt) for i in items}
    for n, first in enumerate(items):
        for second in items[n + 1:]:
            if canonical(first.prompt) == canonical(second.prompt):
                severity = ERROR
            elif facts[first.id] == facts[second.id] and \
                    _overlap(prompts[first.id], prompts[second.id]) >= (
                        0.6 if first.type == second.type == "true_false" else 0.4):
                severity = WARNING
            else:
                continue
            found.append(Finding(severity, "duplicate", f"asks the same fact as question "
                                 f"'{first.id}' ({_place(first)})", second.path, second.line,
                                 second.id))
    return found


def _overlap(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 1.0
