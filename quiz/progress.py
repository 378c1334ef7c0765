"""A learner's progress: attempts per quiz, scores over time, mastery of the text."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from .extensions import db
from .models import (
    FINISHED,
    Attempt,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
    Response,
)

RECENT = 3  # mastery looks at the latest answers to questions citing a paragraph
MASTERED = 0.8
BANDS = {
    "mastered": "Mastered: your latest answers on it earned at least 80%.",
    "shaky": "Shaky: your latest answers on it earned less than 80%.",
    "unseen": "Not yet seen: no question on it in your finished attempts.",
}


@dataclass
class QuizProgress:
    quiz: Quiz
    attempts: int
    best: float
    last: float


@dataclass
class Mastery:
    fractions: list[float] = field(default_factory=list)  # oldest first

    @property
    def score(self) -> float | None:
        recent = self.fractions[-RECENT:]
        return sum(recent) / len(recent) if recent else None

    @property
    def band(self) -> str:
        score = self.score
        if score is None:
            return "unseen"
        return "mastered" if score >= MASTERED else "shaky"


def finished_attempts(user_id: int) -> list[Attempt]:
    return db.session.execute(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.state == FINISHED)
        .order_by(Attempt.finished_at, Attempt.id)
    ).scalars().all()


def per_quiz(attempts: list[Attempt], quizzes: dict[int, Quiz]) -> list[QuizProgress]:
    grouped: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[attempt.quiz_id].append(attempt)
    return [QuizProgress(quizzes[q], len(a), max(x.percent for x in a), a[-1].percent)
            for q, a in grouped.items()]


def mastery(user_id: int, document_id: int | None = None) -> dict[int, Mastery]:
    """Paragraph id -> the learner's mastery, from every finished answer citing it."""
    query = (
        select(Citation.paragraph_id, Response.id, Response.fraction, Attempt.finished_at,
               Response.slot)
        .join(Response, Response.version_id == Citation.version_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(Attempt.user_id == user_id, Attempt.state == FINISHED)
        .order_by(Attempt.finished_at, Response.slot)
        .distinct()
    )
    if document_id is not None:
        query = query.join(Paragraph, Paragraph.id == Citation.paragraph_id).where(
            Paragraph.document_id == document_id)
    result: dict[int, Mastery] = defaultdict(Mastery)
    for paragraph_id, _response_id, fraction, _when, _slot in db.session.execute(query):
        result[paragraph_id].fractions.append(fraction or 0.0)
    return dict(result)


@dataclass
class Missed:
    key: str
    prompt: str
    asked: int
    missed: int
    last_fraction: float
    paragraph: Paragraph | None


def missed_questions(user_id: int) -> list[Missed]:
    """Questions the learner got wrong at least twice, or wrong the last time."""
    rows = db.session.execute(
        select(Question.key, Response.fraction, QuestionVersion.id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Attempt.user_id == user_id, Attempt.state == FINISHED)
        .order_by(Attempt.finished_at, Response.slot)
    ).all()
    history: dict[str, list[float]] = defaultdict(list)
    latest_version: dict[str, int] = {}
    for key, fraction, version_id in rows:
        history[key].append(fraction or 0.0)
        latest_version[key] = version_id
    keys = [k for k, h in history.items()
            if sum(1 for f in h if f < 1) >= 2 or h[-1] < 1]
    if not keys:
        return []
    versions = {v.id: v for v in db.session.execute(
        select(QuestionVersion).where(QuestionVersion.id.in_([latest_version[k] for k in keys]))
    ).scalars()}
    first_cited = dict(db.session.execute(
        select(Citation.version_id, Citation.paragraph_id)
        .where(Citation.version_id.in_(list(versions)), Citation.position == 0)).all())
    paragraphs = {p.id: p for p in db.session.execute(
        select(Paragraph).where(Paragraph.id.in_(list(first_cited.values())))).scalars()}
    missed = []
    for key in keys:
        version = versions[latest_version[key]]
        h = history[key]
        missed.append(Missed(key, version.prompt, len(h), sum(1 for f in h if f < 1), h[-1],
                             paragraphs.get(first_cited.get(version.id))))
    missed.sort(key=lambda m: (-m.missed, m.last_fraction, m.key))
    return missed


@dataclass
class SectionMastery:
    document: Document
    heading: Paragraph
    mastered: int
    shaky: int
    unseen: int

    @property
    def total(self) -> int:
        return self.mastered + self.shaky + self.unseen


def by_section(documents: list[Document], mastery: dict[int, Mastery]) -> list[SectionMastery]:
    """How many of each section's paragraphs are mastered, shaky or not yet seen."""
    result = []
    for document in documents:
        current = None
        for paragraph in document.paragraphs:
            if paragraph.kind == "heading":
                current = SectionMastery(document, paragraph, 0, 0, 0)
                result.append(current)
                continue
            if current is None:
                continue
            band = mastery[paragraph.id].band if paragraph.id in mastery else "unseen"
            setattr(current, band, getattr(current, band) + 1)
    return [s for s in result if s.total]
