"""GIFT, Moodle's text format: export and a parser for import.

Mapped: single choice, multiple response (weights), true/false, short answer,
numeric and matching. Ordering has no GIFT form and is reported, as are what
GIFT cannot hold (units, matching distractors, marks). Citations go in the
general feedback after the explanation, and in comments.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..types import get_type
from .common import ExportResult, document_questions, general_feedback, source_lines

_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", "\\n")


def weight(fraction: float) -> str:
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _body(kind: str, data: dict, partial: list[str]) -> str | None:
    if kind == "single_choice":
        return "\n".join(f"{'=' if i == data['correct'] else '~'}{escape(c['text'])}"
                         f"{_feedback(c['feedback'])}" for i, c in enumerate(data["choices"]))
    if kind == "multiple_response":
        right = set(data["correct"])
        wrong = len(data["choices"]) - len(right)
        return "\n".join(
            f"~{weight(1 / len(right) if i in right else -1 / wrong)}{escape(c['text'])}"
            f"{_feedback(c['feedback'])}" for i, c in enumerate(data["choices"]))
    if kind == "true_false":
        answer = "TRUE" if data["correct"] else "FALSE"
        right = data["feedback"]["true" if data["correct"] else "false"]
        wrong = data["feedback"]["false" if data["correct"] else "true"]
        # Moodle reads {T#feedback if wrong#feedback if right}.
        return answer + (f"#{escape(wrong)}#{escape(right)}" if right or wrong else "")
    if kind == "short_answer":
        return " ".join(f"={escape(a)}" for a in data["answers"])
    if kind == "numeric":
        if data["unit"]:
            partial.append(f"unit '{data['unit']}' (GIFT numbers have no unit)")
        return f"#{data['answer']:g}:{data['tolerance']:g}" if isinstance(
            data["answer"], float) else f"#{data['answer']}:{data['tolerance']}"
    if kind == "matching":
        count = len(data["lefts"])
        if len(data["rights"]) > count:
            partial.append("distractors " + ", ".join(f"'{d}'" for d in data["rights"][count:])
                           + " (GIFT matching has none)")
        return "\n".join(f"={escape(left)} -> {escape(data['rights'][i])}"
                         for i, left in enumerate(data["lefts"]))
    return None


def export_gift(document) -> ExportResult:
    questions, left_out = document_questions(document)
    result = ExportResult("", left_out=left_out)
    parts = [f"// {document.title} ({document.slug}), edition {document.edition}: exported "
             "questions; each one's source follows its explanation.",
             f"$CATEGORY: $course$/top/{escape(document.slug)}", ""]
    for question in questions:
        version = question.current
        partial: list[str] = []
        body = _body(version.type, version.data, partial)
        if body is None:
            result.left_out.append(f"{question.key} ({get_type(version.type).label.lower()}: "
                                   "GIFT has no such question type)")
            continue
        if version.marks != 1:
            partial.append(f"marks {version.marks:g} (GIFT has no marks)")
        result.partial += [f"{question.key}: {p}" for p in partial]
        lines = [f"// question: {question.key}"]
        lines += [f"// [tag:{tag}]" for tag in version.tags]
        lines += [f"// {line}" for line in source_lines(version, document)]
        feedback = general_feedback(version, document)
        lines.append(f"::{escape(question.key)}::{escape(version.prompt)}{{")
        lines.append(body)
        if feedback:
            lines.append(f"####{escape(feedback)}")
        lines.append("}")
        parts.append("\n".join(lines) + "\n")
        result.exported.append(question.key)
    result.text = "\n".join(parts)
    return result


# -- import -------------------------------------------------------------------------------------

@dataclass
class Parsed:
    """Entries read from a file: each with its line; what has no type here; errors."""

    entries: list[tuple[int, dict]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _split(text: str, marks: str) -> list[str]:
    """Split at unescaped characters of ``marks``, each piece keeping its mark in front."""
    pieces, current, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
            continue
        if ch in marks:
            pieces.append(current)
            current = ch
        else:
            current += ch
        i += 1
    pieces.append(current)
    return pieces


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions separated by blank lines, as Moodle reads them, with the line each starts
    on; comment and category lines dropped (kept as blank space, so offsets stay lines)."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY"):
            if current:
                current.append("")
            continue
        if not stripped:
            if current:
                blocks.append((start, "\n".join(current).rstrip()))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current).rstrip()))
    return blocks


class Malformed(ValueError):
    """A syntax error at ``offset`` characters into its question's text."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def _braces(text: str) -> tuple[int, int] | None:
    """Where the answer braces open and close; None if there are none.

    Moodle's rules, stated rather than guessed around: one unescaped pair per question;
    a brace left open, a closing brace with none open, a brace inside the answers or a
    second answer set each refuse the question."""
    opened = closed = None
    for match in re.finditer(r"\\.|[{}]", text):
        brace = match.group()
        if brace == "{" and opened is None:
            opened = match.start()
        elif brace == "{" and closed is None:
            raise Malformed("a second '{' inside the answers (write \\{ for a brace in "
                            "the text)", match.start())
        elif brace == "{":
            raise Malformed("a second set of answers: each question has one {…}; separate "
                            "questions with a blank line", match.start())
        elif brace == "}" and opened is None:
            raise Malformed("'}' closes answers that no '{' opened", match.start())
        elif brace == "}" and closed is None:
            closed = match.start()
        elif brace == "}":
            raise Malformed("'}' closes answers that are already closed", match.start())
    if opened is not None and closed is None:
        raise Malformed("'{' opens the answers but no '}' closes them (a question ends "
                        "at the first blank line)", opened)
    return None if opened is None else (opened, closed)


