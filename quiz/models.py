"""The domain, as stored: documents and paragraphs, questions and their versions, attempts."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="learner")  # or instructor, admin
    display_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    demo: Mapped[bool] = mapped_column(default=False)  # made by `demo seed`, replaced by it
    # Set when an instructor gives a temporary password: changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_instructor(self) -> bool:
        """Instructors and administrators (an administrator is an instructor everywhere)."""
        return self.role in ("instructor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


DEFAULT_COURSE = "open"  # the course made by migration 0801; it holds the shipped bank
INSTRUCTOR, LEARNER = "instructor", "learner"  # roles in a course


class Course(db.Model):
    """A class: its documents and quizzes, its instructors and learners (CourseMember).

    Every registration joins each ``open`` course; others are joined by enrolment code
    or by an instructor. The course coded DEFAULT_COURSE always exists: documents and
    quizzes made without naming a course land in it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    enrolment_code: Mapped[str] = mapped_column(String(40), unique=True)
    open: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseMember(db.Model):
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=LEARNER)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


# The id of the default course, as an INSERT's default: read inside the INSERT itself.
# Documents' and quizzes' course_id is never null: the column allows it only because
# SQLite cannot add a NOT NULL reference to a table with rows (see migration 0801).
default_course_id = select(Course.id).where(Course.code == DEFAULT_COURSE).scalar_subquery()


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(20), default="en")
    origin: Mapped[str] = mapped_column(Text, default="")
    attribution: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(20), default="text")
    source_hash: Mapped[str] = mapped_column(String(64))
    # Documents added in the browser keep their text here; shipped ones live in questions/.
    source_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    edition: Mapped[int] = mapped_column(default=1, server_default="1")
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True, nullable=True,
                                           default=default_course_id)

    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="document", order_by="Paragraph.number"
    )
    quizzes: Mapped[list[Quiz]] = relationship(back_populates="document", order_by="Quiz.id")


class Paragraph(db.Model):
    """A heading, paragraph or list item of a document; ``number`` gives its anchor p<n>."""

    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(16))

    document: Mapped[Document] = relationship(back_populates="paragraphs")

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


ACTIVE, DRAFT, NEEDS_REVIEW, RETIRED = "active", "draft", "needs_review", "retired"
# A draft is a question not yet published: written in the browser or imported, it waits
# for an instructor's Publish (and, when imported, for a source: its note says so).
STATUS_LABELS = {ACTIVE: "published", DRAFT: "draft", NEEDS_REVIEW: "needs review",
                 RETIRED: "retired"}


class Question(db.Model):
    """A question's identity; what it asks lives in its versions.

    Only active (published) questions enter new attempts: a draft (written in the
    browser or imported, not yet published), one flagged for review (its quote vanished
    from a new edition of the document) and a retired one stay out until an instructor
    publishes, fixes or restores it. An exam-only question is drawn only by a quiz that
    names it, never by one that selects all questions, a section or tags.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ACTIVE)
    # Why a question is a draft or needs review, and what would help (old paragraph
    # texts, citations suggested by an import), for the instructor who fixes it.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    detail: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)  # order in its bank
    exam_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version")
    )

    current: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class QuestionVersion(db.Model):
    """One edition of a question, immutable once written: attempts point at it."""

    __table_args__ = (UniqueConstraint("question_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    marks: Mapped[float] = mapped_column(default=1.0)
    section: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    citations: Mapped[list[Citation]] = relationship(
        back_populates="version", order_by="Citation.position"
    )


class Citation(db.Model):
    """Evidence for a version's answer: a paragraph and a verbatim quote from it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    part: Mapped[str] = mapped_column(String(40), default="")  # "item 2", "pair 1", or whole
    quote: Mapped[str] = mapped_column(Text)
    # The paragraph's text when the quote was checked: a new edition of the document
    # changes the paragraph, never what past attempts were shown.
    paragraph_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Where the quote is in paragraph_text (start, end), found when the citation is
    # written, so a review marks it by slicing.
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]

    version: Mapped[QuestionVersion] = relationship(back_populates="citations")
    paragraph: Mapped[Paragraph] = relationship()

    @property
    def checked_text(self) -> str:
        """The paragraph as it was when this citation was checked."""
        return self.paragraph_text or self.paragraph.text


