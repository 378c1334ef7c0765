"""Moodle XML: export of every type, and import parsed safely (defusedxml) with line numbers.

Types: single choice and multiple response are ``multichoice`` (single true or
false; answer fractions in percent), ``truefalse``, ``shortanswer``,
``numerical`` (tolerance and unit), ``matching`` (distractors as subquestions
without text, as Moodle writes them) and ``ordering`` (Moodle 4.4's core type,
graded on all pairs like here). The explanation and the citations go in the
general feedback; tags become tags; marks the default grade.
"""
from __future__ import annotations

import html
import math
from html.parser import HTMLParser

# Only builds XML for export; imports parse with defusedxml.
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .common import ExportResult, document_questions, general_feedback
from .gift import Parsed, _plain

MOODLE_TYPES = {"single_choice": "multichoice", "multiple_response": "multichoice",
                "true_false": "truefalse", "short_answer": "shortanswer",
                "numeric": "numerical", "matching": "matching", "ordering": "ordering"}


def _text(parent: Element, tag: str, value: str, fmt: str | None = "html") -> Element:
    node = SubElement(parent, tag, {"format": fmt} if fmt else {})
    SubElement(node, "text").text = _html(value) if fmt == "html" else value
    return node


def _html(value: str) -> str:
    return "<br>".join(html.escape(line, quote=False) for line in value.split("\n"))


def _fraction(value: float) -> str:
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def _answer(parent: Element, fraction: float, text: str, feedback: str = "") -> Element:
    node = SubElement(parent, "answer", {"fraction": _fraction(fraction), "format": "html"})
    SubElement(node, "text").text = _html(text)
    _text(node, "feedback", feedback)
    return node


def _question(root: Element, key: str, version, document) -> Element:
    data = version.data
    node = SubElement(root, "question", {"type": MOODLE_TYPES[version.type]})
    _text(node, "name", key, fmt=None)
    _text(node, "questiontext", version.prompt)
    _text(node, "generalfeedback", general_feedback(version, document))
    SubElement(node, "defaultgrade").text = f"{version.marks:g}"
    SubElement(node, "penalty").text = "0"
    SubElement(node, "hidden").text = "0"
    SubElement(node, "idnumber").text = key
    kind = version.type
    if kind in ("single_choice", "multiple_response"):
        single = kind == "single_choice"
        SubElement(node, "single").text = "true" if single else "false"
        SubElement(node, "shuffleanswers").text = "true"
        SubElement(node, "answernumbering").text = "abc"
        right = [data["correct"]] if single else data["correct"]
        wrong = len(data["choices"]) - len(right)
        for i, choice in enumerate(data["choices"]):
            fraction = 1 / len(right) if i in right else (0 if single else -1 / wrong)
            _answer(node, fraction, choice["text"], choice["feedback"])
    elif kind == "true_false":
        for value in (True, False):
            _answer(node, 1 if data["correct"] is value else 0, str(value).lower(),
                    data["feedback"][str(value).lower()])
    elif kind == "short_answer":
        SubElement(node, "usecase").text = "0"
        for answer in data["answers"]:
            _answer(node, 1, answer)
    elif kind == "numeric":
        answer = _answer(node, 1, str(data["answer"]))
        SubElement(answer, "tolerance").text = str(data["tolerance"])
        if data["unit"]:
            units = SubElement(node, "units")
            unit = SubElement(units, "unit")
            SubElement(unit, "multiplier").text = "1"
            SubElement(unit, "unit_name").text = data["unit"]
        SubElement(node, "unitgradingtype").text = "0"
        SubElement(node, "unitpenalty").text = "0"
        SubElement(node, "showunits").text = "3" if not data["unit"] else "2"
        SubElement(node, "unitsleft").text = "0"
    elif kind == "matching":
        SubElement(node, "shuffleanswers").text = "true"
        count = len(data["lefts"])
        for i, right in enumerate(data["rights"]):
            sub = _text(node, "subquestion", data["lefts"][i] if i < count else "")
            SubElement(SubElement(sub, "answer"), "text").text = right
    elif kind == "ordering":
        SubElement(node, "layouttype").text = "VERTICAL"
        SubElement(node, "selecttype").text = "ALL"
        SubElement(node, "selectcount").text = "0"
        SubElement(node, "gradingtype").text = "RELATIVE_ALL_PREVIOUS_AND_NEXT"
        SubElement(node, "showgrading").text = "SHOW"
        SubElement(node, "numberingstyle").text = "none"
        for position, item in enumerate(data["items"], start=1):
            answer = SubElement(node, "answer", {"fraction": str(position),
                                                 "format": "moodle_auto_format"})
            SubElement(answer, "text").text = item
    if version.tags:
        tags = SubElement(node, "tags")
        for tag in version.tags:
            SubElement(SubElement(tags, "tag"), "text").text = tag
    return node


