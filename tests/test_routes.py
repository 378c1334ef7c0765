"""Every route is classified as public, login-only or instructor-only, and every
state-changing route refuses a request without a valid CSRF token.

A new route fails these tests until it is added to one of the lists below.
"""
import re

import pytest

from tests.conftest import add_user, csrf_token, log_in

PUBLIC = {"static", "learner.home", "learner.quiz", "documents.view", "auth.login",
          "auth.register"}
LOGIN_ONLY = {"learner.start", "learner.attempt", "learner.save", "learner.summary",
              "learner.submit", "learner.review", "learner.my_attempts", "learner.my_progress",
              "learner.practice_round", "learner.check_practice",
              "auth.logout", "account.settings", "account.change_password",
              "account.logout_everywhere", "courses.join", "courses.join_link"}
INSTRUCTOR_BLUEPRINTS = {"instructor", "authoring", "courses"}
ADMIN_BLUEPRINTS = {"admin"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def classify(endpoint: str) -> str:
    if endpoint in PUBLIC:
        return "public"
    if endpoint in LOGIN_ONLY:
        return "login"
    if endpoint.split(".")[0] in INSTRUCTOR_BLUEPRINTS:
        return "instructor"
    if endpoint.split(".")[0] in ADMIN_BLUEPRINTS:
        return "admin"
    return "unclassified"


@pytest.fixture
def world(app):
    """A learner with a finished attempt, an instructor, and URLs for every GET route."""
    add_user(app, "ann")
    add_user(app, "teacher", role="instructor")
    ann = app.test_client()
    log_in(ann, "ann")
    page = ann.get("/quizzes/evolution")
    attempt_url = ann.post("/quizzes/evolution/start",
                           data={"csrf_token": csrf_token(page.text)}).location
    attempt_id = int(re.search(r"/attempts/(\d+)", attempt_url).group(1))
    values = {"key": "evolution", "slug": "nato-bih", "attempt_id": attempt_id, "user_id": 1,
              "filename": "quiz.css", "code": "open"}
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = {name: values.get(name, 1) for name in rule.arguments}
            urls[rule.endpoint] = (rule, app.url_for(rule.endpoint, **args))
    teacher = app.test_client()
    log_in(teacher, "teacher")
    return {"ann": ann, "teacher": teacher, "anonymous": app.test_client(), "urls": urls}


def test_every_route_is_classified(app):
    unclassified = sorted(r.endpoint for r in app.url_map.iter_rules()
                          if classify(r.endpoint) == "unclassified")
    assert unclassified == [], "classify these routes in tests/test_routes.py"


def test_get_routes_admit_only_who_they_should(world):
    for endpoint, (rule, url) in world["urls"].items():
        if "GET" not in rule.methods:
            continue
        kind = classify(endpoint)
        # Reading each body closes streamed downloads before the next request.
        anonymous, learner, instructor = (world[who].get(url) for who in
                                          ("anonymous", "ann", "teacher"))
        for response in (anonymous, learner, instructor):
            response.close()
        if kind == "public":
            assert anonymous.status_code in (200, 404), url
        else:
            assert anonymous.status_code == 302, url
            assert anonymous.location.startswith("/login"), url
        if kind == "instructor":
            assert learner.status_code == 403, url
            assert instructor.status_code in (200, 404), url
        elif kind == "admin":
            assert learner.status_code == 403 and instructor.status_code == 403, url
        else:
            assert learner.status_code in (200, 302, 404), url
        assert instructor.status_code < 500 and learner.status_code < 500, url


def test_state_changing_requests_without_a_csrf_token_get_400(world):
    checked = 0
    for _endpoint, (rule, url) in world["urls"].items():
        for method in sorted(rule.methods & STATE_CHANGING):
            for who in ("teacher", "ann", "anonymous"):
                response = world[who].open(url, method=method, data={"answer": "x"})
                assert response.status_code == 400, (method, url, who)
                assert "CSRF" in response.text, (method, url, who)
            checked += 1
    assert checked >= 5  # login, register, logout, start, answer, submit at least


def test_a_token_from_another_session_is_refused(world):
    foreign = csrf_token(world["ann"].get("/").text)
    response = world["teacher"].post("/logout", data={"csrf_token": foreign})
    assert response.status_code == 400
