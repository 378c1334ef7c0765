"""Courses: who teaches and who takes which quizzes; enrolment by code, by hand or roster.

Functions here flush but never commit: the request (or command) that calls them does.
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import (
    ColumnElement,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
    update,
)

from .extensions import db
from .models import (
    DEFAULT_COURSE,
    INSTRUCTOR,
    LEARNER,
    Attempt,
    Course,
    CourseMember,
    Document,
    Quiz,
    User,
    utcnow,
)

COURSE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
ENROLMENT_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
ENROLMENT_LENGTH = 10  # 31**10: about 50 bits, with guesses throttled per account


class CourseError(ValueError):
    """A user-caused problem with a course, said in words fit to show."""


def new_enrolment_code() -> str:
    return "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(ENROLMENT_LENGTH))


def course_by_code(code: str) -> Course | None:
    return db.session.execute(select(Course).filter_by(code=code)).scalar_one_or_none()


def create_course(title: str, code: str, instructor: User) -> Course:
    """A new (closed) course taught by ``instructor``."""
    title, code = title.strip(), code.strip().lower()
    if not title:
        raise CourseError("Give the course a title.")
    if len(title) > 200:
        raise CourseError("Use at most 200 characters for the title.")
    if not COURSE_CODE.match(code):
        raise CourseError("Use 2 to 40 lower-case letters, digits or hyphens for the code, "
                          "starting with a letter or digit.")
    if course_by_code(code) is not None:
        raise CourseError(f"The code '{code}' is taken.")
    course = Course(code=code, title=title, enrolment_code=new_enrolment_code())
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseMember(course_id=course.id, user_id=instructor.id, role=INSTRUCTOR))
    db.session.flush()
    return course


def renew_enrolment_code(course: Course) -> str:
    """A new code: the old one (and links made from it) stops working at once."""
    course.enrolment_code = new_enrolment_code()
    db.session.flush()
    return course.enrolment_code


# Who sees what. ``user`` is a User or the signed-in user (anything with id and role).

def _is_admin(user) -> bool:
    return getattr(user, "role", None) == "admin"


def taught_course_ids(user):
    """A subquery of the ids of the courses ``user`` teaches (every course for an admin)."""
    if _is_admin(user):
        return select(Course.id)
    return select(CourseMember.course_id).where(CourseMember.user_id == user.id,
                                                CourseMember.role == INSTRUCTOR)


def member_course_ids(user):
    """A subquery of the ids of the courses ``user`` belongs to, in any role."""
    return select(CourseMember.course_id).where(CourseMember.user_id == user.id)


def visible_course_ids(user):
    """A subquery of the ids of the courses whose quizzes ``user`` may see and take:
    their courses (every course for an admin); for a visitor not logged in, the open
    courses (registering joins them)."""
    if user is None or not user.is_authenticated:
        return select(Course.id).where(Course.open.is_(True))
    if _is_admin(user):
        return select(Course.id)
    return member_course_ids(user)


def authored_documents(user) -> ColumnElement[bool]:
    """The condition on Document for the documents whose questions ``user`` may write,
    edit, import and export: those of the courses they teach (all for an admin). Reading
    a document stays open to anyone."""
    return Document.course_id.in_(taught_course_ids(user))


def visible_quizzes(user) -> ColumnElement[bool]:
    """The condition on Quiz for the quizzes ``user`` may see and take."""
    return Quiz.course_id.in_(visible_course_ids(user))


def may_take(user, quiz: Quiz) -> bool:
    return db.session.execute(
        select(Quiz.id).where(Quiz.id == quiz.id, visible_quizzes(user))).first() is not None


def taught_quizzes(user) -> ColumnElement[bool]:
    """The condition on Quiz for the quizzes whose attempts and reports ``user`` sees."""
    if not user.is_instructor:
        return false()
    return true() if _is_admin(user) else Quiz.course_id.in_(taught_course_ids(user))


def teaches(user, course_id: int) -> bool:
    if _is_admin(user):
        return True
    return db.session.execute(
        select(CourseMember.id).filter_by(course_id=course_id, user_id=user.id,
                                          role=INSTRUCTOR)).first() is not None


def teaches_learner(user, learner_id: int, or_taught: bool = False) -> bool:
    """Whether ``user`` teaches a course the account ``learner_id`` belongs to (or, with
    ``or_taught``, has attempts in: a learner removed from a course keeps their record)."""
    if _is_admin(user):
        return True
    member = select(CourseMember.id).where(CourseMember.user_id == learner_id,
                                           CourseMember.course_id.in_(taught_course_ids(user)))
    if or_taught:
        member = member.union_all(
            select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == learner_id, taught_quizzes(user)))
    return db.session.execute(member.limit(1)).first() is not None


def courses_taught(user) -> list[Course]:
    return list(db.session.execute(
        select(Course).where(Course.id.in_(taught_course_ids(user))).order_by(Course.title)
    ).scalars())


def courses_of(user) -> list[Course]:
    return list(db.session.execute(
        select(Course).where(Course.id.in_(member_course_ids(user))).order_by(Course.title)
    ).scalars())


# Membership.

def enrol(user: User, course: Course, role: str = LEARNER) -> bool:
    """Make ``user`` a member of ``course``; False if they were one already."""
    found = db.session.execute(
        select(CourseMember).filter_by(course_id=course.id, user_id=user.id)
    ).scalar_one_or_none()
    if found is not None:
        if role == INSTRUCTOR and found.role != INSTRUCTOR:
            found.role = INSTRUCTOR
            db.session.flush()
            return True
        return False
    db.session.add(CourseMember(course_id=course.id, user_id=user.id, role=role))
    db.session.flush()
    return True


def join_open_courses(user: User) -> None:
    """``user`` joins every open course they are not in, in one statement (registration
    runs it): an instructor teaches them, anyone else learns."""
    role = INSTRUCTOR if user.is_instructor else LEARNER
    db.session.execute(insert(CourseMember).from_select(
        ["course_id", "user_id", "role", "joined_at"],
        select(Course.id, literal(user.id), literal(role), literal(utcnow()))
        .where(Course.open.is_(True),
               Course.id.not_in(select(CourseMember.course_id).filter_by(user_id=user.id)))))


def join_by_code(user: User, code: str) -> tuple[Course | None, bool]:
    """The course whose enrolment code is ``code`` (None if none) and whether ``user``
    joined it now (False: a member already)."""
    code = code.strip().lower()
    if not code or len(code) > 40:
        return None, False
    course = db.session.execute(
        select(Course).filter_by(enrolment_code=code)).scalar_one_or_none()
    if course is None:
        return None, False
    return course, enrol(user, course)


def remove_learner(course: Course, user_id: int) -> bool:
    """Take a learner out of the course (their attempts stay, for the record)."""
    result = db.session.execute(
        delete(CourseMember).filter_by(course_id=course.id, user_id=user_id, role=LEARNER))
    return result.rowcount > 0


def learners_of(course: Course) -> list[User]:
    return list(db.session.execute(
        select(User).join(CourseMember, CourseMember.user_id == User.id)
        .where(CourseMember.course_id == course.id, CourseMember.role == LEARNER)
        .order_by(func.lower(User.username))).scalars())


def instructors_of(course: Course) -> list[User]:
    return list(db.session.execute(
        select(User).join(CourseMember, CourseMember.user_id == User.id)
        .where(CourseMember.course_id == course.id, CourseMember.role == INSTRUCTOR)
        .order_by(func.lower(User.username))).scalars())


def set_instructor(user: User, instructor: bool) -> None:
    """Make a learner an instructor (who then teaches the open courses) or take it back
    (their courses' teaching becomes membership as a learner). Admins stay admins."""
    if user.is_admin:
        raise CourseError("An administrator's role is changed on the command line.")
    user.role = INSTRUCTOR if instructor else LEARNER
    if instructor:
        db.session.execute(
            update(CourseMember).where(CourseMember.user_id == user.id,
                                       CourseMember.course_id.in_(
                                           select(Course.id).filter_by(open=True)))
            .values(role=INSTRUCTOR))
        join_open_courses(user)
    else:
        db.session.execute(update(CourseMember).filter_by(user_id=user.id, role=INSTRUCTOR)
                           .values(role=LEARNER))
    db.session.flush()


def course_for_bank(code: str, where: str) -> int:
    """The id of the course a bank's document.yaml names (the default course if none)."""
    course = course_by_code(code or DEFAULT_COURSE)
    if course is None:
        raise CourseError(f"{where}: there is no course '{code}'; create it first "
                          "(its code is on its page), or leave 'course' out for the "
                          f"default course '{DEFAULT_COURSE}'.")
    return course.id