def export_moodle_xml(document) -> ExportResult:
    questions, left_out = document_questions(document)
    root = Element("quiz")
    category = SubElement(root, "question", {"type": "category"})
    _text(category, "category", f"$course$/top/{document.title}", fmt=None)
    _text(category, "info", f"Questions citing {document.title} ({document.slug}), edition "
          f"{document.edition}.")
    result = ExportResult("", left_out=left_out)
    for question in questions:
        _question(root, question.key, question.current, document)
        result.exported.append(question.key)
    indent(root)
    result.text = '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        root, encoding="unicode") + "\n"
    return result


# -- import -------------------------------------------------------------------------------------

class _LineParser(DefusedXMLParser):
    """defusedxml's parser (no entities, no external references) that notes each line."""

    def _start(self, *args, **kwargs):
        element = super()._start(*args, **kwargs)
        element.sourceline = self.parser.CurrentLineNumber
        return element


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain(markup: str | None) -> str:
    """HTML as text: tags dropped, entities decoded, lines kept."""
    parser = _Text()
    parser.feed(markup or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line).strip()


def _child_text(node: Element, path: str) -> str:
    found = node.find(path)
    return plain(found.text) if found is not None and found.text else ""


def parse_moodle_xml(data: bytes) -> Parsed:
    parsed = Parsed()
    parser = _LineParser()
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        parsed.errors.append(f"{line}: not well-formed XML: {str(exc).split(':')[0]}")
        return parsed
    except DefusedXmlException as exc:
        parsed.errors.append(f"0: refused: the file declares {type(exc).__name__} "
                             "(entities and external references are not accepted)")
        return parsed
    if root.tag != "quiz":
        parsed.errors.append(f"{root.sourceline}: the root element must be <quiz>, not "
                             f"<{root.tag}>")
        return parsed
    for node in root.findall("question"):
        qtype = node.get("type", "")
        if qtype == "category":
            continue
        line = node.sourceline
        name = _child_text(node, "idnumber") or _child_text(node, "name/text")
        if not qtype:
            parsed.errors.append(f"{line}: question '{name}': <question> has no type "
                                 "attribute (type=\"multichoice\", \"truefalse\", …)")
            continue
        try:
            entry = _entry(node, qtype)
        except AtLine as exc:
            parsed.errors.append(f"{exc.line}: question '{name}': {exc}")
            continue
        except ValueError as exc:
            parsed.errors.append(f"{line}: question '{name}': {exc}")
            continue
        if not isinstance(entry, str) and node.find("questiontext/text") is None:
            parsed.errors.append(f"{line}: question '{name}': no <questiontext><text> "
                                 "(the question itself)")
            continue
        if isinstance(entry, str):
            parsed.unmapped.append(f"line {line}: '{name}' ({entry})")
            continue
        entry = {"id": name, "prompt": _child_text(node, "questiontext/text"), **entry}
        explanation = _child_text(node, "generalfeedback/text")
        if explanation:
            entry["explanation"] = explanation
        tags = [_child_text(t, "text") for t in node.findall("tags/tag")]
        if any(tags):
            entry["tags"] = [t for t in tags if t]
        grade = _child_text(node, "defaultgrade")
        if grade:
            try:
                marks = _plain(float(grade))
                if not math.isfinite(marks):
                    raise ValueError
            except ValueError:
                parsed.errors.append(f"{line}: question '{name}': defaultgrade '{grade}' is "
                                     "not a number")
                continue
            if marks != 1:
                entry["marks"] = marks
        parsed.entries.append((line, entry))
    return parsed


