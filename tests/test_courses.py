"""Courses: joining by code and link, adding learners by hand and by roster, the admin."""
import io
import re

from quiz.accounts import find_user
from quiz.courses import create_course
from quiz.extensions import db
from quiz.models import Course, CourseMember, Document, Quiz, User
from tests.conftest import add_user, csrf_token, fixture_library, log_in, make_app


def course_of(app, teacher="tina", code="hist-9a"):
    """Instructor ``teacher``'s course, logged in; returns (client, enrolment code)."""
    add_user(app, teacher, role="instructor")
    with app.app_context():
        course = create_course("History 9A", code, find_user(teacher))
        enrolment = course.enrolment_code
        db.session.commit()
    client = app.test_client()
    log_in(client, teacher)
    return client, enrolment


def members(app, code="hist-9a"):
    with app.app_context():
        return sorted(db.session.execute(
            db.select(User.username).join(CourseMember, CourseMember.user_id == User.id)
            .join(Course, Course.id == CourseMember.course_id)
            .where(Course.code == code, CourseMember.role == "learner")).scalars())


def learner(app, name="ann"):
    add_user(app, name)
    client = app.test_client()
    log_in(client, name)
    return client


def test_a_learner_joins_by_the_code_on_the_home_page(app):
    _, code = course_of(app)
    ann = learner(app)
    home = ann.get("/")
    assert "Join a course" in home.text
    response = ann.post("/join", data={"code": code.upper(), "csrf_token": csrf_token(home.text)},
                        follow_redirects=True)
    assert "You joined History 9A." in response.text
    assert members(app) == ["ann"]


def test_a_wrong_code_says_so_and_guessing_is_throttled(app):
    course_of(app)
    app.config["JOIN_LIMIT_PER_USER"] = "2 per hour"
    ann = learner(app)
    token = csrf_token(ann.get("/").text)
    wrong = ann.post("/join", data={"code": "nosuchcode", "csrf_token": token})
    assert wrong.status_code == 404
    assert "No course has the enrolment code &#39;nosuchcode&#39;" in wrong.text
    assert 'value="nosuchcode"' in wrong.text  # the input comes back
    ann.post("/join", data={"code": "nosuchcode2", "csrf_token": token})
    refused = ann.post("/join", data={"code": "whatever", "csrf_token": token})
    assert refused.status_code == 429 and "Too many wrong enrolment codes" in refused.text
    assert members(app) == []


def test_a_join_link_asks_to_confirm_then_joins(app):
    _, code = course_of(app)
    ann = learner(app)
    page = ann.get(f"/join/{code}")
    assert page.status_code == 200 and "Join History 9A" in page.text
    assert members(app) == []  # a GET never joins
    assert ann.post(f"/join/{code}", data={}).status_code == 400  # no CSRF token
    joined = ann.post(f"/join/{code}", data={"csrf_token": csrf_token(page.text)},
                      follow_redirects=True)
    assert "You joined History 9A." in joined.text and members(app) == ["ann"]
    assert ann.get("/join/notacode").status_code == 404
    assert app.test_client().get(f"/join/{code}").status_code == 302  # log in first


def test_a_new_enrolment_code_retires_the_old_link(app):
    teacher, code = course_of(app)
    page = teacher.get("/instructor/courses/hist-9a")
    assert code in page.text and f"/join/{code}" in page.text
    teacher.post("/instructor/courses/hist-9a/enrolment-code",
                 data={"csrf_token": csrf_token(page.text)})
    ann = learner(app)
    assert ann.get(f"/join/{code}").status_code == 404
    assert code not in teacher.get("/instructor/courses/hist-9a").text


def test_an_instructor_creates_a_course_and_a_taken_code_is_refused(app):
    add_user(app, "tina", role="instructor")
    tina = app.test_client()
    log_in(tina, "tina")
    form = tina.get("/instructor/courses/new")
    made = tina.post("/instructor/courses/new", data={
        "title": "Biology 10", "code": "bio-10", "csrf_token": csrf_token(form.text)})
    assert made.location == "/instructor/courses/bio-10"
    again = tina.post("/instructor/courses/new", data={
        "title": "Other", "code": "bio-10", "csrf_token": csrf_token(form.text)})
    assert again.status_code == 400 and "The code &#39;bio-10&#39; is taken." in again.text
    assert 'value="Other"' in again.text
    bad = tina.post("/instructor/courses/new", data={
        "title": "X", "code": "Bad Code!", "csrf_token": csrf_token(form.text)})
    assert bad.status_code == 400 and "lower-case letters" in bad.text


