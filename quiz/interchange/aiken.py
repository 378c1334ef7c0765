"""Aiken, the plainest format: single choice questions with lettered options.

    What is the capital of France?
    A. Paris
    B) Lyon
    ANSWER: A
"""
from __future__ import annotations

import re
import string

from .common import ExportResult, document_questions
from .gift import Parsed

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def parse_aiken(text: str) -> Parsed:
    parsed = Parsed()
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        option, answer = _OPTION.match(line), _ANSWER.match(line)
        if answer:
            letters = dict(options)
            if not prompt:
                parsed.errors.append(f"{number}: an ANSWER line with no question before it")
            elif len(options) < 2:
                parsed.errors.append(f"{start}: question '{prompt[0][:40]}' needs at least "
                                     "two options (A. …, B. …)")
            elif answer.group(1) not in letters:
                parsed.errors.append(f"{number}: ANSWER: {answer.group(1)} is not one of the "
                                     f"options ({', '.join(letters)})")
            else:
                parsed.entries.append((start, {
                    "id": "", "type": "single_choice", "prompt": " ".join(prompt),
                    "choices": [t for _, t in options], "answer": letters[answer.group(1)]}))
            prompt, options = [], []
        elif option and prompt and len(options) == len(string.ascii_uppercase):
            parsed.errors.append(f"{number}: a question has at most 26 options (A to Z)")
            prompt, options = [], []
        elif option and prompt:
            expected = string.ascii_uppercase[len(options)]
            if option.group(1) != expected:
                parsed.errors.append(f"{number}: option {option.group(1)} where {expected} "
                                     "was expected")
            options.append((option.group(1), option.group(2).strip()))
        elif options:
            parsed.errors.append(f"{number}: expected the next option or 'ANSWER: <letter>', "
                                 f"found \"{line[:40]}\"")
            prompt, options = [], []
        else:
            if not prompt:
                start = number
            prompt.append(line)
    if prompt:
        parsed.errors.append(f"{start}: question '{prompt[0][:40]}' has no 'ANSWER:' line")
    return parsed


def export_aiken(document) -> ExportResult:
    """Single choice questions only: Aiken holds nothing else (no feedback, no source)."""
    questions, left_out = document_questions(document)
    result = ExportResult("", left_out=left_out)
    blocks = []
    for question in questions:
        version = question.current
        if version.type != "single_choice":
            result.left_out.append(f"{question.key} ({version.type}: Aiken holds only single "
                                   "choice questions)")
            continue
        choices = version.data["choices"]
        if len(choices) > 26:
            result.left_out.append(f"{question.key} (more than 26 choices)")
            continue
        lines = [" ".join(version.prompt.split())]
        lines += [f"{string.ascii_uppercase[i]}. {' '.join(c['text'].split())}"
                  for i, c in enumerate(choices)]
        lines.append(f"ANSWER: {string.ascii_uppercase[version.data['correct']]}")
        blocks.append("\n".join(lines))
        result.exported.append(question.key)
        result.partial.append(f"{question.key}: explanation, feedback and source (Aiken has "
                              "no place for them)")
    result.text = "\n\n".join(blocks) + ("\n" if blocks else "")
    return result
