"""What single choice and multiple response share: a list of choices with feedback."""
from __future__ import annotations

from collections.abc import Mapping

from . import Report, text_of


def check_choices(entry: Mapping, report: Report, minimum: int = 2) -> list[str]:
    """Check the ``choices`` list and return the choice texts."""
    choices = entry.get("choices")
    if not isinstance(choices, list):
        report(f"missing field 'choices' (a list of at least {minimum} choices)", "choices")
        return []
    texts = []
    for i, choice in enumerate(choices, start=1):
        text = text_of(choice.get("text") if isinstance(choice, Mapping) else choice)
        if isinstance(choice, list) or not text:
            report(f"choice {i} has no text", f"choices[{i - 1}]")
        texts.append(text)
    if len(choices) < minimum:
        report(f"needs at least {minimum} choices, has {len(choices)}", "choices")
    seen = set()
    for index, text in enumerate(texts):
        if text and text.casefold() in seen:
            report(f"choice '{text}' appears twice", f"choices[{index}]")
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

