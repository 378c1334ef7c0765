"""What single choice and multiple response share: a list of choices with feedback, and
what the lint finds in them."""
from __future__ import annotations

from collections.abc import Mapping

from . import Report, text_of
from .answertext import canonical
from .lint import WARNING, Secret, content, trimmed, words

CATCH_ALLS = ("all of the above", "none of the above", "both of the above",
              "all of these", "none of these")
LONGER = 1.5  # a keyed option this many times the longest other one stands out
COUNTS = {2: "two", 3: "three"}


def check_choices(entry: Mapping, report: Report, minimum: int = 2) -> list[str]:
    """Check the ``choices`` list and return the choice texts."""
    choices = entry.get("choices")
    at_least = f"Give at least {COUNTS.get(minimum, minimum)} choices."
    if not isinstance(choices, list):
        report(f"missing field 'choices' (a list of at least {minimum} choices)", "choices",
               at_least)
        return []
    texts = []
    for i, choice in enumerate(choices, start=1):
        text = text_of(choice.get("text") if isinstance(choice, Mapping) else choice)
        if isinstance(choice, list) or not text:
            report(f"choice {i} has no text", f"choices[{i - 1}]",
                   f"Choice {i} has feedback but no text: type its text or clear the row.")
        texts.append(text)
    if len(choices) < minimum:
        report(f"needs at least {minimum} choices, has {len(choices)}", "choices", at_least)
    seen = set()
    for index, text in enumerate(texts):
        if text and text.casefold() in seen:
            report(f"choice '{text}' appears twice", f"choices[{index}]",
                   f"“{text}” is written twice; make each choice different.")
        seen.add(text.casefold())
    return texts


def choice_data(entry: Mapping) -> list[dict]:
    return [
        {"text": text_of(c.get("text")), "feedback": text_of(c.get("feedback"))}
        if isinstance(c, Mapping)
        else {"text": text_of(c), "feedback": ""}
        for c in entry["choices"]
    ]


def choice_entries(choices: list[dict]) -> list:
    """Choices as a bank writes them: plain texts, or text and feedback."""
    return [{"text": c["text"], "feedback": c["feedback"]} if c["feedback"] else c["text"]
            for c in choices]


def picked_feedback(choices: list[dict], picked: list[int]) -> list[str]:
    return [
        f"{choices[i]['text']}: {choices[i]['feedback']}"
        for i in picked
        if 0 <= i < len(choices) and choices[i]["feedback"]
    ]



def choices_shown(data: dict) -> list[tuple[str, str]]:
    return [("choice", c["text"]) for c in data["choices"]]


def keyed_secrets(data: dict, prompt: str, correct: list[int], least: int) -> list[Secret]:
    """The keyed choices a text elsewhere could give away: those with at least ``least``
    content words (or a digit) that the other choices and the prompt do not share."""
    choices, own = data["choices"], words(prompt)
    others = set().union(*(content(c["text"]) for i, c in enumerate(choices)
                           if i not in correct)) if len(choices) > len(correct) else set()
    found = []
    for i in correct:
        text = choices[i]["text"]
        keyed = content(text)
        telling = len(keyed) >= least or any(c.isdigit() for c in text)
        if keyed and telling and not keyed <= others and words(text) not in own \
                and not keyed <= content(prompt):
            found.append(Secret("choice", text, trimmed(text)))
    return found


def catch_all_cues(data: dict) -> list[tuple[str, str]]:
    return [(WARNING, f"the choice '{c['text']}' is a catch-all; offer a real alternative")
            for c in data["choices"] if any(p in canonical(c["text"]) for p in CATCH_ALLS)]
