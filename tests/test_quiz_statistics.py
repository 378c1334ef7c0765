"""The quiz overview and item analysis as an instructor sees them: which attempts count,
drawn quizzes, questions worth no marks, and marks kept unrounded."""
import json

import pytest

from quiz.extensions import db
from quiz.models import Attempt, Question, QuestionVersion, Quiz, Response
from tests.test_learner_flow import start
from tests.test_scores import finish, take


def stats_json(app, quiz="all-types", *options):
    result = app.test_cli_runner().invoke(args=["stats", "items", quiz, *options, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def figures(page: str) -> str:
    return " ".join(page.split())


def set_grading(app, method, quiz="all-types"):
    with app.app_context():
        db.session.execute(db.select(Quiz).filter_by(key=quiz)).scalar_one() \
            .grading_method = method
        db.session.commit()


def test_the_report_counts_graded_all_or_first_attempts(typed_app, people):
    take(people["ann"], {1})                     # 1/7, t-multi wrong
    take(people["ann"], {1, 2, 3, 4, 5, 6})      # 6/7, her highest
    take(people["ann"], {2})                     # 1/7, t-multi right
    take(people["bob"], set(range(1, 8)))        # 7/7
    set_grading(typed_app, "highest")
    teacher = people["teacher"]
    expected = {  # attempts, mean score, t-multi's facility
        "graded": (2, "92.9%", 1.0),     # ann's 6/7 and bob's 7/7
        "all": (4, "53.6%", 0.75),       # (1 + 6 + 1 + 7) / 28
        "first": (2, "57.1%", 0.5),      # ann's 1/7 and bob's 7/7
    }
    for which, (count, mean, facility) in expected.items():
        page = figures(teacher.get(f"/instructor/quizzes/all-types?attempts={which}").text)
        assert f"<dt>Finished attempts counted</dt><dd>{count}</dd>" in page
        assert f"<dt>Mean</dt><dd>{mean}</dd>" in page
        assert f'<option value="{which}" selected>' in page
        data = stats_json(typed_app, "all-types", "--attempts", which)
        assert data["attempts"] == which and data["test"]["attempts"] == count
        multi = next(i for i in data["items"] if i["key"] == "t-multi")
        assert multi["facility"] == pytest.approx(facility)
    # The default follows the grading method; an average counts every attempt.
    assert "<dt>Mean</dt><dd>92.9%</dd>" in figures(
        teacher.get("/instructor/quizzes/all-types").text)
    set_grading(typed_app, "average")
    page = figures(teacher.get("/instructor/quizzes/all-types/items").text)
    assert "(grading method: average)</option>" in page
    assert stats_json(typed_app)["test"]["attempts"] == 4
    # Four scores, in sevenths 1, 6, 1, 7 (mean 3.75): deviations -2.75, 2.25, -2.75, 3.25
    # give m2 = 7.6875, m3 = 1.03125, m4 = 62.89453125; k2 = 10.25, k3 = 2.75 and
    # k4 = 16 (5 m4 - 9 m2^2) / 6 = -579.75: skewness 0.08, kurtosis -5.52.
    page = figures(teacher.get("/instructor/quizzes/all-types").text)
    assert "<dt>Skewness</dt><dd>0.08</dd>" in page
    assert "<dt>Kurtosis</dt><dd>-5.52</dd>" in page
    assert "<td>80–90%</td><td class=\"num\">1</td>" in page    # the chart's table


def test_an_unknown_choice_of_attempts_is_refused_clearly(typed_app, people):
    response = people["teacher"].get("/instructor/quizzes/all-types/items?attempts=best")
    assert response.status_code == 400
    assert "Unknown choice of attempts &#39;best&#39;: use one of graded, all, first." \
        in response.text
    assert people["teacher"].get("/instructor/quizzes/all-types?attempts=").status_code == 400
    result = typed_app.test_cli_runner().invoke(
        args=["stats", "items", "all-types", "--attempts", "best"])
    assert result.exit_code == 2 and "'best' is not one of" in result.output


def set_marks(app, quiz_key, marks_by_position):
    """Give the quiz's finished attempts, oldest first, these marks at each position."""
    with app.app_context():
        attempts = db.session.execute(
            db.select(Attempt).join(Quiz).where(Quiz.key == quiz_key).order_by(Attempt.id)
        ).scalars().all()
        assert len(attempts) == len(marks_by_position)
        for attempt, marks in zip(attempts, marks_by_position, strict=True):
            responses = sorted(attempt.responses, key=lambda r: r.slot)
            for response, mark in zip(responses, marks, strict=True):
                response.fraction = response.marks = mark
        db.session.commit()


def test_a_drawn_quiz_gets_test_statistics_by_position(typed_app, people):
    for _ in range(5):
        url = start(people["ann"], "two-random")
        finish(people["ann"], url)
    # Position 1: 1,1,0,0,0 and position 2: 1,1,1,0,0 (variance 3/10 each); totals
    # 2,2,1,0,0 vary by 1: alpha = 2 (1 - 3/5) = 80%, error ratio sqrt(1/5) = 44.72%.
    set_marks(typed_app, "two-random", [(1, 1), (1, 1), (0, 1), (0, 0), (0, 0)])
    page = figures(people["teacher"].get("/instructor/quizzes/two-random/items?attempts=all")
                   .text)
    assert "<dt>Items in alpha</dt><dd>2 positions</dd>" in page
    assert "internal consistency (Cronbach's alpha; KR-20 for 0/1 items)</dt><dd>80%</dd>" \
        in page
    assert "<dt>Error ratio</dt><dd>44.72%</dd>" in page
    assert '<th scope="col" class="num">Positions</th>' in page
    assert "Moodle correlates it with the total including it" in page
    data = stats_json(typed_app, "two-random", "--attempts", "all")
    assert data["test"]["by"] == "position" and data["test"]["alpha"] == pytest.approx(80)
    assert sum(i["count"] for i in data["items"]) == 10      # each drawn question kept
    assert all(i["positions"] for i in data["items"] if i["count"])
    overview = figures(people["teacher"].get(
        "/instructor/quizzes/two-random?attempts=all").text)
    assert "<dt>Error ratio</dt><dd>44.72%</dd>" in overview


def test_a_question_worth_no_marks_does_not_break_the_reports(typed_app, people):
    take(people["ann"], {1, 2})
    take(people["bob"], {2, 3})
    with typed_app.app_context():   # as a question imported with a default grade of 0
        version = db.session.execute(db.select(QuestionVersion).join(
            Question, Question.id == QuestionVersion.question_id)
                                     .where(Question.key == "t-single")).scalar_one()
        version.marks = 0
        for response in db.session.execute(db.select(Response).filter_by(
                version_id=version.id)).scalars():
            response.max_marks, response.marks, response.fraction = 0, 0, 0
        db.session.commit()
    teacher = people["teacher"]
    assert teacher.get("/instructor/quizzes/all-types").status_code == 200
    page = teacher.get("/instructor/quizzes/all-types/items")
    assert page.status_code == 200
    row = figures(page.text).split('<tr id="item-t-single">')[1].split("</tr>")[0]
    assert '<td class="num">2</td> <td class="num">–</td>' in row     # no facility
    single = next(i for i in stats_json(typed_app)["items"] if i["key"] == "t-single")
    assert single["facility"] is None and single["intended_weight"] == 0


def test_statistics_use_the_unrounded_marks(typed_app, people):
    take(people["ann"], {1})
    take(people["bob"], {1})
    with typed_app.app_context():   # a third of a mark, stored rounded to 0.3333
        for response in db.session.execute(db.select(Response).filter_by(slot=1)).scalars():
            response.fraction, response.marks = 1 / 3, 0.3333
        db.session.commit()
    data = stats_json(typed_app)
    single = next(i for i in data["items"] if i["key"] == "t-single")
    assert single["facility"] == pytest.approx(1 / 3, rel=1e-12)
    assert data["scores"]["mean"] == pytest.approx(100 * (1 / 3) / 7, rel=1e-12)
