"""Security: headers, cookies, passwords, sessions that end on the server, login throttling,
and user input escaped wherever it is shown."""
import re
import time

import pytest

from quiz.extensions import db
from quiz.models import LoginSession
from tests.conftest import add_user, csrf_token, fixture_library, log_in, make_app
from tests.test_learner_flow import answer, register, start

PAYLOAD = "<script>alert(1)</script>"


def test_every_page_sends_the_security_headers(client):
    for path in ("/", "/login", "/documents/nato-bih", "/no/such/page"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(app, client):
    add_user(app, "ann")
    log_in(client, "ann")
    for path in ("/", "/documents/nato-bih", "/quizzes/evolution", "/me/progress"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert " style=" not in html, path


def test_session_cookie_is_httponly_and_lax_and_secure_behind_https(tmp_path):
    for secure in (False, True):
        (tmp_path / str(secure)).mkdir()
        app = make_app(tmp_path / str(secure), SESSION_COOKIE_SECURE=secure)
        app.test_cli_runner().invoke(args=["init"])
        add_user(app, "ann")
        client = app.test_client()
        response = log_in(client, "ann")
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


@pytest.mark.parametrize("password, message", [
    ("short", "5 characters long; use at least 8"),
    ("x" * 129, "at most 128 characters"),
    ("password1", "among the most common"),
    ("Iloveyou1", "among the most common"),
    ("annabelle", "not your username"),
])
def test_weak_passwords_are_refused_with_a_reason(client, password, message):
    response = register(client, "annabelle", password)
    assert response.status_code == 400 and message in response.text


def test_long_passphrases_are_welcome(client):
    response = register(client, "ann", "correct horse battery staple " * 2)  # 58 characters
    assert response.status_code == 302
    assert register(client.application.test_client(), "bob", "p" * 64 + "!").status_code == 302


def test_login_starts_a_new_session_and_logout_ends_it_on_the_server(app):
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    first = client.get_cookie("session").value
    assert client.get("/me/attempts").status_code == 200

    # A copy of the cookie works while the session lives...
    thief = app.test_client()
    thief.set_cookie("session", first)
    assert thief.get("/me/attempts").status_code == 200
    # ...and stops working once its owner logs out.
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    assert thief.get("/me/attempts").status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(LoginSession)).first() is None

    log_in(client, "ann")
    assert client.get_cookie("session").value != first


def test_a_new_login_gets_another_csrf_token_and_the_old_one_is_refused(app):
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    token = csrf_token(client.get("/").text)
    started = client.post("/quizzes/quick/start", data={"csrf_token": token})
    assert started.status_code == 302  # accepted
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    log_in(client, "ann")
    assert csrf_token(client.get("/").text) != token
    refused = client.post("/quizzes/quick/start", data={"csrf_token": token})
    assert refused.status_code == 400  # the old session's token is not this one's


def ann_logged_in(tmp_path, **config):
    """An app with these settings, its seed loaded, and a client logged in as ann."""
    app = make_app(tmp_path, **config)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    return app, client


def test_a_csrf_token_accepted_once_is_still_refused_to_another_session(app):
    add_user(app, "ann")
    add_user(app, "bob")
    ann, bob = app.test_client(), app.test_client()
    log_in(ann, "ann")
    log_in(bob, "bob")
    token, bobs = csrf_token(ann.get("/").text), csrf_token(bob.get("/").text)
    assert bobs != token
    for _ in range(2):  # checked, then accepted again as checked before
        assert ann.post("/quizzes/quick/start", data={"csrf_token": token}).status_code == 302
    refused = bob.post("/quizzes/quick/start", data={"csrf_token": token})
    assert refused.status_code == 400 and "CSRF tokens do not match" in refused.text
    # Ann's token with the signature of Bob's. (Changing the signature's last character
    # may change nothing: its last bits are base64 padding.)
    forged = token.rsplit(".", 1)[0] + "." + bobs.rsplit(".", 1)[1]
    refused = ann.post("/quizzes/quick/start", data={"csrf_token": forged})
    assert refused.status_code == 400 and "CSRF token is invalid" in refused.text


def test_with_a_time_limit_a_csrf_token_accepted_before_expires(tmp_path, monkeypatch):
    _, client = ann_logged_in(tmp_path, WTF_CSRF_TIME_LIMIT=60)
    token = csrf_token(client.get("/").text)
    assert client.post("/quizzes/quick/start", data={"csrf_token": token}).status_code == 302
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    refused = client.post("/quizzes/quick/start", data={"csrf_token": token})
    assert refused.status_code == 400 and "CSRF token has expired" in refused.text


def test_over_https_a_form_needs_a_referrer_from_this_site(app):
    add_user(app, "ann")
    client = app.test_client()
    here = {"base_url": "https://localhost"}
    page = client.get("/login", **here)
    form = {"username": "ann", "password": "correct horse", "csrf_token": csrf_token(page.text)}
    assert client.post("/login", data=form, headers={"Referer": "https://localhost/login"},
                       **here).status_code == 302
    token = csrf_token(client.get("/", **here).text)
    for referrer, said in ((None, "referrer header is missing"),
                           ("https://elsewhere.example/", "referrer does not match")):
        headers = {"Referer": referrer} if referrer else {}
        refused = client.post("/quizzes/quick/start", data={"csrf_token": token},
                              headers=headers, **here)
        assert refused.status_code == 400 and said in refused.text
    started = client.post("/quizzes/quick/start", data={"csrf_token": token},
                          headers={"Referer": "https://localhost/quizzes/quick"}, **here)
    assert started.status_code == 302


def test_a_session_cookie_accepted_before_is_refused_once_it_is_too_old(tmp_path, monkeypatch):
    _, client = ann_logged_in(tmp_path, PERMANENT_SESSION_LIFETIME=600)
    assert client.get("/me/attempts").status_code == 200
    assert client.get("/me/attempts").status_code == 200  # the same cookie again
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/me/attempts").status_code == 302  # to the login page




def test_usernames_answers_and_bank_texts_are_escaped_everywhere(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    bank = questions / "nato-bih" / "all_types.yaml"
    bank.write_text(bank.read_text().replace(
        "prompt: Which training centre is NATO-accredited (acronym)?",
        f"prompt: \"Which centre {PAYLOAD}?\"").replace(
        'choices: ["2006",', f'choices: ["2006", "{PAYLOAD}",'))
    app = make_app(tmp_path, questions_dir=questions)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    add_user(app, "teacher", role="instructor")
    learner = app.test_client()
    refused = register(learner, PAYLOAD, "correct horse battery")
    assert refused.status_code == 400 and PAYLOAD not in refused.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text
    register(learner, "mallory", "correct horse battery")
    attempt_url = start(learner)
    page = learner.get(f"{attempt_url}?q=1").text
    assert PAYLOAD not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    answer(learner, attempt_url, 4, {"answer": PAYLOAD})
    assert PAYLOAD not in learner.get(f"{attempt_url}?q=4").text
    summary = learner.get(f"{attempt_url}/summary")
    learner.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    review = learner.get(f"{attempt_url}/review").text
    assert PAYLOAD not in review and review.count("&lt;script&gt;") >= 2
    teacher = app.test_client()
    log_in(teacher, "teacher")
    for path in ("/instructor/attempts", "/instructor/gradebook", f"{attempt_url}/review",
                 "/instructor/quizzes/all-types/items"):
        html = teacher.get(path).text
        assert PAYLOAD not in html, path


def test_imported_questions_are_escaped_in_the_instructor_pages(app, tmp_path):
    gift = tmp_path / "evil.gift"
    gift.write_text(f"::evil:: Which year {PAYLOAD}? {{=2006 ~{PAYLOAD}}}\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["bank", "import", str(gift), "--format", "gift", "--document", "nato-bih"])
    assert result.exit_code == 0, result.output
    add_user(app, "teacher", role="instructor")
    teacher = app.test_client()
    log_in(teacher, "teacher")
    listing = teacher.get("/instructor/authoring/questions?status=draft").text
    assert PAYLOAD not in listing
    links = re.findall(r'href="(/instructor/authoring/questions/[^"/?]+)"', listing)
    assert links, "the imported draft is listed"
    shown = 0
    for link in set(links):
        page = teacher.get(link).text
        assert PAYLOAD not in page
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert shown  # the payload is there, as text
