"""A learner's progress: attempts per quiz, scores over time, mastery of the text."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import (
    ACTIVE,
    Attempt,
    Citation,
    Document,
    Paragraph,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    utcnow,
)
from .quizsettings import answers_visible
from .scores import reported

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
    """The learner's finished attempts, oldest first, each with its quiz."""
    return db.session.execute(
        select(Attempt).where(Attempt.user_id == user_id, reported())
        .options(joinedload(Attempt.quiz)).order_by(Attempt.finished_at, Attempt.id)
    ).scalars().all()


@dataclass(frozen=True)
class Answer:
    """One finished answer: its question, version and score, and the paragraphs it cites."""

    key: str
    version_id: int
    prompt: str
    fraction: float
    paragraphs: tuple[int, ...]  # paragraph ids, each once, the first citation's first
    answers_shown: bool = True  # False while its quiz's review settings hide the answers
    # Whether a new attempt could ask the question now: published, not exam-only.
    askable: bool = True


def answers(user_id: int) -> list[Answer]:
    """Every answer of the learner's finished attempts, oldest first, in two statements."""
    finished = (Attempt.user_id == user_id, reported())
    rows = db.session.execute(
        select(Question.key, Response.version_id, QuestionVersion.prompt, Response.fraction,
               Quiz.review, Quiz.closes_at,
               ((Question.status == ACTIVE) & Question.exam_only.is_(False)
                & Question.current_version_id.is_not(None)).label("askable"))
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == Response.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(*finished).order_by(Attempt.finished_at, Attempt.id, Response.slot)
    ).all()
    asked = select(Response.version_id).join(Attempt, Attempt.id == Response.attempt_id)
    cited: dict[int, list[int]] = defaultdict(list)
    for version_id, paragraph_id in db.session.execute(
            select(Citation.version_id, Citation.paragraph_id)
            .where(Citation.version_id.in_(asked.where(*finished)))
            .order_by(Citation.version_id, Citation.position)):
        if paragraph_id not in cited[version_id]:
            cited[version_id].append(paragraph_id)
    now = utcnow()
    return [Answer(row.key, row.version_id, row.prompt, row.fraction or 0.0,
                   tuple(cited.get(row.version_id, ())), answers_visible(row, now),
                   bool(row.askable))
            for row in rows]


def mastery_of(history: list[Answer]) -> dict[int, Mastery]:
    """Paragraph id -> mastery, from answers oldest first (what mastery() computes in SQL).
    Answers whose quiz hides its answers count nowhere: a band would say where they lie."""
    result: dict[int, Mastery] = defaultdict(Mastery)
    for answer in history:
        if not answer.answers_shown:
            continue
        for paragraph_id in answer.paragraphs:
            result[paragraph_id].fractions.append(answer.fraction)
    return dict(result)


def per_quiz(attempts: list[Attempt], quizzes: dict[int, Quiz]) -> list[QuizProgress]:
    grouped: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        grouped[attempt.quiz_id].append(attempt)
    return [QuizProgress(quizzes[q], len(a), max(x.percent for x in a), a[-1].percent)
            for q, a in grouped.items()]


def mastery(user_id: int, document_id: int | None = None) -> dict[int, Mastery]:
    """Paragraph id -> the learner's mastery, from every finished answer citing it whose
    quiz shows its answers now (as mastery_of)."""
    query = (
        select(Citation.paragraph_id, Response.id, Response.fraction, Attempt.finished_at,
               Response.slot, Quiz.review, Quiz.closes_at)
        .join(Response, Response.version_id == Citation.version_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, reported())
        .order_by(Attempt.finished_at, Response.slot)
        .distinct()
    )
    if document_id is not None:
        query = query.join(Paragraph, Paragraph.id == Citation.paragraph_id).where(
            Paragraph.document_id == document_id)
    result: dict[int, Mastery] = defaultdict(Mastery)
    now = utcnow()
    for row in db.session.execute(query):
        if answers_visible(row, now):  # the row has the quiz's review and closes_at
            result[row.paragraph_id].fractions.append(row.fraction or 0.0)
    return dict(result)


@dataclass
class Missed:
    key: str
    prompt: str
    asked: int
    missed: int
    last_fraction: float
    paragraph: Paragraph | None


def missed_questions(history: list[Answer], paragraphs: dict[int, Paragraph]) -> list[Missed]:
    """Questions the learner keeps missing: wrong at least twice, the last time included.
    (One miss in one attempt is the review's business; two make a pattern.)

    ``history`` is answers() (oldest first); ``paragraphs`` maps ids to loaded paragraphs.
    """
    fractions: dict[str, list[float]] = defaultdict(list)
    latest: dict[str, Answer] = {}
    for answer in history:
        fractions[answer.key].append(answer.fraction)
        latest[answer.key] = answer
    keys = [k for k, h in fractions.items()
            if sum(1 for f in h if f < 1) >= 2 and h[-1] < 1]
    missed = []
    for key in keys:
        last, h = latest[key], fractions[key]
        # Where the answer lies stays hidden while the quiz hides its answers.
        first = paragraphs.get(last.paragraphs[0]) if last.paragraphs and last.answers_shown \
            else None
        missed.append(Missed(key, last.prompt, len(h), sum(1 for f in h if f < 1), h[-1], first))
    missed.sort(key=lambda m: (-m.missed, m.last_fraction, m.key))
    return missed


def practice_keys(history: list[Answer], missed: list[Missed]) -> list[str]:
    """The missed questions a practice round may ask, in the order of ``missed``: those
    whose correct answer the learner can already see in the review of every attempt in
    which they missed it, and which a new attempt could ask (published, not exam-only)."""
    hidden = {a.key for a in history if a.fraction < 1 and not a.answers_shown}
    askable = {a.key: a.askable for a in history}
    return [m.key for m in missed if m.key not in hidden and askable.get(m.key)]


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
