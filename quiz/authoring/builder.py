"""The quiz builder: pick questions from the bank, order them, add random blocks.

Each button is one POST that writes the quiz's selection rule as a blocks rule (the
named questions first, then the random blocks) and comes back with the filters kept.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..courses import taught_quizzes
from ..docparse import HEADING, in_section
from ..drawing import Candidate, pool
from ..extensions import db
from ..forms import ActionForm
from ..models import (
    ACTIVE,
    STATUS_LABELS,
    Attempt,
    Citation,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
)
from ..scores import reported
from ..types import QUESTION_TYPES
from .blueprint import bp
from .questions import _matches

FILTERS = ("q", "section", "paragraph", "type", "tag", "status")
MAX_COUNT = 1000


class Refused(ValueError):
    """An action the builder does not take; says why."""


def split(select: dict) -> tuple[list[str], list[dict]]:
    """A selection rule as the builder edits it: the named questions, in order, and the
    random blocks. A rule written before the builder becomes one random block."""
    if "blocks" not in select:
        if "questions" in select and not select.get("count"):
            return [str(k) for k in select["questions"] or []], []
        return [], [dict(select)]
    named: list[str] = []
    blocks: list[dict] = []
    for block in select["blocks"]:
        if "questions" in block and not block.get("count"):
            named += [str(k) for k in block["questions"] if str(k) not in named]
        else:
            blocks.append(dict(block))
    return named, blocks


def join(named: list[str], blocks: list[dict]) -> dict:
    return {"blocks": ([{"questions": named}] if named else []) + blocks}


def _quiz(key: str) -> Quiz:
    return db.first_or_404(db.select(Quiz).filter_by(key=key)
                           .where(taught_quizzes(current_user)))


def _questions(quiz: Quiz) -> list[Question]:
    return db.session.execute(
        db.select(Question).filter_by(document_id=quiz.document_id).options(
            selectinload(Question.current).selectinload(QuestionVersion.citations)
            .selectinload(Citation.paragraph)).order_by(Question.position)
    ).scalars().all()


def _candidates(questions: list[Question]) -> list[Candidate]:
    return [Candidate(q.key, q.current.tags, q.current.section, q.exam_only)
            for q in questions if q.current and q.status == ACTIVE]


def _filters() -> dict[str, str]:
    return {k: request.args[k] for k in FILTERS if request.args.get(k)}


@bp.route("/quizzes/<key>/build", methods=["GET"])
def build_quiz(key: str):
    quiz = _quiz(key)
    return _page(quiz, _questions(quiz))


def _page(quiz: Quiz, questions: list[Question], error: str = "", status: int = 200):
    args = request.args
    by_key = {q.key: q for q in questions if q.current}
    named, blocks = split(quiz.select)
    headings = db.session.execute(db.select(Paragraph).filter_by(
        document_id=quiz.document_id, kind=HEADING).order_by(Paragraph.number)).scalars().all()
    titles = {}
    for heading in headings:  # a section's title is its first heading's text
        titles.setdefault(heading.section, heading.text)
    sections = list(titles)
    state = args.get("status", "")
    found = [q for q in by_key.values() if _matches(q, args) and (
        not state or (q.exam_only if state == "exam_only" else q.status == state))]
    candidates = _candidates(questions)
    drawn_from = [pool(b, [c for c in candidates if c.key not in named]) for b in blocks]
    coverage = []
    for section in sections:
        coverage.append({
            "section": titles[section],
            "possible": sum(in_section(c.section, section) for c in candidates),
            "named": sum(1 for k in named if k in by_key
                         and in_section(by_key[k].current.section, section)),
            "random": sum(1 for admitted in drawn_from
                          if any(in_section(c.section, section) for c in admitted)),
        })
    attempts = db.session.execute(
        db.select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id,
                                                           reported())).scalar_one()
    return render_template(
        "authoring/quiz_builder.html", quiz=quiz, named=named, blocks=blocks,
        block_sizes=[len(a) for a in drawn_from], by_key=by_key, found=found,
        sections=sections, titles=titles,
        tags=sorted({t for q in by_key.values() for t in q.current.tags}),
        types=QUESTION_TYPES, statuses=STATUS_LABELS, args=args, filters=_filters(),
        coverage=coverage, attempts=attempts, error=error, form=ActionForm()), status


@bp.route("/quizzes/<key>/build", methods=["POST"])
def build_quiz_action(key: str):
    quiz = _quiz(key)
    if not ActionForm().validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    questions = _questions(quiz)
    try:
        named, blocks, message = _act(quiz, questions, request.form)
    except Refused as refused:
        db.session.rollback()
        return _page(quiz, questions, str(refused), 409)
    quiz.select = join(named, blocks)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".build_quiz", key=quiz.key, **_filters()) + "#selection")


def _act(quiz: Quiz, questions: list[Question], form) -> tuple[list[str], list[dict], str]:
    """The selection after the form's action, and what to tell the instructor."""
    named, blocks = split(quiz.select)
    action = form.get("action", "")
    key = form.get("question", "")
    by_key = {q.key: q for q in questions if q.current}
    if action == "add":
        question = by_key.get(key)
        if question is None:
            raise Refused(f"There is no question '{key}' in this quiz's document.")
        if question.status != ACTIVE:
            raise Refused(f"'{key}' is {STATUS_LABELS[question.status]}: only published "
                          "questions can be added. Publish it first.")
        if key in named:
            raise Refused(f"'{key}' is already in the selection.")
        return named + [key], blocks, f"Added '{key}'."
    if action in ("remove", "up", "down"):
        if key not in named:
            raise Refused(f"'{key}' is not in the selection.")
        i = named.index(key)
        if action == "remove":
            if len(named) == 1 and not blocks:
                raise Refused("A quiz needs at least one question: add another before "
                              f"removing '{key}'.")
            return named[:i] + named[i + 1:], blocks, f"Removed '{key}'."
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(named):
            named[i], named[j] = named[j], named[i]
        return named, blocks, f"Moved '{key}' {action}."
    if action == "remove_block":
        number = form.get("block", "")
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= len(blocks)):
            raise Refused(f"There is no random block {number}.")
        if len(blocks) == 1 and not named:
            raise Refused("A quiz needs at least one question: add another before removing "
                          "its last block.")
        del blocks[int(number) - 1]
        return named, blocks, f"Removed random block {number}."
    if action == "add_block":
        block = _new_block(form, questions, named)
        return named, blocks + [block], "Added a random block."
    raise Refused(f"Unknown action '{action}'.")


def _new_block(form, questions: list[Question], named: list[str]) -> dict:
    source, count = form.get("source", ""), form.get("count", "").strip()
    if not (count.isascii() and count.isdigit() and 1 <= int(count) <= MAX_COUNT):
        raise Refused(f"'Number of questions' must be a whole number from 1 to {MAX_COUNT}, "
                      f"not '{count}'.")
    if source == "section":
        section = form.get("block_section", "")
        if not section:
            raise Refused("Choose the section to draw from.")
        block = {"section": section, "count": int(count)}
    elif source == "tag":
        tag = form.get("block_tag", "")
        if not tag:
            raise Refused("Choose the tag to draw from.")
        block = {"tags": [tag], "count": int(count)}
    else:
        raise Refused("Draw from a section or a tag.")
    admitted = pool(block, [c for c in _candidates(questions) if c.key not in named])
    if len(admitted) < int(count):
        raise Refused(f"The block asks for {count} questions but only {len(admitted)} "
                      "published question(s) not named in the selection match it "
                      "(exam-only questions are drawn by name only).")
    return block
