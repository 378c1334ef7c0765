"""Two real transactions at once, on SQLite and PostgreSQL alike (the suite runs on both).

Each test runs its two sides in threads with app contexts, and so sessions, and
connections, of their own. One side stops holding its transaction open; the other is
started against it and must wait for its commit, then see what it wrote.
"""
import threading
import time
from datetime import timedelta

import pytest

from quiz.attempts import (
    SaveRefused,
    close_attempt,
    close_overdue,
    lock_attempt,
    save_answer,
    start_attempt,
)
from quiz.attempts.answer import slot_response
from quiz.extensions import db
from quiz.models import Attempt, Quiz, Response, User, utcnow
from quiz.quizsettings import GRACE
from tests.test_learner_flow import register, start
from tests.test_quiz_settings import set_quiz

WAIT = 10  # seconds a side waits for the other before the test gives up


class Side(threading.Thread):
    """One transaction in a thread of its own; what it returned, or raised, is kept."""

    def __init__(self, app, work):
        super().__init__(daemon=True)
        self.app, self.work, self.result, self.error = app, work, None, None
        self.done = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                try:
                    self.result = self.work()
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    raise
        except BaseException as error:  # noqa: BLE001 - reported by finish()
            self.error = error
        finally:
            self.done.set()

    def finish(self):
        self.join(WAIT)
        assert not self.is_alive(), "a side never finished"
        return self.result


def held(app, work):
    """A side that does ``work`` and then holds its transaction open until released."""
    reached, release = threading.Event(), threading.Event()

    def holding():
        result = work()
        reached.set()
        assert release.wait(WAIT)
        return result

    side = Side(app, holding)
    side.start()
    assert reached.wait(WAIT), side.error
    return side, release


def waits_for(first_release, second: Side) -> None:
    """Start ``second``; it must still be waiting while the first holds its transaction
    (it can only finish early if nothing made it wait), then let the first commit."""
    second.start()
    time.sleep(0.5)
    assert not second.done.is_set(), "the second transaction did not wait for the first"
    first_release.set()


@pytest.fixture
def attempt_id(typed_app):
    client = typed_app.test_client()
    register(client)
    return int(start(client).rsplit("/", 1)[1])


def saving(attempt_id, answer="PSOTC", slot=4, now=None):
    def work():
        attempt = lock_attempt(attempt_id)
        response = slot_response(attempt_id, slot)
        return save_answer(attempt, response, answer, response.sequence, now or utcnow())
    return work


def closing(attempt_id, now=None):
    def work():
        return close_attempt(lock_attempt(attempt_id), now or utcnow())
    return work


def stored(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        marks = db.session.execute(db.select(db.func.sum(Response.marks))
                                   .filter_by(attempt_id=attempt_id)).scalar()
        answer = db.session.execute(db.select(Response.answer)
                                    .filter_by(attempt_id=attempt_id, slot=4)).scalar()
        return attempt.state, attempt.marks, marks, answer


def test_a_save_then_a_submit_the_submit_waits_and_counts_the_save(typed_app, attempt_id):
    save, release = held(typed_app, saving(attempt_id))
    submit = Side(typed_app, closing(attempt_id))
    waits_for(release, submit)
    assert save.finish() == 1 and submit.finish() is True
    assert stored(typed_app, attempt_id) == ("finished", 1, 1, "PSOTC")


def test_a_submit_then_a_save_the_save_waits_and_is_refused(typed_app, attempt_id):
    submit, release = held(typed_app, closing(attempt_id))
    save = Side(typed_app, saving(attempt_id))
    waits_for(release, save)
    assert submit.finish() is True
    save.finish()
    assert isinstance(save.error, SaveRefused) and save.error.reason == "closed"
    assert stored(typed_app, attempt_id) == ("finished", 0, 0, None)


def test_a_save_in_the_grace_period_then_the_time_up_close_counts_it(typed_app, attempt_id):
    set_quiz(typed_app, time_limit=10)
    with typed_app.app_context():
        started = db.session.get(Attempt, attempt_id).started_at
    deadline = started + timedelta(minutes=10)
    save, release = held(typed_app, saving(attempt_id, now=deadline + GRACE / 2))
    sweep = Side(typed_app, lambda: close_overdue(deadline + GRACE + timedelta(seconds=1)))
    waits_for(release, sweep)
    assert save.finish() == 1 and sweep.finish() == 1
    assert stored(typed_app, attempt_id) == ("finished", 1, 1, "PSOTC")


def test_a_time_up_close_then_a_late_save_is_refused(typed_app, attempt_id):
    set_quiz(typed_app, time_limit=10)
    with typed_app.app_context():
        started = db.session.get(Attempt, attempt_id).started_at
    late = started + timedelta(minutes=10) + GRACE + timedelta(seconds=1)
    sweep, release = held(typed_app, lambda: close_overdue(late))
    save = Side(typed_app, saving(attempt_id, now=late))
    waits_for(release, save)
    assert sweep.finish() == 1
    save.finish()
    assert isinstance(save.error, SaveRefused) and save.error.reason == "closed"
    assert stored(typed_app, attempt_id) == ("finished", 0, 0, None)


def test_two_submits_close_the_attempt_once(typed_app, attempt_id):
    with typed_app.app_context():
        attempt = lock_attempt(attempt_id)
        response = slot_response(attempt_id, 4)
        save_answer(attempt, response, "PSOTC", 0, utcnow())
        db.session.commit()
    first, release = held(typed_app, closing(attempt_id))
    second = Side(typed_app, closing(attempt_id))
    waits_for(release, second)
    assert (first.finish(), second.finish()) == (True, False)
    assert stored(typed_app, attempt_id) == ("finished", 1, 1, "PSOTC")


def test_two_starts_at_the_attempt_limit_open_one_attempt(typed_app):
    set_quiz(typed_app, attempts_allowed=1)
    register(typed_app.test_client(), "ann")

    def starting():
        user = db.session.execute(db.select(User).filter_by(username="ann")).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        return start_attempt(user, quiz, utcnow()).id

    first, release = held(typed_app, starting)
    second = Side(typed_app, starting)
    waits_for(release, second)
    assert first.finish() == second.finish()
    with typed_app.app_context():
        assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar() == 1
