"""An instructor's preview attempts: marked, counted nowhere, cleared on request."""
import json
import re

from quiz.extensions import db
from quiz.models import Attempt, Response
from tests.conftest import csrf_token
from tests.test_learner_flow import RIGHT, TYPES, answer
from tests.test_scores import finish, take


def preview(client, key="all-types"):
    """Press Preview on the quiz's instructor page; return the attempt's URL."""
    page = client.get(f"/instructor/quizzes/{key}")
    assert ">Preview</button>" in page.text
    response = client.post(f"/instructor/authoring/quizzes/{key}/preview",
                           data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text
    return response.location


def preview_to_the_end(client, key="all-types"):
    attempt_url = preview(client, key)
    for page_no, kind in enumerate(TYPES, start=1):
        answer(client, attempt_url, page_no, RIGHT[kind]())
    finish(client, attempt_url)
    return attempt_url


def test_preview_pages_say_preview_and_the_review_scores_it(people):
    teacher = people["teacher"]
    attempt_url = preview(teacher)
    assert "<strong>Preview</strong>" in teacher.get(f"{attempt_url}?q=1").text
    assert "<strong>Preview</strong>" in teacher.get(f"{attempt_url}/summary").text
    finish(teacher, attempt_url)
    review = teacher.get(f"{attempt_url}/review").text
    assert "<strong>Preview</strong>" in review and "You scored" in review


def test_previews_stay_out_of_gradebook_statistics_exports_and_lists(typed_app, people):
    take(people["ann"], {1, 2})  # 2/7, ann's only attempt
    attempt_url = preview_to_the_end(people["teacher"])  # 7/7
    preview_id = attempt_url.rsplit("/", 1)[1]
    teacher = people["teacher"]
    gradebook = " ".join(teacher.get("/instructor/gradebook").text.split())
    assert ">teacher<" not in gradebook and ">ann</a>" in gradebook
    assert "28.6%" in re.search(r">ann</a></th>(.*?)</tr>", gradebook).group(1)
    overview = " ".join(teacher.get("/instructor/quizzes/all-types").text.split())
    assert "<dt>Finished attempts counted</dt><dd>1</dd>" in overview
    assert "You have 1 preview attempt at this quiz." in overview
    items = teacher.get("/instructor/quizzes/all-types/items?attempts=all").text
    assert "t-single" in items
    reports = " ".join(teacher.get("/instructor/quizzes").text.split())
    assert re.search(r"Every type</td>.*?<td class=\"num\">1</td>", reports)
    gradebook_csv = teacher.get("/instructor/gradebook.csv").text
    assert "teacher" not in gradebook_csv and "ann" in gradebook_csv
    responses_csv = teacher.get("/instructor/responses.csv").text
    assert "teacher" not in responses_csv
    assert not re.search(rf"^[^,]*,[^,]*,{preview_id},", responses_csv, re.M)
    assert responses_csv.count("\nann,") == 7
    runner = typed_app.test_cli_runner()
    assert "teacher" not in runner.invoke(args=["export", "gradebook"]).output
    assert "teacher" not in runner.invoke(args=["export", "responses"]).output
    stats = runner.invoke(args=["stats", "items", "all-types", "--attempts", "all", "--json"])
    assert json.loads(stats.output)["scores"]["count"] == 1
    all_attempts = teacher.get("/instructor/attempts").text
    assert f"/attempts/{preview_id}/review" not in all_attempts
    assert "ann" in all_attempts
    progress = teacher.get("/me/progress").text
    assert "Every type" not in progress.split("<main", 1)[1]


def test_item_statistics_count_no_preview(typed_app, people):
    take(people["ann"], {1})
    before = people["teacher"].get("/instructor/quizzes/all-types/items?attempts=all").text
    preview_to_the_end(people["teacher"])
    after = people["teacher"].get("/instructor/quizzes/all-types/items?attempts=all").text
    assert re.sub(r'name="csrf_token"[^>]*', "", before) == \
        re.sub(r'name="csrf_token"[^>]*', "", after)


def test_previews_do_not_use_up_attempts_and_ignore_dates_and_states(typed_app, people):
    teacher = people["teacher"]
    with typed_app.app_context():
        from quiz.models import Quiz  # noqa: PLC0415
        quiz = db.session.execute(db.select(Quiz).filter_by(key="all-types")).scalar_one()
        quiz.attempts_allowed, quiz.state = 1, "closed"
        db.session.commit()
    preview_to_the_end(teacher)
    second = preview(teacher)
    assert "<strong>Preview</strong>" in teacher.get(f"{second}?q=1").text
    page = people["ann"].get("/quizzes/all-types").text
    assert "This quiz is closed" in page and "(you have used 0)" in page


def test_clear_previews_deletes_the_instructors_previews_with_their_answers(typed_app, people):
    take(people["ann"], {1})
    teacher = people["teacher"]
    first = preview_to_the_end(teacher)
    preview(teacher)  # left open
    page = teacher.get("/instructor/quizzes/all-types")
    assert "You have 2 preview attempts at this quiz." in page.text
    response = teacher.post("/instructor/authoring/quizzes/all-types/previews/clear",
                            data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    page = teacher.get(response.location).text
    assert "2 preview attempts cleared." in page and "preview attempt at" not in page
    assert teacher.get(f"{first}/review").status_code == 404
    with typed_app.app_context():
        attempts = db.session.execute(db.select(Attempt)).scalars().all()
        assert [a.preview for a in attempts] == [False]
        assert db.session.execute(db.select(db.func.count()).select_from(Response).where(
            Response.attempt_id != attempts[0].id)).scalar_one() == 0


def test_preview_and_clear_need_the_csrf_token_and_an_instructor(people):
    assert people["teacher"].post(
        "/instructor/authoring/quizzes/all-types/previews/clear").status_code == 400
    assert people["teacher"].post(
        "/instructor/authoring/quizzes/all-types/preview").status_code == 400
    page = people["ann"].get("/quizzes/all-types")
    assert people["ann"].post("/instructor/authoring/quizzes/all-types/preview",
                              data={"csrf_token": csrf_token(page.text)}).status_code == 403