def test_adding_one_learner_makes_the_account_with_a_temporary_password(app):
    teacher, _ = course_of(app)
    token = csrf_token(teacher.get("/instructor/courses/hist-9a").text)
    page = teacher.post("/instructor/courses/hist-9a/learners", data={
        "username": "carla", "display_name": "Carla Diaz", "csrf_token": token})
    assert page.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", page.text).group(1)
    with app.app_context():
        carla = find_user("carla")
        assert carla.must_change_password and carla.display_name == "Carla Diaz"
        assert carla.check_password(password)
    assert members(app) == ["carla"]
    add_user(app, "ann")
    existing = teacher.post("/instructor/courses/hist-9a/learners",
                            data={"username": "ann", "csrf_token": token})
    assert existing.status_code == 302 and members(app) == ["ann", "carla"]
    bad = teacher.post("/instructor/courses/hist-9a/learners",
                       data={"username": "a b", "csrf_token": token})
    assert bad.status_code == 400 and "A name cannot hold a space." in bad.text


def test_removing_a_learner_takes_them_out_of_the_course_only(app):
    teacher, code = course_of(app)
    ann = learner(app)
    ann.post(f"/join/{code}", data={"csrf_token": csrf_token(ann.get(f"/join/{code}").text)})
    with app.app_context():
        ann_id = find_user("ann").id
    page = teacher.get("/instructor/courses/hist-9a")
    assert "Remove" in page.text
    teacher.post(f"/instructor/courses/hist-9a/learners/{ann_id}/remove",
                 data={"csrf_token": csrf_token(page.text)})
    assert members(app) == []
    assert members(app, "open") == ["ann"]  # still in the open course
    assert teacher.post(f"/instructor/courses/hist-9a/learners/{ann_id}/remove",
                        data={"csrf_token": csrf_token(page.text)}).status_code == 404


ROSTER = "username,display name\ncarla,Carla Diaz\n\nann,Ann Smith\ndev,\n"


def test_a_roster_enrols_existing_and_new_learners_and_shows_passwords_once(app):
    teacher, _ = course_of(app)
    add_user(app, "ann")
    form = teacher.get("/instructor/courses/hist-9a/roster")
    result = teacher.post("/instructor/courses/hist-9a/roster", data={
        "text": ROSTER, "csrf_token": csrf_token(form.text)})
    assert result.status_code == 200 and result.headers["Cache-Control"] == "no-store"
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>([^<]+)</td><td>(.*?)</td></tr>",
                      result.text)
    assert [(r[0], r[2]) for r in rows] == [("carla", "new account"), ("ann", "enrolled"),
                                            ("dev", "new account")]
    assert rows[1][3] == "" and rows[0][3].startswith("<code>")
    assert members(app) == ["ann", "carla", "dev"]
    csv = teacher.post("/instructor/courses/hist-9a/roster/passwords.csv", data={
        "csrf_token": csrf_token(result.text), "username": ["carla"],
        "display_name": ["Carla Diaz"], "outcome": ["new account"], "password": ["pw1"]})
    assert csv.mimetype == "text/csv"
    assert csv.text.splitlines()[1] == "carla,Carla Diaz,new account,pw1"


def test_a_roster_with_bad_rows_names_their_lines_and_writes_nothing(app):
    teacher, _ = course_of(app)
    add_user(app, "tom", role="instructor")
    form = teacher.get("/instructor/courses/hist-9a/roster")
    roster = "carla,Carla\nx,Too short\ncarla,Again\nok-name,A,extra\ntom,Teacher\n"
    result = teacher.post("/instructor/courses/hist-9a/roster", data={
        "text": roster, "csrf_token": csrf_token(form.text)})
    assert result.status_code == 400 and "Nobody was added" in result.text
    assert "Line 2: username &#39;x&#39;" in result.text
    assert "Line 3: &#39;carla&#39; is also on line 1" in result.text
    assert "Line 4: expected 2 columns" in result.text
    assert "carla,Carla" in result.text  # the input comes back
    only_tom = teacher.post("/instructor/courses/hist-9a/roster", data={
        "text": "carla,Carla\ntom,Teacher\n", "csrf_token": csrf_token(form.text)})
    assert only_tom.status_code == 400 and "Line 2: &#39;tom&#39; is an instructor" in only_tom.text
    with app.app_context():
        assert find_user("carla") is None
    assert members(app) == []


