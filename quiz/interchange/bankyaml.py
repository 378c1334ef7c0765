"""Writing questions and quizzes as bank YAML that ``bank load`` reads back unchanged."""
from __future__ import annotations

import yaml

from ..drawing import Candidate, named_keys, pool
from ..entries import entry_of
from ..extensions import db
from ..models import RETIRED, Quiz
from ..quizsettings import bank_settings
from ..words import plural
from .common import ExportResult, document_questions


class _BankDumper(yaml.SafeDumper):
    """Block style, keys in the order written, long texts unwrapped."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _str)


def dump(value) -> str:
    return yaml.dump(value, Dumper=_BankDumper, sort_keys=False, allow_unicode=True,
                     width=100_000, default_flow_style=False)


def bank_text(document: str, questions: list[dict], quizzes: list[dict], note: str = "") -> str:
    """A whole bank file: the document's slug, its questions and its quizzes."""
    header = "".join(f"# {line}\n" for line in note.splitlines())
    body = {"document": document, "questions": questions}
    if quizzes:
        body["quizzes"] = quizzes
    return header + dump(body)


def export_bank(document):
    """The document's questions and quizzes as a bank file that ``bank load`` reads back."""

    questions, left_out = document_questions(document)
    entries = [dict(entry_of(q.current, q.key, "retired" if q.status == RETIRED else ""),
                    **({"exam_only": True} if q.exam_only else {})) for q in questions]
    candidates = [Candidate(q.key, q.current.tags, q.current.section, q.exam_only)
                  for q in questions]
    quizzes = []
    for quiz in db.session.execute(db.select(Quiz).filter_by(document_id=document.id)
                                   .order_by(Quiz.id)).scalars():
        listed = quiz.select.get("questions") or sorted(named_keys(quiz.select))
        missing = [k for k in listed if k not in {q.key for q in questions}]
        if missing:
            left_out.append(f"quiz {quiz.key} (lists questions that are not exported: "
                            + ", ".join(missing) + ")")
            continue
        if not pool(quiz.select, candidates):
            left_out.append(f"quiz {quiz.key} (its selection matches no exported question)")
            continue
        entry = {"id": quiz.key, "title": quiz.title}
        if quiz.description:
            entry["description"] = quiz.description
        entry.update(select=dict(quiz.select), shuffle_questions=quiz.shuffle_questions,
                     shuffle_choices=quiz.shuffle_choices, grading=quiz.grading_method)
        entry.update(bank_settings(quiz))
        quizzes.append(entry)
    note = (f"Bank of '{document.title}' ({document.slug}), edition {document.edition}: "
            f"{plural(len(entries), 'question')}, {plural(len(quizzes), 'quiz')}.")
    text = bank_text(document.slug, entries, quizzes, note)
    return ExportResult(text, [q.key for q in questions], left_out)
