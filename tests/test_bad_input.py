"""Malformed input answers 4xx with a message saying what is wrong, never a 500: numbers too
large for the database, NUL characters (which PostgreSQL's text refuses), overlong fields
and file names, an Aiken question past Z, YAML nested without end, an empty question id."""
import io
from html import unescape

import pytest

from quiz.extensions import db
from quiz.models import Question
from quiz.yamlines import YamlError, load_yaml
from tests.conftest import add_user, csrf_token, fixture_library, log_in, make_app
from tests.test_authoring import SINGLE, form_data
from tests.test_learner_flow import start

HUGE = "99999999999999999999"


@pytest.fixture
def ann(app):
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    return client


@pytest.fixture
def teacher(app):
    add_user(app, "ines", role="instructor")
    client = app.test_client()
    log_in(client, "ines")
    return client


@pytest.mark.parametrize("path", [
    f"/attempts/{HUGE}", f"/attempts/{HUGE}/summary", f"/attempts/{HUGE}/review",
    f"/attempts/{2**63}", f"/attempts/{2**31}",
])
def test_numbers_too_large_for_an_id_are_not_found(ann, path):
    assert ann.get(path).status_code == 404


def test_an_instructor_asking_for_a_huge_learner_id_finds_nothing(teacher):
    assert teacher.get(f"/instructor/learners/{HUGE}").status_code == 404
    page = teacher.get(f"/instructor/authoring/questions/bih-pfp-year/versions/{HUGE}")
    assert page.status_code == 404


def test_huge_numbers_in_the_query_and_the_form_are_read_as_absent(ann):
    attempt_url = start(ann, "evolution")
    assert ann.get(f"{attempt_url}?q={HUGE}").status_code == 200
    assert ann.get(f"/documents/nato-bih?cite={HUGE}").status_code == 200
    page = ann.get(attempt_url)
    saved = ann.post(attempt_url, data={"csrf_token": csrf_token(page.text), "seq": HUGE,
                                        "go": "next"})
    assert saved.status_code in (302, 409)


@pytest.mark.parametrize("go", ["9" * 5000, "²", "٣", HUGE])
def test_any_go_value_moves_somewhere_sensible(ann, go):
    attempt_url = start(ann, "evolution")
    page = ann.get(attempt_url)
    saved = ann.post(attempt_url, data={"csrf_token": csrf_token(page.text), "seq": "0",
                                        "go": go})
    assert saved.status_code == 302


@pytest.mark.parametrize("where", ["form", "query", "path"])
def test_a_nul_character_is_refused_with_where_it_was(app, ann, where):
    token = csrf_token(ann.get("/").text)
    if where == "form":
        response = ann.post("/logout", data={"csrf_token": token, "note": "a\x00b"})
        said = "'note'"
    elif where == "query":
        response = ann.get("/instructor/authoring/questions", query_string={"q": "a\x00b"})
        said = "'q'"
    else:
        response = ann.get("/documents/nato%00bih")
        said = "address"
    assert response.status_code == 400
    assert "NUL character" in unescape(response.text) and said in unescape(response.text)


def test_a_nul_in_the_login_form_is_refused_not_looked_up(app):
    add_user(app, "ann")
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"username": "ann\x00", "password": "correct horse",
                                           "csrf_token": csrf_token(page.text)})
    assert response.status_code == 400 and "'username'" in unescape(response.text)


def aiken_with(options: int) -> bytes:
    letters = [chr(ord("A") + n % 26) for n in range(options)]
    lines = ["Which one?"] + [f"{letter}. option {n}" for n, letter in enumerate(letters)]
    return ("\n".join(lines) + "\nANSWER: A\n").encode()


def import_upload(teacher, data: bytes, name: str, fmt: str = "aiken"):
    page = teacher.get("/instructor/authoring/transfer")
    return teacher.post("/instructor/authoring/transfer", data={
        "csrf_token": csrf_token(page.text), "format": fmt, "document": "nato-bih",
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        follow_redirects=True)


def test_an_aiken_question_with_more_than_26_options_is_refused_with_its_line(app, teacher):
    response = import_upload(teacher, aiken_with(27), "many.txt")
    assert response.status_code == 400
    assert "many.txt:28: a question has at most 26 options (A to Z)" in response.text
    assert import_upload(teacher, aiken_with(26), "26.txt").status_code == 200


def test_an_upload_with_a_very_long_name_is_refused_and_nothing_is_written(app, teacher):
    with app.app_context():
        before = db.session.execute(db.select(db.func.count(Question.id))).scalar()
    response = import_upload(teacher, aiken_with(3), "q" * 400 + ".txt")
    assert response.status_code == 400
    assert "the file name is longer than 200 characters; rename the file" in response.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Question.id))).scalar() == before
    page = teacher.get("/instructor/authoring/documents/new")
    response = teacher.post("/instructor/authoring/documents/new", data={
        "csrf_token": csrf_token(page.text), "format": "auto",
        "file": (io.BytesIO(b"Title\nA paragraph.\n"), "d" * 400 + ".txt")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "the file name is longer than 200 characters" in response.text


@pytest.mark.parametrize("text, line", [
    ("a: " + "[" * 5000 + "]" * 5000, 1),
    ("q:\n" + "".join(" " * n + "- \n" for n in range(1, 300)), 101),
])
def test_yaml_nested_without_end_is_an_error_with_its_line(text, line):
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert caught.value.line == line
    assert "nested more than 100 levels deep" in caught.value.message


def test_yaml_nested_a_little_is_read(tmp_path):
    assert load_yaml("a: " + "[" * 50 + "1" + "]" * 50)["a"][0] is not None


def test_a_deeply_nested_bank_is_reported_by_bank_check(tmp_path):
    questions = fixture_library(tmp_path)
    (questions / "nato-bih" / "deep.yaml").write_text(
        "document: nato-bih\nquestions: " + "[" * 3000)
    app = make_app(tmp_path, questions_dir=questions)
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    assert result.exit_code == 1
    assert "deep.yaml:2: not valid YAML: lists and mappings nested more than 100 levels deep" \
        in result.output


def test_the_question_editor_refuses_an_empty_id_and_keeps_the_typing(teacher):
    url = "/instructor/authoring/questions/new?document=nato-bih&type=single_choice"
    page = teacher.get(url)
    # With a prompt an empty id is made from it; with neither, both are asked for.
    fields = dict(SINGLE, key="", prompt="")
    response = teacher.post(url, data=form_data(page.text, action="save", **fields))
    assert response.status_code == 400
    assert "Give the question an id, or write a prompt to make one from." in response.text
    assert "PfP in 2006." in response.text and "MAP year." in response.text
