"""One WTForms form per question type; each turns itself into a bank entry and back.

The forms only gather what was typed: every rule about a question lives in the
type registry and the bank checker, which ``entries.check_entry`` runs.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from ..types import text_of

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


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _number(text: str | None):
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


def _citations(rows) -> list[dict]:
    found = []
    for row in rows:
        paragraph, quote = row.paragraph.data or "", (row.quote.data or "").strip()
        if paragraph or quote:
            found.append({"paragraph": paragraph or None, "quote": quote})
    return found


def _source_rows(source) -> list[dict]:
    if source is None:
        return []
    source = [source] if isinstance(source, Mapping) else list(source)
    return [{"paragraph": str(c.get("paragraph", "")).removeprefix("p"),
             "quote": text_of(c.get("quote"))} for c in source]


class QuestionForm(FlaskForm):
    """The fields every type shares."""

    type_name = ""
    key = StringField("Id", validators=[Length(max=80)],
                      description="Lower-case letters, digits, '.', '_' or '-'; never changes.")
    prompt = TextAreaField("Prompt", validators=[Length(max=4000)])
    explanation = TextAreaField("Explanation", validators=[Length(max=4000)],
                                description="Shown in the review beside the source.")
    tags = StringField("Tags", validators=[Length(max=500)],
                       description="Words separated by commas.")
    marks = StringField("Marks", default="1", validators=[Length(max=20)])
    source = FieldList(FormField(CitationForm), min_entries=1)

    def own_entry(self) -> dict:
        return {}

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
        marks = _number(self.marks.data)
        if marks is not None and marks != 1:
            entry["marks"] = marks
        citations = _citations(self.source)
        if citations:
            entry["source"] = citations
        return entry

    def fill(self, entry: Mapping) -> None:
        """Show ``entry`` in the form (for editing a stored version or an import)."""
        self.key.data = entry.get("id", "")
        self.prompt.data = text_of(entry.get("prompt"))
        self.explanation.data = text_of(entry.get("explanation"))
        self.tags.data = ", ".join(entry.get("tags") or [])
        self.marks.data = str(entry.get("marks", 1))
        _fill_rows(self.source, _source_rows(entry.get("source")))
        self.fill_own(entry)

    def row_lists(self) -> list[FieldList]:
        return [self.source]

    def pad(self, paragraph_choices: list[tuple[str, str]]) -> None:
        """Offer blank rows and give every paragraph picker its choices."""
        choices = options([("", "(none)")] + paragraph_choices)
        for rows in self.row_lists():
            _pad(rows, BLANK_ROWS if rows is not self.source else 1, choices)


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


def _fill_rows(rows: FieldList, values: list[dict]) -> None:
    while len(rows):
        rows.pop_entry()
    for value in values:
        rows.append_entry(value)


class _ChoicesMixin:
    def choice_entries(self) -> list:
        found = []
        for row in self.choices:
            text, feedback = (row.text.data or "").strip(), (row.feedback.data or "").strip()
            if text or feedback:
                found.append({"text": text, "feedback": feedback} if feedback else text)
        return found

    def fill_choices(self, entry: Mapping) -> None:
        _fill_rows(self.choices, [
            {"text": text_of(c.get("text")), "feedback": text_of(c.get("feedback"))}
            if isinstance(c, Mapping) else {"text": text_of(c), "feedback": ""}
            for c in entry.get("choices") or []])

    def row_lists(self):
        return [self.source, self.choices]


class SingleChoiceForm(_ChoicesMixin, QuestionForm):
    type_name = "single_choice"
    choices = FieldList(FormField(ChoiceForm), min_entries=3)
    answer = StringField("Correct answer", validators=[Length(max=1000)],
                         description="The text of the right choice, as written above.")

    def own_entry(self):
        return {"choices": self.choice_entries(), "answer": (self.answer.data or "").strip()}

    def fill_own(self, entry):
        self.fill_choices(entry)
        self.answer.data = text_of(entry.get("answer"))


class MultipleResponseForm(_ChoicesMixin, QuestionForm):
    type_name = "multiple_response"
    choices = FieldList(FormField(ChoiceForm), min_entries=4)
    answers = TextAreaField("Correct answers, one per line", validators=[Length(max=4000)],
                            description="The texts of every right choice, as written above.")

    def own_entry(self):
        return {"choices": self.choice_entries(), "answers": _lines(self.answers.data)}

    def fill_own(self, entry):
        self.fill_choices(entry)
        self.answers.data = "\n".join(text_of(a) for a in entry.get("answers") or [])


class TrueFalseForm(QuestionForm):
    type_name = "true_false"
    answer = RadioField("The statement is", choices=options([("true", "True"), ("false", "False")]),
                        validate_choice=False)
    feedback_true = StringField("Feedback for a learner who answers True",
                                validators=[Length(max=1000)])
    feedback_false = StringField("Feedback for a learner who answers False",
                                 validators=[Length(max=1000)])

    def own_entry(self):
        entry = {"answer": {"true": True, "false": False}.get(self.answer.data or "")}
        feedback = {key: text for key, text in (("true", self.feedback_true.data),
                                                ("false", self.feedback_false.data))
                    if (text or "").strip()}
        if feedback:
            entry["feedback"] = {k: v.strip() for k, v in feedback.items()}
        return entry

    def fill_own(self, entry):
        answer = entry.get("answer")
        self.answer.data = {True: "true", False: "false"}.get(answer) if isinstance(
            answer, bool) else None
        feedback = entry.get("feedback") or {}
        self.feedback_true.data = text_of(feedback.get(True, feedback.get("true")))
        self.feedback_false.data = text_of(feedback.get(False, feedback.get("false")))


class ShortAnswerForm(QuestionForm):
    type_name = "short_answer"
    answers = TextAreaField("Accepted answers, one per line", validators=[Length(max=4000)],
                            description="The first is shown as the correct answer. Case, "
                            "spacing and punctuation are ignored when grading.")

    def own_entry(self):
        return {"answers": _lines(self.answers.data)}

    def fill_own(self, entry):
        self.answers.data = "\n".join(text_of(a) for a in entry.get("answers") or [])


class NumericForm(QuestionForm):
    type_name = "numeric"
    answer = StringField("Correct answer (a number)", validators=[Length(max=60)])
    tolerance = StringField("Tolerance (±)", default="0", validators=[Length(max=60)])
    unit = StringField("Unit (optional)", validators=[Length(max=40)])

    def own_entry(self):
        entry = {"answer": _number(self.answer.data),
                 "tolerance": _number(self.tolerance.data) or 0}
        if (self.unit.data or "").strip():
            entry["unit"] = self.unit.data.strip()
        return entry

    def fill_own(self, entry):
        self.answer.data = text_of(entry.get("answer"))
        self.tolerance.data = text_of(entry.get("tolerance", 0))
        self.unit.data = text_of(entry.get("unit"))


def _row_source(row) -> dict:
    cites = _citations(row.source)
    return {"source": cites} if cites else {}


class OrderingForm(QuestionForm):
    type_name = "ordering"
    items = FieldList(FormField(ItemForm), min_entries=4)

    def own_entry(self):
        found = []
        for row in self.items:
            text = (row.text.data or "").strip()
            extra = _row_source(row)
            if text or extra:
                found.append({"text": text, **extra} if extra else text)
        return {"items": found}

    def fill_own(self, entry):
        rows = []
        for item in entry.get("items") or []:
            if isinstance(item, Mapping):
                rows.append({"text": text_of(item.get("text")),
                             "source": _source_rows(item.get("source"))})
            else:
                rows.append({"text": text_of(item)})
        _fill_rows(self.items, rows)

    def row_lists(self):
        return [self.source, self.items]


class MatchingForm(QuestionForm):
    type_name = "matching"
    pairs = FieldList(FormField(PairForm), min_entries=3)
    distractors = TextAreaField("Extra right-hand answers that match nothing, one per line",
                                validators=[Length(max=4000)])

    def own_entry(self):
        pairs = []
        for row in self.pairs:
            left, right = (row.left.data or "").strip(), (row.right.data or "").strip()
            extra = _row_source(row)
            if left or right or extra:
                pairs.append({"left": left, "right": right, **extra})
        entry = {"pairs": pairs}
        distractors = _lines(self.distractors.data)
        if distractors:
            entry["distractors"] = distractors
        return entry

    def fill_own(self, entry):
        rows = []
        for pair in entry.get("pairs") or []:
            if isinstance(pair, Mapping):
                rows.append({"left": text_of(pair.get("left")),
                             "right": text_of(pair.get("right")),
                             "source": _source_rows(pair.get("source"))})
        _fill_rows(self.pairs, rows)
        self.distractors.data = "\n".join(text_of(d) for d in entry.get("distractors") or [])

    def row_lists(self):
        return [self.source, self.pairs]


FORMS: dict[str, type[QuestionForm]] = {
    form.type_name: form for form in (SingleChoiceForm, MultipleResponseForm, TrueFalseForm,
                                      ShortAnswerForm, NumericForm, OrderingForm, MatchingForm)
}
