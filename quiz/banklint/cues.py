"""Cues (what lets a learner guess without knowing) and quiz shape. Each type says what
cues its questions give (``QuestionType.cues``); here they are gathered."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..types import get_type
from ..types.lint import words
from .findings import ERROR, MAX_SITTING, WARNING, Finding, Item, QuizItem
from .giveaways import fragments

KEYED_SAME_PLACE = 0.75  # share of a file's choice questions keyed at one position
ACRONYM = re.compile(r"\b[A-Z][A-Za-z&]*[A-Z](?:\s?[A-Z&]{2,})?\b")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def cues(items: list[Item]) -> list[Finding]:
    """Each type's cues (its ``cues`` hook), and keyed positions a file does not vary."""
    found = [Finding(severity, "cue", message, item.path, item.line, item.id)
             for item in items
             for severity, message in get_type(item.type).cues(item.data, item.prompt)]
    return found + _keyed_positions(items)


def _keyed_positions(items: list[Item]) -> list[Finding]:
    """A file whose questions of one type are keyed mostly at one position."""
    by_file: dict[tuple[str, str], list[int]] = defaultdict(list)
    first_line: dict[tuple[str, str], int] = {}
    for item in items:
        place = get_type(item.type).keyed_position(item.data)
        if place is not None and item.path:
            group = (item.path, item.type)
            by_file[group].append(place)
            first_line[group] = min(first_line.get(group, item.line), item.line)
    found = []
    for (path, qtype), places in by_file.items():
        place, count = Counter(places).most_common(1)[0]
        if len(places) >= 4 and count >= KEYED_SAME_PLACE * len(places):
            kind = get_type(qtype).label.lower().replace(" ", "-")
            found.append(Finding(WARNING, "cue", f"{count} of {len(places)} {kind} "
                                 f"questions in this file have the keyed choice at position "
                                 f"{place + 1}; vary it", path, first_line[(path, qtype)]))
    return found


def quiz_shape(quizzes: list[QuizItem], pooled: dict[str, list[Item]]) -> list[Finding]:
    found: list[Finding] = []
    for z in quizzes:
        def note(severity: str, message: str, z=z) -> None:
            found.append(Finding(severity, "quiz-shape", message, z.path, z.line, quiz=z.id))

        size, count = len(pooled.get(z.id, [])), z.select.get("count")
        drawn = min(count, size) if count else size
        if drawn > MAX_SITTING:
            note(ERROR, f"an attempt holds {drawn} questions; at most {MAX_SITTING} make one "
                 "sitting: add a random 'count' to its select")
        missing = lacking(z.description, pooled.get(z.id, []))
        if missing:
            note(WARNING, "its description names " + ", ".join(f"'{m}'" for m in missing)
                 + ", which no question it draws mentions")
    return found


def lacking(description: str, pool: list[Item]) -> list[str]:
    """Acronyms and years a description names that no question of the pool shows."""
    named = ACRONYM.findall(description) + YEAR.findall(description)
    if not named:
        return []
    told = "".join(f.spaced for i in pool for f in fragments(i)) + "".join(
        words(" ".join(texts)) for i in pool if (texts := get_type(i.type).keyed_texts(i.data)))
    return [n for n in dict.fromkeys(named) if words(n) not in told]
