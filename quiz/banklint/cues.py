"""Cues (what lets a learner guess without knowing) and quiz shape."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..types.numeric import HINT_EXAMPLES, parse_number
from ..types.short_answer import canonical, variants
from .findings import ERROR, MAX_SITTING, WARNING, Finding, Item, QuizItem
from .giveaways import fragments, words

CATCH_ALLS = ("all of the above", "none of the above", "both of the above",
              "all of these", "none of these")
# Words that make a statement absolute: true/false questions built on them are nearly always
# false, and learners know it.
ABSOLUTES = ("only", "always", "never", "none", "solely", "exclusively", "entirely",
             "completely", "nothing", "nobody", "no one", "every")
SMALL_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "to", "a", "an", "&"})
LONGER = 1.5  # a keyed option this many times the longest other one stands out
KEYED_SAME_PLACE = 0.75  # share of a file's choice questions keyed at one position
ACRONYM = re.compile(r"\b[A-Z][A-Za-z&]*[A-Z](?:\s?[A-Z&]{2,})?\b")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def cues(items: list[Item]) -> list[Finding]:
    found: list[Finding] = []
    for item in items:
        def note(severity: str, message: str, item=item) -> None:
            found.append(Finding(severity, "cue", message, item.path, item.line, item.id))

        data = item.data
        choices = [c["text"] for c in data.get("choices", [])]
        for text in choices:
            if any(phrase in canonical(text) for phrase in CATCH_ALLS):
                note(WARNING, f"the choice '{text}' is a catch-all; offer a real alternative")
        if item.type == "single_choice" and len(choices) > 1:
            keyed = choices[data["correct"]]
            longest = max(len(t) for i, t in enumerate(choices) if i != data["correct"])
            if len(keyed) >= LONGER * longest and len(keyed) - longest >= 10:
                note(WARNING, f"the keyed choice ({len(keyed)} characters) is much longer than "
                     f"every other ({longest} at most); make the options alike")
        if item.type == "multiple_response" and len(choices) > len(data["correct"]):
            keyed = [len(choices[i]) for i in data["correct"]]
            others = [len(t) for i, t in enumerate(choices) if i not in data["correct"]]
            if min(keyed) > max(others) and sum(keyed) / len(keyed) >= \
                    LONGER * sum(others) / len(others):
                note(WARNING, "every keyed choice is longer than every other; make the "
                     "options alike")
        if item.type == "true_false":
            said = [w for w in ABSOLUTES if f" {w} " in words(item.prompt)]
            if said:
                note(WARNING, f"the statement says '{said[0]}': absolute statements are "
                     "guessed false; state the fact the text gives")
        if item.type in ("short_answer", "single_choice"):
            for answer in _answers(item):
                expansion = spelled_out(answer, item.prompt)
                if expansion:
                    note(ERROR, f"the prompt spells out its own answer '{answer}' "
                         f"('{expansion}')")
                    break
        if item.type == "numeric" and any(
                parse_number(e) == data["answer"] for e in HINT_EXAMPLES):
            note(ERROR, f"the answer {data['answer']:g} is an example in the answer box's hint")
    return found + _keyed_positions(items)


def _answers(item: Item) -> list[str]:
    if item.type == "short_answer":
        return [v for a in item.data["answers"] for v in variants(a)]
    return [item.data["choices"][item.data["correct"]]["text"]]


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


def _keyed_positions(items: list[Item]) -> list[Finding]:
    """A file whose single-choice questions are keyed mostly at one position."""
    by_file: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.type == "single_choice" and item.path:
            by_file[item.path].append(item)
    found = []
    for path, group in by_file.items():
        places = Counter(i.data["correct"] for i in group)
        place, count = places.most_common(1)[0] if places else (0, 0)
        if len(group) >= 4 and count >= KEYED_SAME_PLACE * len(group):
            first = min(i.line for i in group)
            found.append(Finding(WARNING, "cue", f"{count} of {len(group)} single-choice "
                                 f"questions in this file have the keyed choice at position "
                                 f"{place + 1}; vary it", path, first))
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
        words(" ".join(_answers(i))) for i in pool if i.type in ("short_answer",
                                                                 "single_choice"))
    told += "".join(words(str(i.data.get("answer", ""))) for i in pool)
    return [n for n in dict.fromkeys(named) if words(n) not in told]
