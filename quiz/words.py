"""Counts in words: "1 question", "2 questions", never "question(s)"."""
from __future__ import annotations

IRREGULAR = {"quiz": "quizzes", "reply": "replies", "entry": "entries"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, the word in the plural unless the count is one."""
    if count == 1:
        return f"{count} {word}"
    head, _, last = word.rpartition(" ")
    last = many or IRREGULAR.get(last, last + "s")
    return f"{count} {head + ' ' if head else ''}{last}"
