"""Counts in words: "1 question", "2 questions", never "question(s)"."""
from __future__ import annotations

import difflib

IRREGULAR = {"quiz": "quizzes", "reply": "replies", "entry": "entries"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, the word in the plural unless the count is one."""
    if count == 1:
        return f"{count} {word}"
    head, _, last = word.rpartition(" ")
    last = many or IRREGULAR.get(last, last + "s")
    return f"{count} {head + ' ' if head else ''}{last}"


def did_you_mean(word: str, known) -> str:
    """' (did you mean 'x'?)' when a known word is close to ``word``, else ''."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""
