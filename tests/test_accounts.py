"""Accounts people can manage: change the password, an instructor's temporary password,
log out everywhere, idle sessions ending on the server, tokens stored hashed."""
import hashlib
import re
import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from quiz.database import MIGRATIONS, upgrade_schema
from quiz.extensions import db
from quiz.models import LoginSession, User
from tests.conftest import add_user, csrf_token, log_in, make_app
from tests.test_learner_flow import register


def change(client, current, new, confirm=None):
    page = client.get("/account")
    return client.post("/account/password", data={
        "current": current, "password": new, "confirm": confirm or new,
        "csrf_token": csrf_token(page.text)})


def logins_of(app, name) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(db.func.count()).select_from(LoginSession).join(User)
            .where(User.username == name)).scalar()


def test_changing_the_password_needs_the_current_one_and_logs_out_other_browsers(app):
    add_user(app, "ann")
    here, phone = app.test_client(), app.test_client()
    log_in(here, "ann")
    log_in(phone, "ann")
    refused = change(here, "not my password", "a brand new secret")
    assert refused.status_code == 400 and "That is not your current password." in refused.text
    refused = change(here, "correct horse", "12345678")
    assert refused.status_code == 400 and "among the most common" in refused.text
    assert change(here, "correct horse", "a brand new secret").status_code == 302
    assert "Your password is changed" in here.get("/account").text
    assert here.get("/me/attempts").status_code == 200  # this browser stays logged in
    assert phone.get("/me/attempts").status_code == 302  # the other was logged out
    assert log_in(app.test_client(), "ann").status_code == 400  # the old password is gone
    assert log_in(app.test_client(), "ann", "a brand new secret").status_code == 302


@pytest.fixture
def teacher(app):
    add_user(app, "teacher", role="instructor")
    client = app.test_client()
    log_in(client, "teacher")
    return client


def user_id(app, name) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(username=name)).scalar_one()


def test_an_instructor_gives_a_temporary_password_changed_at_the_next_login(app, teacher):
    add_user(app, "ann")
    ann = app.test_client()
    log_in(ann, "ann")
    learner_page = teacher.get(f"/instructor/learners/{user_id(app, 'ann')}")
    shown = teacher.post(f"/instructor/learners/{user_id(app, 'ann')}/reset-password",
                         data={"csrf_token": csrf_token(learner_page.text)})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    temporary = re.search(r"<code>([^<]+)</code>", shown.text).group(1)
    assert len(temporary) >= 12
    assert ann.get("/me/attempts").status_code == 302  # logged out everywhere
    assert log_in(app.test_client(), "ann").status_code == 400  # the old one is gone

    again = app.test_client()
    response = log_in(again, "ann", temporary)
    assert response.status_code == 302 and response.location.endswith("/account")
    held = again.get("/me/attempts")  # nowhere else until a new password is chosen
    assert held.status_code == 302 and held.location.endswith("/account")
    assert "Choose one of your own" in again.get("/account").text
    assert change(again, temporary, "my very own words").status_code == 302
    assert again.get("/me/attempts").status_code == 200
    assert log_in(app.test_client(), "ann", "my very own words").status_code == 302


def test_only_instructors_reset_and_only_learners_passwords(app, teacher):
    add_user(app, "ann")
    add_user(app, "ines", role="instructor")
    ann = app.test_client()
    log_in(ann, "ann")
    token = csrf_token(ann.get("/").text)
    for who in ("teacher", "ann"):
        refused = ann.post(f"/instructor/learners/{user_id(app, who)}/reset-password",
                           data={"csrf_token": token})
        assert refused.status_code == 403
    token = csrf_token(teacher.get("/").text)
    refused = teacher.post(f"/instructor/learners/{user_id(app, 'ines')}/reset-password",
                           data={"csrf_token": token})
    assert refused.status_code == 403
    assert teacher.post(f"/instructor/learners/{user_id(app, 'ann')}/reset-password",
                        data={}).status_code == 400  # no CSRF token
    assert log_in(app.test_client(), "ann").status_code == 302  # nothing was changed


def test_log_out_everywhere_ends_every_login_of_the_account(app):
    add_user(app, "ann")
    add_user(app, "bob")
    browsers = [app.test_client() for _ in range(3)]
    for browser in browsers:
        log_in(browser, "ann")
    bob = app.test_client()
    log_in(bob, "bob")
    page = browsers[0].get("/account")
    response = browsers[0].post("/account/logout-everywhere",
                                data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert all(b.get("/me/attempts").status_code == 302 for b in browsers)
    assert logins_of(app, "ann") == 0
    assert bob.get("/me/attempts").status_code == 200 and logins_of(app, "bob") == 1


def test_an_idle_login_ends_on_the_server_and_use_keeps_one_alive(tmp_path, monkeypatch):
    app = make_app(tmp_path, SESSION_IDLE_MINUTES=10)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    add_user(app, "ann")
    add_user(app, "bob")
    ann, bob = app.test_client(), app.test_client()
    log_in(ann, "ann")
    log_in(bob, "bob")
    now = time.time()
    for _ in range(6):  # used every four minutes for 24 minutes: still logged in
        now += 4 * 60
        monkeypatch.setattr(time, "time", lambda now=now: now)
        assert ann.get("/me/attempts").status_code == 200
    # Bob's browser was idle for 24 minutes: logged out, and his login row is gone.
    response = bob.get("/me/attempts")
    assert response.status_code == 302 and "/login" in response.location
    assert "without activity" in bob.get("/login").text
    assert logins_of(app, "bob") == 0 and logins_of(app, "ann") == 1


def test_login_tokens_are_stored_hashed(app):
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    with client.session_transaction() as session:
        token = session["login_session"]
    with app.app_context():
        stored = db.session.execute(db.select(LoginSession.token)).scalar_one()
    assert stored != token and stored == hashlib.sha256(token.encode()).hexdigest()
    assert client.get("/me/attempts").status_code == 200


def test_the_migration_hashes_the_tokens_already_stored(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0601")
        with db.engine.begin() as connection:
            connection.execute(text(
                'INSERT INTO "user" (id, username, password_hash, role, demo, created_at) '
                "VALUES (1, 'old', 'x', 'learner', false, '2026-01-01')"))
            connection.execute(text("INSERT INTO login_session (token, user_id, created_at) "
                                    "VALUES ('a-token-from-before', 1, '2026-01-01')"))
        upgrade_schema()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT token FROM login_session")).scalar_one()
        assert stored == hashlib.sha256(b"a-token-from-before").hexdigest()
        db.engine.dispose()


@pytest.mark.parametrize("rank", [10, 1000, 9000, 20000, 29000])
def test_passwords_from_the_maintained_list_of_common_ones_are_refused(client, rank):
    # zxcvbn's frequency list, at ranks spread over it, the first of 8 characters or more
    password = next(p for p in FREQUENCY_LISTS["passwords"][rank:] if len(p) >= 8)
    response = register(client, "annabelle", password)
    assert response.status_code == 400 and "among the most common" in response.text