def _next_question(block: str) -> int | None:
    """Where a second named question starts inside one block: a missing blank line."""
    match = re.search(r"\n[ \t]*::", block)
    return match.start() + 1 if match else None


def parse_gift(text: str) -> Parsed:
    parsed = Parsed()
    for line, block in _blocks(text):
        _read_question(line, block, parsed)
    return parsed


def _read_question(line: int, block: str, parsed: Parsed) -> None:
    """One question's block, read into ``parsed`` as an entry, an unmapped note or errors."""
    name, body = "", block
    match = re.match(r"^\s*::(.*?)(?<!\\)::", block, re.S)
    if match:
        name, body = _unescape(match.group(1)), block[match.end():]
    skipped = len(block) - len(body)

    def error(message: str, offset: int = 0) -> None:
        at = line + block[:skipped + offset].count("\n")
        parsed.errors.append(f"{at}: question '{name}': {message}" if name
                             else f"{at}: {message}")

    second = _next_question(body)
    if second is not None:
        error("a new question starts here without a blank line before it", second)
        return
    body = re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", body)
    skipped = len(block) - len(body)
    try:
        where = _braces(body)
    except Malformed as exc:
        error(str(exc), exc.offset)
        return
    if where is None:
        parsed.unmapped.append(f"line {line}: '{name or body.strip()[:40]}' (a "
                               "description, with no answers)")
        return
    before, answers, after = body[:where[0]], body[where[0] + 1:where[1]], \
        body[where[1] + 1:]
    prompt = _unescape(before) + (" _____ " + _unescape(after) if after.strip() else "")
    start = where[0] + 1 + len(answers) - len(answers.lstrip())
    try:
        entry = _answers(answers.strip())
    except Malformed as exc:
        error(str(exc), start + exc.offset)
        return
    except ValueError as exc:
        error(str(exc), where[0])
        return
    if isinstance(entry, str):
        parsed.unmapped.append(f"line {line}: '{name or prompt[:40]}' ({entry})")
        return
    entry = {"id": name, "prompt": prompt.strip(), **entry}
    parsed.entries.append((line, entry))


def _general(answers: str) -> tuple[str, str]:
    pieces = re.split(r"(?<!\\)####", answers, maxsplit=1)
    return pieces[0], (_unescape(pieces[1]) if len(pieces) > 1 else "")


