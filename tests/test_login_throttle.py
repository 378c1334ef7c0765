"""Failed logins slow the guesser down and are no weapon: a learner's failures on made-up
names never stop the class behind the same address, and guesses at a classmate's name
never stop the classmate's own browser."""
import re
import time
from html import unescape

import pytest

from quiz import accounts
from tests.conftest import add_user, csrf_token, fixture_library, make_app
from tests.test_learner_flow import register

SCHOOL = "127.0.7.1"  # one address for a whole school behind NAT


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def try_login(client, name, password="correct horse", address=SCHOOL):
    page = client.get("/login", **at(address))
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_token(page.text)}, **at(address))


def log_out(client, address=SCHOOL):
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/", **at(address)).text)},
                **at(address))


@pytest.fixture
def school(tmp_path):
    app = make_app(tmp_path, questions_dir=fixture_library(tmp_path, "all_types.yaml"))
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    for name in ("ann", "bob", "teacher"):
        add_user(app, name)
    return app


def test_failures_on_made_up_names_never_stop_the_rest_of_the_school(school):
    prankster = school.test_client()
    for n in range(60):
        assert try_login(prankster, f"nobody{n}", "wrong password").status_code == 400
    for name in ("ann", "bob"):  # classmates behind the same address, on new browsers
        assert try_login(school.test_client(), name).status_code == 302


def test_guessing_a_classmates_name_delays_the_guesser_not_the_classmate(school):
    ann = school.test_client()
    assert try_login(ann, "ann").status_code == 302  # her browser now knows her account
    log_out(ann)
    guesser = school.test_client()
    for _ in range(4):  # three free failures, and the fourth makes the next try wait
        assert try_login(guesser, "ann", "wrong password").status_code == 400
    refused = try_login(guesser, "ann", "correct horse")  # even the right one must wait
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "Too many failed logins for this account from here. Try again in 2 seconds." \
        in refused.text
    assert 'value="ann"' in refused.text  # what was typed comes back
    assert try_login(ann, "ann").status_code == 302  # Ann's own browser is not held up


def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_a_limit(school, monkeypatch):
    guesser, now = school.test_client(), time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # the clock moves only when told
    waits = []
    for _ in range(3):
        assert try_login(guesser, "bob", "wrong password").status_code == 400
    while len(waits) < 11:
        assert try_login(guesser, "bob", "wrong password").status_code == 400
        refused = try_login(guesser, "bob", "wrong password")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        now += waits[-1] + 1
        monkeypatch.setattr(time, "time", lambda now=now: now)
    assert waits == [2 ** n for n in range(1, 10)] + [900, 900]
    # Bob himself, on a new browser elsewhere, is not held up by it.
    assert try_login(school.test_client(), "bob", address="127.0.7.2").status_code == 302


def test_guessing_from_many_addresses_meets_the_accounts_budget_which_only_delays(school):
    ann = school.test_client()
    assert try_login(ann, "ann", address="127.0.8.1").status_code == 302
    log_out(ann, "127.0.8.1")
    botnet = school.test_client()
    for n in range(21):  # one guess from each of 21 addresses: no pair waits
        assert try_login(botnet, "ann", "wrong password", f"127.0.9.{n}").status_code == 400
    refused = try_login(school.test_client(), "ann", address="127.0.10.1")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "from browsers it has not used" in refused.text
    # The owner's browser, wherever it is now, still logs in.
    assert try_login(ann, "ann", address="127.0.11.1").status_code == 302


def test_the_address_cap_holds_across_workers_and_spares_known_browsers(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    # Two app instances over one database stand for two workers (or two servers).
    apps = [make_app(tmp_path, questions_dir=questions, SQLALCHEMY_DATABASE_URI=url,
                     LOGIN_LIMIT_PER_ADDRESS="4 per 15 minutes") for _ in range(2)]
    apps[0].test_cli_runner().invoke(args=["init"])
    add_user(apps[0], "ann")
    ann = apps[0].test_client()
    assert try_login(ann, "ann").status_code == 302
    log_out(ann)
    clients = [a.test_client() for a in apps]
    for n in range(4):
        assert try_login(clients[n % 2], f"nobody{n}", "wrong").status_code == 400
    refused = try_login(clients[1], "someone", "wrong password")
    assert refused.status_code == 429 and "from your network" in refused.text
    assert try_login(ann, "ann").status_code == 302


def test_an_unknown_name_and_a_wrong_password_are_refused_alike(school, monkeypatch):
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda *args: checked.append(1) or real(*args))
    monkeypatch.setattr("quiz.models.check_password_hash",
                        lambda *args: checked.append(1) or real(*args))
    pages = []
    for name in ("ann", "no-such-name"):
        checked.clear()
        response = try_login(school.test_client(), name, "wrong password")
        assert response.status_code == 400 and checked == [1]  # one hash checked, each time
        tokens_out = re.sub(r'value="[\w.-]{60,}"', "", response.text)  # signed, so they differ
        pages.append(tokens_out.replace(name, "NAME"))
    assert pages[0] == pages[1]
    assert "That username and password do not match an account." in unescape(pages[0])


def test_registration_is_throttled_per_address(tmp_path):
    app = make_app(tmp_path, questions_dir=fixture_library(tmp_path, "all_types.yaml"),
                   REGISTER_LIMIT_PER_ADDRESS="2 per hour")
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    for name in ("amy", "ben"):
        assert register(app.test_client(), name, "correct horse").status_code == 302
    refused = register(app.test_client(), "cat", "correct horse")
    assert refused.status_code == 429
    assert "Too many accounts were created from your network" in refused.text
    assert 'value="cat"' in refused.text
    elsewhere = app.test_client()
    page = elsewhere.get("/register", **at("127.0.12.1"))
    assert elsewhere.post("/register", data={
        "username": "dan", "password": "correct horse", "confirm": "correct horse",
        "csrf_token": csrf_token(page.text)}, **at("127.0.12.1")).status_code == 302