class AtLine(ValueError):
    """What is wrong, at a line of its own inside the question."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _answers(node: Element) -> list[tuple[float, str, str]]:
    found = []
    for answer in node.findall("answer"):
        try:
            fraction = float(answer.get("fraction", "0"))
        except ValueError:
            raise AtLine(f"fraction '{answer.get('fraction')}' is not a number",
                         answer.sourceline) from None
        found.append((fraction, _child_text(answer, "text"), _child_text(answer,
                                                                         "feedback/text")))
    return found


def _entry(node: Element, qtype: str) -> dict | str:
    answers = _answers(node) if qtype != "matching" else []
    if qtype == "multichoice":
        choices = [{"text": t, "feedback": f} if f else t for _, t, f in answers]
        right = [t for fraction, t, _ in answers if fraction > 0]
        if len(answers) < 2:
            raise ValueError("a multichoice question needs at least two <answer>s")
        # Moodle reads a missing <single> as true.
        if (_child_text(node, "single") or "true") in ("true", "1"):
            best = [t for fraction, t, _ in answers if fraction >= 100]
            if len(best) != 1:
                raise ValueError("a single-answer multichoice needs exactly one answer "
                                 "with fraction 100")
            return {"type": "single_choice", "choices": choices, "answer": best[0]}
        return {"type": "multiple_response", "choices": choices, "answers": right}
    if qtype == "truefalse":
        by_text = {t.lower(): (fraction, f) for fraction, t, f in answers}
        if set(by_text) != {"true", "false"}:
            raise ValueError("a truefalse question needs the answers 'true' and 'false'")
        feedback = {k: v[1] for k, v in by_text.items() if v[1]}
        return {"type": "true_false", "answer": by_text["true"][0] >= 100,
                **({"feedback": feedback} if feedback else {})}
    if qtype == "shortanswer":
        if any(fraction < 100 for fraction, _, _ in answers):
            return "short answer with partial credit: no such grading here"
        return {"type": "short_answer", "answers": [t for _, t, _ in answers]}
    if qtype == "numerical":
        best = [a for a in node.findall("answer") if float(a.get("fraction", "0")) >= 100]
        if len(best) != 1 or len(answers) != 1:
            return "numeric with several graded answers: no such grading here"
        try:
            value = float(_child_text(best[0], "text"))
            tolerance = float(_child_text(best[0], "tolerance") or 0)
            if not (math.isfinite(value) and math.isfinite(tolerance)):
                raise ValueError
        except ValueError:
            raise ValueError("the numerical answer and tolerance must be numbers") from None
        entry = {"type": "numeric", "answer": _plain(value), "tolerance": _plain(tolerance)}
        for unit in node.findall("units/unit"):
            if _child_text(unit, "multiplier") in ("1", "1.0", ""):
                entry["unit"] = _child_text(unit, "unit_name")
                break
        return entry
    if qtype == "matching":
        pairs, distractors = [], []
        for sub in node.findall("subquestion"):
            left, right = _child_text(sub, "text"), _child_text(sub, "answer/text")
            if left and not right:
                raise AtLine(f"subquestion '{left[:40]}' has no <answer><text>",
                             sub.sourceline)
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        return {"type": "matching", "pairs": pairs,
                **({"distractors": distractors} if distractors else {})}
    if qtype == "ordering":
        ranked = sorted(answers, key=lambda a: a[0])
        return {"type": "ordering", "items": [t for _, t, _ in ranked]}
    return f"{qtype or 'untyped'}: no such question type here"