def test_a_roster_file_upload_that_is_not_utf8_is_refused(app):
    teacher, _ = course_of(app)
    form = teacher.get("/instructor/courses/hist-9a/roster")
    result = teacher.post("/instructor/courses/hist-9a/roster", data={
        "file": (io.BytesIO(b"carla,Carla\nd\xe9v,Dev\n"), "roster.csv"),
        "csrf_token": csrf_token(form.text)}, content_type="multipart/form-data")
    assert result.status_code == 400 and "Line 2: not UTF-8" in result.text


def test_an_admin_makes_a_user_an_instructor_and_takes_it_back(app):
    add_user(app, "root", role="admin")
    add_user(app, "ann")
    admin = app.test_client()
    log_in(admin, "root")
    page = admin.get("/admin/users")
    with app.app_context():
        ann_id = find_user("ann").id
    assert "Make<span class=\"visually-hidden\"> ann</span> an instructor" in page.text
    admin.post(f"/admin/users/{ann_id}/role",
               data={"role": "instructor", "csrf_token": csrf_token(page.text)})
    with app.app_context():
        assert find_user("ann").role == "instructor"
    ann = app.test_client()
    log_in(ann, "ann")
    assert ann.get("/instructor/courses").status_code == 200
    assert ann.get("/admin/users").status_code == 403
    admin.post(f"/admin/users/{ann_id}/role",
               data={"role": "learner", "csrf_token": csrf_token(page.text)})
    assert ann.get("/instructor/courses").status_code == 403
    assert members(app, "open") == ["ann"]


def test_cli_makes_admins_and_exports_one_course(app, runner):
    result = runner.invoke(args=["users", "create", "root", "--admin"],
                           env={"QUIZ_PASSWORD": "a long passphrase"})
    assert result.exit_code == 0 and "Created admin 'root'" in result.output
    course_of(app)
    result = runner.invoke(args=["export", "gradebook", "--course", "hist-9a"])
    assert result.exit_code == 0 and result.output.strip() == "\ufefflearner"
    result = runner.invoke(args=["export", "gradebook", "--course", "nope"])
    assert result.exit_code != 0 and "No course 'nope'" in result.output
    result = runner.invoke(args=["stats", "items", "evolution", "--course", "hist-9a"])
    assert result.exit_code != 0 and "No quiz 'evolution' in course 'hist-9a'" in result.output


def test_new_registrations_join_the_open_course_and_see_the_shipped_quizzes(app, client):
    page = client.get("/register")
    client.post("/register", data={"username": "newbie", "password": "a long passphrase",
                                   "confirm": "a long passphrase",
                                   "csrf_token": csrf_token(page.text)})
    assert members(app, "open") == ["newbie"]
    assert "/quizzes/evolution" in client.get("/").text


def test_the_default_courses_code_from_the_migration_joins_too(app):
    with app.app_context():
        code = db.session.execute(db.select(Course.enrolment_code)
                                  .filter_by(code="open")).scalar_one()
    teacher, _ = course_of(app)  # (another course, so the open one is not the only one)
    ann = learner(app, "zed")
    with app.app_context():
        db.session.execute(db.delete(CourseMember))
        db.session.commit()
    page = ann.get(f"/join/{code}")
    assert page.status_code == 200
    ann.post(f"/join/{code}", data={"csrf_token": csrf_token(page.text)})
    assert members(app, "open") == ["zed"]


def test_demo_learners_are_in_the_courses_of_the_quizzes_they_take(app, runner):
    result = runner.invoke(args=["demo", "seed", "--learners", "3"])
    assert result.exit_code == 0, result.output
    assert members(app, "open") == ["demo-00001", "demo-00002", "demo-00003"]
    add_user(app, "teacher", role="instructor")
    teacher = app.test_client()
    log_in(teacher, "teacher")
    with app.app_context():
        demo_id = find_user("demo-00001").id
    assert teacher.get(f"/instructor/learners/{demo_id}").status_code == 200


def test_a_bank_loads_into_the_course_its_document_names(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    meta = questions / "nato-bih" / "document.yaml"
    meta.write_text(meta.read_text() + "course: hist-9a\n")
    app = make_app(tmp_path, questions_dir=questions)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 1
    assert "document.yaml: there is no course 'hist-9a'" in result.output
    course_of(app)
    result = app.test_cli_runner().invoke(args=["bank", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {c for (c,) in db.session.execute(
            db.select(Course.code).join(Document, Document.course_id == Course.id))} == \
            {"hist-9a"}
        assert {c for (c,) in db.session.execute(
            db.select(Course.code).join(Quiz, Quiz.course_id == Course.id))} == {"hist-9a"}