QUIZ_DRAFT, PUBLISHED, CLOSED, ARCHIVED = "draft", "published", "closed", "archived"
# The states learners see in their lists; a draft or an archived quiz answers 404 to them.
LISTED = (PUBLISHED, CLOSED)


class Quiz(db.Model):
    """A quiz's rule and settings. Its ``state`` says who sees it (see quiz.quizstates)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True, nullable=True,
                                           default=default_course_id)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    select: Mapped[dict] = mapped_column(JSON)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    grading_method: Mapped[str] = mapped_column(String(20), default="highest")
    time_limit: Mapped[int] = mapped_column(default=0, server_default="0")  # minutes; 0: none
    attempts_allowed: Mapped[int] = mapped_column(default=0, server_default="0")  # 0: no limit
    review: Mapped[str] = mapped_column(String(20), default="immediately",
                                        server_default="immediately")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(20), default=PUBLISHED, server_default=PUBLISHED)

    document: Mapped[Document] = relationship(back_populates="quizzes")
    course: Mapped[Course] = relationship()


IN_PROGRESS, FINISHED = "in_progress", "finished"


class Attempt(db.Model):
    __table_args__ = (
        # At most one unfinished attempt per learner and quiz, even under double clicks.
        Index("one_open_attempt", "user_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'in_progress'"),
              postgresql_where=text("state = 'in_progress'")),
        Index("attempt_by_user", "user_id", "quiz_id"),
        Index("attempt_by_quiz_state", "quiz_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    seed: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    marks: Mapped[float | None]
    max_marks: Mapped[float] = mapped_column(default=0.0)
    percent: Mapped[float | None]
    # An instructor's attempt, taken to see the quiz as a learner does: kept out of
    # grades, statistics, exports and attempt counts (see scores.reported).
    preview: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.slot"
    )

    @property
    def finished(self) -> bool:
        return self.state == FINISHED


class Response(db.Model):
    """One question slot of an attempt: the version asked, its layout, and the answer."""

    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    slot: Mapped[int]
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    layout: Mapped[dict] = mapped_column(JSON)
    answer: Mapped[object | None] = mapped_column(JSON)
    sequence: Mapped[int] = mapped_column(default=0)  # bumped by every save; stale pages lose
    saved_at: Mapped[datetime | None]
    # The grade of the answer stored, written with it by every save (and of no answer when
    # the attempt starts); shown only once the attempt is finished. Attempts started
    # before saves stored grades have none until they are submitted.
    fraction: Mapped[float | None]
    marks: Mapped[float | None]
    max_marks: Mapped[float] = mapped_column(default=1.0)
    # The learner's "come back to this one" mark; it has no bearing on the grade.
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    version: Mapped[QuestionVersion] = relationship()


class LoginSession(db.Model):
    """A logged-in browser. Logging out deletes it, so a copied cookie stops working.

    ``token`` is the SHA-256 of the token in the browser's session cookie: the database
    and its backups hold nothing a cookie could be made from."""

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Brought forward every few minutes of use; idle sessions end (see auth.keep_alive).
    last_seen_at: Mapped[datetime | None] = mapped_column(default=utcnow)


class RateLimitCounter(db.Model):
    """A fixed-window counter for login throttling, shared by every worker and server."""

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float]


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(db.Model):
    """Long instructor work (an import, a new edition) run by the worker, not the request."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(400))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # what the worker needs
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # When it started or last committed a batch: a running job silent for long has lost
    # its worker (see quiz.jobs.stalled).
    progressed_at: Mapped[datetime | None]
