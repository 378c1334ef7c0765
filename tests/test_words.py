"""Counts read as words on every page: "1 question", "2 questions"."""
from quiz.words import plural


def test_counts_take_the_singular_for_one_and_the_plural_otherwise():
    assert plural(1, "question") == "1 question"
    assert plural(0, "question") == "0 questions"
    assert plural(2, "quiz") == "2 quizzes"
    assert plural(3, "preview attempt") == "3 preview attempts"
    assert plural(2, "person", "people") == "2 people"
