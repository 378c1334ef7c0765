"""An attempt's life: it starts, its answers are saved, it closes.

Every change to an attempt or its answers takes the attempt's row as its lock first
(``lock_attempt``): a save and a close of the same attempt never interleave, on SQLite
(whose write transactions already take turns) and PostgreSQL alike. A save that was
acknowledged is in the grade; one that comes after the close is refused. The functions
here flush; the request (or command) commits.
"""
from .answer import SaveRefused, save_answer
from .close import close_attempt, close_overdue, lock_attempt, overdue_attempts
from .grading import answer_fraction, scored
from .page import QuestionPage, question_page
from .start import EmptyQuiz, QuizUnavailable, start_attempt

__all__ = [
    "EmptyQuiz",
    "QuestionPage",
    "QuizUnavailable",
    "SaveRefused",
    "answer_fraction",
    "close_attempt",
    "close_overdue",
    "lock_attempt",
    "overdue_attempts",
    "question_page",
    "save_answer",
    "scored",
    "start_attempt",
]
