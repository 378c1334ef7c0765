"""What every question type's authoring form is made of: the fields all types share
(``QuestionForm``), rows of choices, items and pairs, and turning rows into bank entries.

Each type's own form lives in its module (``form_class``). The forms only gather what
was typed: every rule about a question lives in the type and the bank checker, which
``entries.check_entry`` runs.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from . import text_of

try:
    from wtforms import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    SelectChoice = None

BLANK_ROWS = 2  # empty rows offered after the filled ones, so no script is needed to add one


class CitationForm(Form):
    paragraph = SelectField("Paragraph", choices=[], validate_choice=False)
    quote = TextAreaField("Evidence quote (verbatim from the paragraph)",
                          validators=[Optional(), Length(max=2000)])


class ChoiceForm(Form):
    text = StringField("Text", validators=[Optional(), Length(max=1000)])
    feedback = StringField("Feedback if picked", validators=[Optional(), Length(max=1000)])


class ItemForm(Form):
    text = StringField("Text", validators=[Optional(), Length(max=1000)])
    source = FieldList(FormField(CitationForm), min_entries=1)  # its own, optional


class PairForm(ItemForm):
    left = StringField("Left", validators=[Optional(), Length(max=1000)])
    right = StringField("Right", validators=[Optional(), Length(max=1000)])
    text = None


def options(pairs) -> list:
    """Choices for a select or radio field, as this WTForms wants them."""
    return [SelectChoice(value, label) if SelectChoice else (value, label)
            for value, label in pairs]


def lines_of(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def number_of(text: str | None):
    """A number typed in a form, as a bank would hold it; the text itself if it is not one."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    return int(value) if value == int(value) and "." not in text else value


def citations_of(rows) -> list[dict]:
    found = []
    for row in rows:
        paragraph, quote = row.paragraph.data or "", (row.quote.data or "").strip()
        if paragraph or quote:
            found.append({"paragraph": paragraph or None, "quote": quote})
    return found


def source_rows(source) -> list[dict]:
    if source is None:
        return []
    source = [source] if isinstance(source, Mapping) else list(source)
    return [{"paragraph": str(c.get("paragraph", "")).removeprefix("p"),
             "quote": text_of(c.get("quote"))} for c in source]


class QuestionForm(FlaskForm):
    """The fields every type shares."""

    type_name = ""
    # Where the checker's field paths show in this form, when the form names them
    # differently or has no field of that name (the rest show where their path says).
    error_fields: ClassVar[dict[str, str]] = {"id": "key", "source": "source[0].quote"}
    key = StringField("Id", validators=[Length(max=80)],
                      description="Lower-case letters, digits, '.', '_' or '-'; never changes."
                                  " Left empty, one is made from the prompt.")
    prompt = TextAreaField("Prompt", validators=[Length(max=4000)])
    explanation = TextAreaField("Explanation", validators=[Length(max=4000)],
                                description="Shown in the review beside the source.")
    tags = StringField("Tags", validators=[Length(max=500)],
                       description="Words separated by commas.")
    marks = StringField("Marks", default="1", validators=[Length(max=20)])
    source = FieldList(FormField(CitationForm), min_entries=1)
    exam_only = BooleanField(
        "Exam only", description="Drawn only by a quiz that lists it by name, never by one "
        "that draws all questions, a section or tags: practice quizzes never show it.")

    def own_entry(self) -> dict:
        return {}

    def own_fields(self) -> list:
        """The fields the type adds to those every type shares, in their order."""
        shared = set(QuestionForm.__dict__) | {"csrf_token"}
        return [f for f in self if f.short_name not in shared]

    def fill_own(self, entry: Mapping) -> None:
        pass

    def to_entry(self) -> dict:
        """What was typed, as a bank entry (blank rows left out)."""
        entry = {"id": (self.key.data or "").strip(), "type": self.type_name,
                 "prompt": (self.prompt.data or "").strip()}
        entry.update(self.own_entry())
        entry["explanation"] = (self.explanation.data or "").strip()
        tags = [t.strip() for t in (self.tags.data or "").split(",") if t.strip()]
        if tags:
            entry["tags"] = tags
        marks = number_of(self.marks.data)
        if marks is not None and marks != 1:
            entry["marks"] = marks
        citations = citations_of(self.source)
        if citations:
            entry["source"] = citations
        if self.exam_only.data:
            entry["exam_only"] = True
        return entry

    def fill(self, entry: Mapping) -> None:
        """Show ``entry`` in the form (for editing a stored version or an import)."""
        self.key.data = entry.get("id", "")
        self.prompt.data = text_of(entry.get("prompt"))
        self.explanation.data = text_of(entry.get("explanation"))
        self.tags.data = ", ".join(entry.get("tags") or [])
        self.marks.data = str(entry.get("marks", 1))
        fill_rows(self.source, source_rows(entry.get("source")))
        self.exam_only.data = entry.get("exam_only") is True
        self.fill_own(entry)

    def row_lists(self) -> list[FieldList]:
        return [self.source]

    def blank_rows(self, rows: FieldList) -> int:
        """How many empty rows ``rows`` offers after its filled ones."""
        return 1 if rows is self.source else BLANK_ROWS

    def add_choice(self) -> None:
        """One more empty choice row (the "Add choice" button); types without choices
        have no such button."""

    def pad(self, paragraph_choices: list[tuple[str, str]]) -> None:
        """Offer blank rows and give every paragraph picker its choices."""
        choices = options([("", "(none)")] + paragraph_choices)
        for rows in self.row_lists():
            _pad(rows, self.blank_rows(rows), choices)


def _filled(row) -> bool:
    """Whether anything was typed or chosen in a row (its own citation rows included)."""
    for sub in row.form:
        if hasattr(sub, "entries"):
            if any(_filled(inner) for inner in sub):
                return True
        elif isinstance(sub.data, str) and sub.data.strip():
            return True
    return False


def _pad(rows: FieldList, blank: int, choices: list) -> None:
    filled = sum(1 for row in rows if _filled(row))
    while len(rows) < filled + blank or len(rows) < rows.min_entries:
        rows.append_entry()
    for row in rows:
        if "paragraph" in row.form:
            row.form.paragraph.choices = choices
        if "source" in row.form:  # an item's or a pair's own citations
            _pad(row.form.source, 1, choices)


def fill_rows(rows: FieldList, values: list[dict]) -> None:
    while len(rows):
        rows.pop_entry()
    for value in values:
        rows.append_entry(value)


class ChoicesMixin:
    def choice_entries(self) -> list:
        found = []
        for row in self.choices:
            text, feedback = (row.text.data or "").strip(), (row.feedback.data or "").strip()
            if text or feedback:
                found.append({"text": text, "feedback": feedback} if feedback else text)
        return found

    def fill_choices(self, entry: Mapping) -> None:
        fill_rows(self.choices, [
            {"text": text_of(c.get("text")), "feedback": text_of(c.get("feedback"))}
            if isinstance(c, Mapping) else {"text": text_of(c), "feedback": ""}
            for c in entry.get("choices") or []])

    def row_lists(self):
        return [self.source, self.choices]

    def blank_rows(self, rows):
        # The "Add choice" button adds a row when one is wanted.
        return 0 if rows is self.choices else super().blank_rows(rows)

    def add_choice(self):
        self.choices.append_entry()


def row_source(row) -> dict:
    cites = citations_of(row.source)
    return {"source": cites} if cites else {}
