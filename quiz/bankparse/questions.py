"""Checking a bank's question entries: the fields every type shares, the type's own
(each type checks its fields), and the citations, each quote found in its paragraph."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..docparse import HEADING, Block
from ..textmatch import QuoteFinder, closest_passage
from ..types import QUESTION_TYPES, get_type, text_of
from ..yamlines import LineDict
from .specs import ID_PATTERN, BankError, CitationSpec, DocumentSpec, QuestionSpec

COMMON_FIELDS = {"id", "type", "prompt", "explanation", "tags", "source", "marks", "status",
                 "exam_only"}
BANK_STATUSES = ("active", "draft", "retired")
MISSING = {"prompt": "Write the prompt: the question a learner answers.",
           "explanation": "Write the explanation a learner reads in the review."}
TEXT_LISTS = ("choices", "answers", "items", "distractors")


class QuestionChecker:
    """Checks question entries of one file; collects errors rather than stopping at the
    first. A ``draft`` (an imported question) may lack its source and explanation."""

    def __init__(self, path: str, draft: bool = False):
        self.path = path
        self.draft = draft
        self.errors: list[BankError] = []
        self.quotes = QuoteFinder()
        self.blocks: dict[str, dict[int, Block]] = {}  # by document slug, then number

    def error(self, line: int, message: str, question: str = "", field: str = "",
              form_message: str = "") -> None:
        self.errors.append(BankError(self.path, line, message, question, field,
                                     form_message=form_message))

    def question(self, entry: LineDict, document: DocumentSpec) -> QuestionSpec | None:
        """The spec of a question entry, or None when it has errors (in ``errors``)."""
        before = len(self.errors)
        qid = text_of(entry.get("id"))
        if not qid:
            self.error(entry.line, "missing field 'id'", field="id",
                       form_message="Give the question an id, or write a prompt to make "
                       "one from.")
        elif not ID_PATTERN.match(qid):
            self.error(entry.line_of("id"), f"id '{qid}' must be lower-case letters, digits, "
                       "'.', '_' or '-' (at most 80)", qid, "id",
                       "Write the id in lower-case letters, digits, '.', '_' or '-' (at most "
                       "80), starting with a letter or digit.")

        def report(message: str, field: str | None = None, form_message: str = "") -> None:
            """A type's report: ``field`` is a path into the entry (``choices[1]``);
            ``form_message`` says it as a sentence about the field the authoring form shows."""
            key = re.split(r"[.\[]", field, maxsplit=1)[0] if field else None
            self.error(entry.line_of(key) if key else entry.line, message, qid, field or "",
                       form_message)

        qtype = text_of(entry.get("type"))
        kind = QUESTION_TYPES.get(qtype)
        if kind is None:
            report(f"unknown type '{qtype}' (types: {', '.join(sorted(QUESTION_TYPES))})"
                   if qtype else "missing field 'type'", "type",
                   "Choose a type of question: " + ", ".join(
                       sorted(t.label.lower() for t in QUESTION_TYPES.values())) + ".")
        for key in ("prompt",) if self.draft else ("prompt", "explanation"):
            if not text_of(entry.get(key)):
                report(f"missing field '{key}'", key, MISSING[key])
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            report("'tags' must be a list of words", "tags",
                   "Write the tags as words separated by commas.")
            tags = []
        marks = entry.get("marks", 1)
        if isinstance(marks, bool) or not isinstance(marks, int | float) or marks <= 0:
            report("'marks' must be a number above zero", "marks",
                   "Marks must be a number above 0.")
        if "status" in entry and entry["status"] not in BANK_STATUSES:
            report("'status' must be " + " or ".join(BANK_STATUSES), "status",
                   "The status must be " + ", ".join(BANK_STATUSES[:-1])
                   + f" or {BANK_STATUSES[-1]}.")
        if not isinstance(entry.get("exam_only", False), bool):
            report("'exam_only' must be true or false", "exam_only",
                   "Exam only is either ticked or not.")
        if kind is not None:
            for key in set(entry) - COMMON_FIELDS - get_type(qtype).fields:
                report(f"unknown field '{key}' for type {qtype}", key,
                       f"A {kind.label.lower()} question has nothing called {key}.")
            for key in _boolean_texts(entry, qtype):
                report(f"'{key}' holds an unquoted yes/no/on/off/true/false, which YAML reads "
                       "as true or false; put the text in quotes", key,
                       f"The {key} must be written as text.")
            kind.check(entry, report)
        citations = self.citations(entry, "", "", document, qid, required=not self.draft)
        if kind is not None and len(self.errors) == before:
            for part, _source, node in kind.citation_parts(entry):
                citations += self.citations(node, _path_of(entry, node), part, document, qid)
        if len(self.errors) > before:
            return None
        return QuestionSpec(
            id=qid, type=qtype, prompt=text_of(entry["prompt"]),
            explanation=text_of(entry.get("explanation")), tags=[t.strip() for t in tags],
            marks=float(marks), data=kind.data(entry), citations=citations,
            document=document.slug, path=self.path, line=entry.line,
            status=text_of(entry.get("status")), exam_only=entry.get("exam_only", False),
        )

    def citations(self, node, at, part, document, qid, required=False) -> list[CitationSpec]:
        """Check the citations under ``node["source"]`` (``node`` is the entry's part at the
        field path ``at``): each paragraph exists and holds its quote."""
        source = node.get("source")
        field = f"{at}.source" if at else "source"
        where = f" of {part}" if part else ""
        proved = part or "the answer"  # what a citation proves, in the form's sentences
        if source is None:
            if required:
                self.error(node.line, "missing field 'source' (paragraph and evidence quote)",
                           qid, field, "Choose the paragraph that proves the answer and copy "
                           "the words that prove it.")
            return []
        if isinstance(source, Mapping):
            source = [source]
        if not isinstance(source, list) or not source:
            self.error(node.line_of("source"), f"'source'{where} must be a citation or a list "
                       "of them", qid, field, f"Give a paragraph and a quote that prove {proved}.")
            return []
        found = []
        if document.slug not in self.blocks:
            self.blocks[document.slug] = {b.number: b for b in document.blocks}
        by_number = self.blocks[document.slug]
        for index, cite in enumerate(source):
            line = cite.line if isinstance(cite, LineDict) else node.line_of("source")
            at_cite = f"{field}[{index}]"
            if not isinstance(cite, Mapping):
                self.error(line, f"a citation{where} must have 'paragraph' and 'quote'", qid,
                           at_cite, f"Give a paragraph and a quote that prove {proved}.")
                continue
            number = _paragraph_number(cite.get("paragraph"))
            quote = text_of(cite.get("quote"))
            block = by_number.get(number)
            wrong = "paragraph"
            if number is None:
                problem = (f"citation{where} needs 'paragraph' (a number such as 12 or an "
                           "anchor such as p12)")
                sentence = f"Choose the paragraph whose words prove {proved}."
            elif block is None:
                problem = (f"paragraph p{number} does not exist in document "
                           f"'{document.slug}' (it has p1 to p{len(document.blocks)})")
                sentence = (f"There is no paragraph p{number}: this document has p1 to "
                            f"p{len(document.blocks)}.")
            elif block.kind == HEADING:
                problem = f"p{number} is a heading; cite the paragraph that states the fact"
                sentence = f"p{number} is a heading; choose the paragraph that states the fact."
            elif not quote:
                problem, wrong = f"citation{where} of p{number} needs a 'quote'", "quote"
                sentence = f"Copy the words of p{number} that prove {proved}."
            elif self.quotes.find(block.text, quote) is None:
                problem, wrong = f"quote{where} not found in p{number}: \"{quote}\"", "quote"
                sentence = (f"The quote{where} is not in p{number}: \"{quote}\". Copy it word "
                            "for word from the paragraph.")
                near = closest_passage(block.text, quote)
                if near is not None:
                    problem += f"; did you mean \"{near}\"?"
                    sentence += f" Did you mean \"{near}\"?"
            else:
                found.append(CitationSpec(number, quote, part))
                continue
            self.error(line, problem, qid, f"{at_cite}.{wrong}", sentence)
        return found


def _path_of(entry: Mapping, node) -> str:
    """The field path of ``node``, a row of one of the entry's lists (``items[2]``)."""
    for key, value in entry.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                if row is node:
                    return f"{key}[{index}]"
    return ""


def _boolean_texts(entry: Mapping, qtype: str) -> list[str]:
    """Fields whose texts YAML turned into booleans (Yes, No, on, off written bare)."""
    found = []
    for key in TEXT_LISTS:
        values = entry.get(key)
        if isinstance(values, list):
            texts = [v.get("text") if isinstance(v, Mapping) else v for v in values]
            if any(isinstance(t, bool) for t in texts):
                found.append(key)
    pairs = entry.get("pairs")
    if isinstance(pairs, list) and any(
            isinstance(p, Mapping) and (isinstance(p.get("left"), bool)
                                        or isinstance(p.get("right"), bool)) for p in pairs):
        found.append("pairs")
    if qtype != "true_false" and isinstance(entry.get("answer"), bool):
        found.append("answer")
    return found


def _paragraph_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    match = re.fullmatch(r"p?(\d+)", text_of(value))
    return int(match.group(1)) if match else None