def _answers(answers: str) -> dict | str:
    """The type fields of one question's answer part, or why it has no type here."""
    answers, explanation = _general(answers)
    answers = answers.strip()
    common = {"explanation": explanation} if explanation else {}
    if not answers:
        return "an essay question: no such type here"
    tf = re.fullmatch(r"(TRUE|FALSE|T|F)((?:#(?:\\.|[^#])*){0,2})", answers)
    if tf:
        value = tf.group(1).startswith("T")
        notes = [_unescape(f) for f in _split(tf.group(2), "#") if f][:2]
        notes = [n.lstrip("#").strip() for n in notes]
        wrong, right = (notes + ["", ""])[:2]
        feedback = {k: v for k, v in ((str(value).lower(), right),
                                      (str(not value).lower(), wrong)) if v}
        return {"type": "true_false", "answer": value, **common,
                **({"feedback": feedback} if feedback else {})}
    if answers.startswith("#"):
        return _numeric(answers[1:].strip(), common)
    items, offset = [], 0
    for piece in _split(answers, "=~"):
        if piece.strip():
            items.append((offset + len(piece) - len(piece.lstrip()), piece.strip()))
        offset += len(piece)
    if not items or items[0][1][:1] not in "=~":
        raise ValueError("answers must start with '=' (right) or '~' (wrong)")
    rows = []
    for at, item in items:
        mark, rest = item[0], item[1:]
        weighted = re.match(r"^%([^%]*)%", rest)
        try:
            fraction = (_weight(weighted.group(1)) if weighted
                        else (1.0 if mark == "=" else 0.0))
        except ValueError as exc:
            raise Malformed(str(exc), at) from None
        rest = rest[weighted.end():] if weighted else rest
        text, *feedback = _split(rest, "#")
        if not _unescape(text):
            raise Malformed(f"an empty answer after '{mark}'", at)
        rows.append((mark, fraction, _unescape(text), _unescape(feedback[0][1:]) if feedback
                     else "", at))
    if any("->" in r[2] for r in rows):
        odd = next((r for r in rows if "->" not in r[2] or r[0] != "="), None)
        if odd is not None:
            raise Malformed(f"matching answers are each '=left -> right'; "
                            f"'{odd[0]}{odd[2]}' is not", odd[4])
        if len(rows) < 2:
            raise ValueError("a matching question needs at least two '=left -> right' pairs")
        pairs = [r[2].split("->", 1) for r in rows]
        return {"type": "matching", **common, "pairs": [
            {"left": left.strip(), "right": right.strip()} for left, right in pairs]}
    if all(r[0] == "=" for r in rows):
        if any(r[1] < 1 for r in rows):
            return "short answer with partial credit: no such grading here"
        return {"type": "short_answer", **common, "answers": [r[2] for r in rows]}
    if len(rows) < 2:
        raise ValueError("a multiple choice question needs at least two answers ('=' right, "
                         "'~' wrong)")
    choices = [{"text": r[2], "feedback": r[3]} if r[3] else r[2] for r in rows]
    right = [r[2] for r in rows if r[1] > 0]
    if len(right) == 1 and any(r[0] == "=" for r in rows):
        return {"type": "single_choice", **common, "choices": choices, "answer": right[0]}
    if not right:
        raise ValueError("no right answer: mark one with '=' or a positive %weight%")
    return {"type": "multiple_response", **common, "choices": choices, "answers": right}


def _weight(text: str) -> float:
    """A %weight% as a fraction: a percentage from -100 to 100."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"'%{text}%' is not a weight (write a percentage such as %50% or "
                         "%-25%)") from None
    if not -100 <= value <= 100:
        raise ValueError(f"'%{text}%' is out of range: weights go from -100 to 100")
    return value / 100


def _numeric(text: str, common: dict) -> dict | str:
    answers = [p for p in _split(text, "=") if p.strip()]
    if len(answers) > 1:
        return "numeric with several graded answers: no such grading here"
    value = answers[0].lstrip("=").split("#")[0].strip() if answers else ""
    value = re.sub(r"^%100%", "", value)
    if not value:
        raise ValueError("no number after '#' (write #answer:tolerance or #low..high)")
    span = re.fullmatch(r"(-?[\d.]+)\.\.(-?[\d.]+)", value)
    try:
        if span:
            low, high = float(span.group(1)), float(span.group(2))
            answer, tolerance = (low + high) / 2, (high - low) / 2
        else:
            answer_text, _, tolerance_text = value.partition(":")
            answer, tolerance = float(answer_text), float(tolerance_text or 0)
    except ValueError:
        raise ValueError(f"'{value}' is not a number (write #answer:tolerance)") from None
    if not (math.isfinite(answer) and math.isfinite(tolerance)):
        raise ValueError(f"'{value}' is not a finite number")
    return {"type": "numeric", **common, "answer": _plain(answer), "tolerance": _plain(tolerance)}


def _plain(value: float):
    return int(value) if value == int(value) else value
