"""Learner progress, the gradebook, quiz reports, exports and demo data."""
import csv
import io
import json
import re
from datetime import timedelta

import pytest

from quiz.extensions import db
from quiz.models import Attempt, QuestionVersion, Quiz, Response, User, utcnow
from tests.answering import choose
from tests.conftest import add_user, csrf_token
from tests.test_learner_flow import RIGHT, TYPES, answer, start


def finish(client, attempt_url):
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})


def take(client, right_pages, key="all-types"):
    """Take the all-types quiz, answering the given pages rightly and the rest wrongly."""
    attempt_url = start(client, key)
    for page_no, kind in enumerate(TYPES, start=1):
        if page_no in right_pages:
            answer(client, attempt_url, page_no, RIGHT[kind]())
        elif kind == "single_choice":
            answer(client, attempt_url, page_no, choose("2010"))
    finish(client, attempt_url)
    return attempt_url


def test_gradebook_applies_each_quizs_grading_method(typed_app, people):
    take(people["ann"], {1, 2, 3, 4})          # 4/7
    take(people["ann"], {1, 2, 3, 4, 5, 6})    # 6/7
    take(people["ann"], {1})                   # 1/7
    take(people["bob"], set(range(1, 8)))      # 7/7
    expected = {"highest": 6 / 7, "average": 11 / 21, "first": 4 / 7, "last": 1 / 7}
    for method, grade in expected.items():
        with typed_app.app_context():
            quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
            quiz.grading_method = method
            db.session.commit()
        page = " ".join(people["teacher"].get("/instructor/gradebook").text.split())
        assert f"Every type ({method})" in page
        row = re.search(r">ann</a></th>(.*?)</tr>", page).group(1)
        assert f"{100 * grade:.1f}".rstrip("0").rstrip(".") + "%" in row
        assert "(3 attempts)" in row
        assert re.search(r">bob</a></th>.*?100%", page)


def test_gradebook_drills_down_to_a_learner_and_a_review(typed_app, people):
    attempt_url = take(people["ann"], {1})
    teacher = people["teacher"]
    gradebook = teacher.get("/instructor/gradebook").text
    learner_url = re.search(r'href="(/instructor/learners/\d+)">ann<', gradebook).group(1)
    learner_page = teacher.get(learner_url).text
    assert f'href="{attempt_url}/review"' in learner_page
    assert "ann scored" in teacher.get(f"{attempt_url}/review").text


def test_gradebook_sorts_and_pages(typed_app, people):
    take(people["ann"], {1})
    take(people["bob"], {1, 2, 3})
    page = people["teacher"].get("/instructor/gradebook?sort=all-types&dir=desc").text
    assert page.index(">bob<") < page.index(">ann<")
    assert 'aria-sort="descending"' in page
    page = people["teacher"].get("/instructor/gradebook?sort=all-types&dir=asc").text
    assert page.index(">ann<") < page.index(">bob<")
    assert "ann" in people["teacher"].get("/instructor/gradebook?sort=nonsense&page=99").text


def test_quiz_overview_shows_figures_and_a_histogram_with_a_table(typed_app, people):
    take(people["ann"], {1, 2, 3, 4})
    take(people["bob"], set(range(1, 8)))
    page = " ".join(people["teacher"].get("/instructor/quizzes/all-types").text.split())
    assert "<dt>Finished attempts counted</dt><dd>2</dd>" in page
    assert "<dt>Mean</dt><dd>78.6%</dd>" in page      # (57.14 + 100) / 2
    assert "<dt>Median</dt><dd>78.6%</dd>" in page
    assert "<dt>Standard deviation</dt><dd>30.3 points</dd>" in page
    assert '<svg viewBox' in page and "<title id=\"histogram-title\">" in page
    assert "<td>50–60%</td><td class=\"num\">1</td>" in page
    assert "<td>90–100%</td><td class=\"num\">1</td>" in page
    assert re.search(r'<text x="[\d.]+" y="[\d.]+" class="count" text-anchor="middle">1</text>',
                     page)                                     # counts on the bars
    assert "Only 2 finished attempts are counted." in page


def test_item_analysis_page_and_json_agree(typed_app, people, ):
    take(people["ann"], {1, 2})
    take(people["bob"], {1, 2, 3})
    take(people["ann"], {2, 3, 4, 5})
    page = people["teacher"].get("/instructor/quizzes/all-types/items?attempts=all").text
    assert "Coefficient of internal consistency" in page
    assert "Distractor analysis" in page
    result = typed_app.test_cli_runner().invoke(
        args=["stats", "items", "all-types", "--attempts", "all", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    by_key = {i["key"]: i for i in data["items"]}
    assert by_key["t-single"]["facility"] == pytest.approx(2 / 3)
    assert by_key["t-short"]["facility"] == pytest.approx(1 / 3)
    assert by_key["t-tf"]["random_guess"] == 0.5
    assert data["test"]["attempts"] == 3
    picks = {c["text"]: c["picks"] for c in by_key["t-single"]["choices"]
             if not c["unanswered"]}
    assert picks == {"2006": 2, "2010": 1, "2004": 0}
    # The first attempt left true/false unanswered: its own row makes the table add up.
    tf = by_key["t-tf"]["choices"]
    assert [c["picks"] for c in tf if c["unanswered"]] == [1]
    assert sum(c["picks"] for c in tf) == 3
    assert all(c["responses"] == 3 for c in tf)
    table = re.search(r"t-tf: .*?</table>", page, re.S).group(0)
    assert re.search(r"<em>No answer</em></td>\s*<td>—</td>\s*<td class=\"num\">1 "
                     r"<span class=\"share\">\(33%\)</span>", table)
    assert by_key["t-single"]["paragraph"] == "p12"


def test_stats_items_of_an_unknown_quiz_is_an_error(runner):
    result = runner.invoke(args=["stats", "items", "nope"])
    assert result.exit_code == 1 and "No quiz 'nope'" in result.output


def test_paragraph_analysis_ranks_what_learners_get_wrong(typed_app, people):
    take(people["ann"], {2, 3, 4, 5, 6, 7})   # misses only the question on p12's PfP year
    page = people["teacher"].get("/instructor/documents/nato-bih/paragraphs").text
    first_row = re.search(r"<tbody>.*?</tr>", page, re.S).group(0)
    assert "Paragraph 12" in first_row and 'href="/documents/nato-bih#p12"' in first_row
    assert "50%" in first_row    # p12 is cited by two questions: one right, one wrong


def test_csv_exports_open_cleanly(typed_app, people):
    take(people["ann"], {1})
    take(people["bob"], {1, 2})
    with typed_app.app_context():
        db.session.get(User, 1).username = "=cmd|x"   # a formula must stay text
        db.session.commit()
    response = people["teacher"].get("/instructor/responses.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="responses.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:6] == ["learner", "quiz", "attempt", "attempt_finished", "slot",
                           "question_id"]
    assert len(rows) == 1 + 14
    assert {r[0] for r in rows[1:]} == {"'=cmd|x", "bob"}
    single = next(r for r in rows[1:] if r[0] == "bob" and r[5] == "t-single")
    assert single[6:12] == ["1", "single_choice", "2006", "correct", "1", "1"]

    result = typed_app.test_cli_runner().invoke(args=["export", "gradebook"])
    grades = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert grades[0] == ["learner", "Every type (highest, %)", "Two at random (highest, %)"]
    assert ["bob", "28.57", ""] in grades


def test_export_to_a_file_reports_the_row_count(typed_app, people, tmp_path):
    take(people["ann"], {1})
    out = tmp_path / "responses.csv"
    result = typed_app.test_cli_runner().invoke(args=["export", "responses", "-o", str(out)])
    assert result.exit_code == 0 and "Wrote 7 rows" in result.output
    assert out.read_text(encoding="utf-8").count("\n") == 8


def test_learners_get_403_on_every_report(typed_app, people):
    for path in ("/instructor/gradebook", "/instructor/quizzes", "/instructor/learners/1",
                 "/instructor/quizzes/all-types", "/instructor/quizzes/all-types/items",
                 "/instructor/documents/nato-bih/paragraphs", "/instructor/gradebook.csv",
                 "/instructor/responses.csv"):
        assert people["ann"].get(path).status_code == 403, path
        assert people["teacher"].get(path).status_code == 200, path


def test_progress_page_shows_quizzes_chart_mastery_and_missed_questions(typed_app, people):
    client = people["ann"]
    assert "Finish a quiz" in client.get("/me/progress").text
    take(client, {2, 3, 4, 5, 6, 7})
    take(client, {3, 4, 5, 6, 7})
    page = " ".join(client.get("/me/progress").text.split())
    assert re.search(r"Every type</a></td> ?<td class=\"num\">2</td> ?<td class=\"num\">85.7%"
                     r"</td> ?<td class=\"num\">71.4%</td>", page)
    assert "<polyline" in page and "Your scores over time: 86%, 71%" in page
    # p12 is cited by the PfP-year question (missed twice) and the MAP question (right).
    assert re.search(r"Paragraph 12</a>.*?Shaky</td> <td class=\"num\">50%", page)
    assert re.search(r"Paragraph 31</a>.*?Mastered</td> <td class=\"num\">100%", page)
    assert "In which year did the country join PfP?</strong><br> Missed 2 of 2 times" in page
    assert "Reread paragraph 12" in page


def test_document_view_shows_a_learner_their_mastery_with_a_legend(typed_app, people):
    take(people["ann"], {2, 3, 4, 5, 6, 7})
    page = " ".join(people["ann"].get("/documents/nato-bih").text.split())
    assert "Your mastery" in page and "Not yet seen: no question on it" in page
    p31 = re.search(r'id="p31".*?</li>', page).group(0)
    assert "band-mastered" in p31 and "Mastered" in p31
    p2 = re.search(r'id="p2".*?</div>', page).group(0)
    assert "Not yet seen" in p2
    bob = people["bob"].get("/documents/nato-bih").text
    assert "Your mastery" in bob and "band-mastered\"" not in bob.split("</aside>")[1]


def test_document_view_shows_instructors_counts_per_type(typed_app, people):
    page = " ".join(people["teacher"].get("/documents/nato-bih").text.split())
    assert re.search(r'id="p12".*?2 questions cite this \(1 single choice, 1 true or false\)',
                     page)
    anonymous = typed_app.test_client().get("/documents/nato-bih").text
    assert "Your mastery" not in anonymous and "1 single choice" not in anonymous


def test_demo_seed_is_reproducible_and_spares_real_learners(app, runner):
    result = runner.invoke(args=["demo", "seed", "--learners", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output

    def snapshot():
        with app.app_context():
            return db.session.execute(
                db.select(User.username, Attempt.percent, Response.answer)
                .join(Attempt, Attempt.user_id == User.id)
                .join(Response, Response.attempt_id == Attempt.id)
                .order_by(Attempt.id, Response.slot)).all()

    first = snapshot()
    assert len({row[0] for row in first}) == 30
    assert runner.invoke(args=["demo", "seed", "--learners", "30", "--seed", "7"]).exit_code == 0
    assert snapshot() == first
    with app.app_context():
        percents = [p for (p,) in db.session.execute(
            db.select(Attempt.percent).where(Attempt.state == "finished"))]
        assert min(percents) < 40 and max(percents) > 80   # weaker and stronger learners
    add_user(app, "real")
    refused = runner.invoke(args=["demo", "seed", "--learners", "5"])
    assert refused.exit_code == 1 and "1 real learner" in refused.output
    assert runner.invoke(args=["demo", "seed", "--learners", "5", "--force"]).exit_code == 0
    with app.app_context():
        names = set(db.session.execute(db.select(User.username)).scalars())
        assert "real" in names and len(names) == 6


def test_item_analysis_spans_the_versions_of_an_edited_question(typed_app, people):
    take(people["ann"], {1})
    questions = typed_app.config["QUESTIONS_DIR"]
    bank = __import__("pathlib").Path(questions) / "nato-bih" / "all_types.yaml"
    bank.write_text(bank.read_text().replace(
        'choices: ["2006", {text: "2010", feedback: That is the MAP invitation.}, "2004"]',
        'choices: ["2004", "2006", {text: "2010", feedback: That is the MAP invitation.}]'))
    assert typed_app.test_cli_runner().invoke(args=["bank", "load"]).exit_code == 0
    take(people["bob"], set())  # 2010: wrong
    page = people["teacher"].get("/instructor/quizzes/all-types/items")
    assert page.status_code == 200
    result = typed_app.test_cli_runner().invoke(
        args=["stats", "items", "all-types", "--attempts", "all", "--json"])
    single = next(i for i in json.loads(result.output)["items"] if i["key"] == "t-single")
    picks = {c["text"]: c["picks"] for c in single["choices"] if not c["unanswered"]}
    # Counted by text: 2006 was choice 0 of the old version, 2010 is choice 2 of the new.
    assert picks == {"2004": 0, "2006": 1, "2010": 1}
    assert single["count"] == 2 and single["facility"] == 0.5


def test_missed_questions_do_not_point_at_the_answer_while_the_quiz_hides_answers(typed_app,
                                                                                   people):
    with typed_app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        quiz.review = "never"
        db.session.commit()
    take(people["ann"], {2, 3, 4, 5, 6, 7})
    page = people["ann"].get("/me/progress").text
    assert "In which year did the country join PfP?" not in page   # missed once: not yet
    take(people["ann"], {2, 3, 4, 5, 6, 7})
    page = people["ann"].get("/me/progress").text
    assert "In which year did the country join PfP?" in page       # twice: keeps missing
    assert "Reread paragraph 12" not in page
    with typed_app.app_context():
        db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one().review = \
            "immediately"
        db.session.commit()
    assert "Reread paragraph 12" in people["ann"].get("/me/progress").text


def test_long_commands_show_a_bar_on_a_terminal_and_stay_quiet_when_piped(monkeypatch,
                                                                            typed_app, people,
                                                                            tmp_path):
    import io
    import sys

    from quiz.cli import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    with progress(range(40), label="Loading questions") as items:
        assert sum(items) == 780
    assert "Loading questions" in sys.stderr.getvalue()
    assert "100%" in sys.stderr.getvalue()
    monkeypatch.undo()

    take(people["ann"], {1})
    runner = typed_app.test_cli_runner()
    for args in (["export", "responses", "-o", str(tmp_path / "r.csv")],
                 ["bank", "load"], ["demo", "seed", "--learners", "3", "--force"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert "%" not in result.output and "[" not in result.output, result.output


def test_demo_attempts_never_predate_their_quiz_or_questions_nor_lie_in_the_future(app,
                                                                                   runner):
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).order_by(Quiz.id)).scalars().first()
        opens = utcnow() - timedelta(days=2)
        quiz.opens_at, quiz.select = opens, {"all": True}
        quiz_id = quiz.id
        db.session.commit()
    assert runner.invoke(args=["demo", "seed", "--learners", "40"]).exit_code == 0
    with app.app_context():
        now = utcnow()
        rows = db.session.execute(
            db.select(Attempt.quiz_id, Attempt.started_at, Attempt.finished_at,
                      db.func.max(QuestionVersion.created_at))
            .join(Response, Response.attempt_id == Attempt.id)
            .join(QuestionVersion, QuestionVersion.id == Response.version_id)
            .group_by(Attempt.id)).all()
    assert rows and any(quiz_id == row.quiz_id for row in rows)
    for row in rows:
        assert row[3] <= row.started_at <= row.finished_at <= now
        assert row.quiz_id != quiz_id or row.started_at >= opens


def test_all_attempts_filters_by_quiz_and_learner_and_the_overview_links_there(typed_app,
                                                                              people):
    take(people["ann"], {1})
    take(people["bob"], {1, 2})
    start(people["bob"], "two-random")
    teacher = people["teacher"]
    overview = teacher.get("/instructor/quizzes/all-types").text
    assert 'href="/instructor/attempts?quiz=all-types">Each attempt</a>' in overview
    page = teacher.get("/instructor/attempts?quiz=all-types").text
    assert page.count('href="/instructor/learners/') == 2 and "Two at random</td>" not in page
    page = teacher.get("/instructor/attempts?learner=BO").text
    assert ">bob</a>" in page and ">ann</a>" not in page and page.count("<tr>") == 3
    assert 'value="BO"' in page                          # the filter stays in its field
    page = teacher.get("/instructor/attempts?learner=%25").text   # a wildcard is a character
    assert "No attempt matches this filter." in page
    assert teacher.get("/instructor/attempts?quiz=nope").status_code == 200
