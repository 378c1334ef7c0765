"""Who may see what: anonymous users log in, learners stay out of instructor pages and
other learners' attempts."""
import io

import pytest

from quiz.extensions import db
from quiz.models import Attempt, Response, User
from tests.answering import some_answer
from tests.conftest import add_user, csrf_token, log_in


def take_quiz(client, key="evolution"):
    page = client.get(f"/quizzes/{key}")
    return client.post(f"/quizzes/{key}/start",
                       data={"csrf_token": csrf_token(page.text)}).location


def ann_and_teacher(app):
    """A learner ann, with an attempt open, and an instructor, each logged in."""
    add_user(app, "ann")
    add_user(app, "teacher", role="instructor")
    ann, teacher = app.test_client(), app.test_client()
    log_in(ann, "ann")
    log_in(teacher, "teacher")
    return ann, teacher, take_quiz(ann)


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def submit(client, attempt_url):
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})


@pytest.mark.parametrize("path", ["/me/attempts", "/instructor/attempts", "/attempts/1",
                                  "/attempts/1/review", "/attempts/1/summary",
                                  "/me/progress/practice"])
def test_anonymous_users_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_practice_is_checked_only_for_a_logged_in_user(client):
    # With a valid token (CSRF is checked first), an anonymous check goes to log in.
    token = csrf_token(client.get("/login").text)
    response = client.post("/me/progress/practice", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_anonymous_users_can_read_documents_and_quiz_pages(client):
    assert client.get("/").status_code == 200
    assert client.get("/documents/nato-bih").status_code == 200
    page = client.get("/quizzes/evolution")
    assert page.status_code == 200 and "to take this quiz" in page.text


def test_learners_get_403_on_instructor_pages(app, client):
    add_user(app, "ann")
    log_in(client, "ann")
    response = client.get("/instructor/attempts")
    assert response.status_code == 403
    assert "This page is for instructors." in response.text
    assert "You don't have the permission" not in response.text  # Werkzeug's sentence


def test_the_header_follows_the_users_role_and_session(app):
    # A new role or a new login shows in the header at once.
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    page = client.get("/").text
    assert "Log out ann" in page and ">Instructor<" not in page
    with app.app_context():
        db.session.execute(db.update(User).values(role="instructor"))
        db.session.commit()
    page = client.get("/").text
    assert ">Instructor<" in page and "Log out ann" in page
    first = csrf_token(page)
    client.post("/logout", data={"csrf_token": first})
    page = client.get("/").text
    assert "Log out" not in page and ">Log in<" in page
    log_in(client, "ann")
    again = client.get("/").text
    assert csrf_token(again) != first  # the new session's token
    assert client.post("/logout", data={"csrf_token": csrf_token(again)}).status_code == 302


def test_another_learners_attempt_is_404(app):
    add_user(app, "ann")
    add_user(app, "bob")
    ann, bob = app.test_client(), app.test_client()
    log_in(ann, "ann")
    log_in(bob, "bob")
    attempt_url = take_quiz(ann)
    for path in (attempt_url, f"{attempt_url}/summary", f"{attempt_url}/review"):
        assert bob.get(path).status_code == 404
    token = csrf_token(bob.get("/").text)
    assert bob.post(f"{attempt_url}/submit", data={"csrf_token": token}).status_code == 404
    assert bob.post(attempt_url, data={"csrf_token": token, "answer": "x"}).status_code == 404
    submit(ann, attempt_url)
    assert bob.get(f"{attempt_url}/review").status_code == 404
    assert ann.get(f"{attempt_url}/review").status_code == 200


def test_a_submit_is_taken_only_from_the_owners_live_login(app):
    ann, teacher, attempt_url = ann_and_teacher(app)
    anonymous = app.test_client()
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    ann_token = csrf_token(ann.get(f"{attempt_url}/summary").text)
    thief = copy_of(app, ann)  # used after she logged out (her login ended on the server)
    refused = {
        "anonymous": anonymous.post(f"{attempt_url}/submit", data={
            "csrf_token": csrf_token(anonymous.get("/login").text)}),
        "instructor": teacher.post(f"{attempt_url}/submit", data={
            "csrf_token": csrf_token(teacher.get("/").text)}),
    }
    ann.post("/logout", data={"csrf_token": ann_token})
    refused["stale cookie"] = thief.post(f"{attempt_url}/submit",
                                         data={"csrf_token": ann_token})
    assert refused["anonymous"].status_code == 302
    assert refused["anonymous"].location.startswith("/login?next=")
    assert refused["instructor"].status_code == 404
    assert refused["stale cookie"].status_code == 302
    assert refused["stale cookie"].location.startswith("/login?next=")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == "in_progress"
    log_in(ann, "ann")
    submitted = ann.post(f"{attempt_url}/submit", data={
        "csrf_token": csrf_token(ann.get(f"{attempt_url}/summary").text)})
    assert submitted.status_code == 302 and submitted.location.endswith("review?submitted=1")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == "finished"


def test_answers_are_saved_only_from_the_owners_live_login(app):
    ann, teacher, attempt_url = ann_and_teacher(app)
    anonymous = app.test_client()
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    ann_token = csrf_token(ann.get(attempt_url).text)
    thief = copy_of(app, ann)  # used after she logged out (her login ended on the server)

    answer = some_answer(ann.get(attempt_url).text)

    def save(client, token, go="stay"):
        return client.post(attempt_url, data={"csrf_token": token, "go": go, "seq": "0",
                                              **answer})

    refused = {
        "anonymous": save(anonymous, csrf_token(anonymous.get("/login").text)),
        "instructor": save(teacher, csrf_token(teacher.get("/").text)),
        "instructor, page": teacher.get(attempt_url),
    }
    ann.post("/logout", data={"csrf_token": ann_token})
    refused["stale cookie"] = save(thief, ann_token)
    refused["stale cookie, next"] = save(thief, ann_token, go="next")
    refused["stale cookie, page"] = thief.get(attempt_url)
    for who in ("anonymous", "stale cookie", "stale cookie, next", "stale cookie, page"):
        assert refused[who].status_code == 302, who
        assert refused[who].location.startswith("/login?next="), who
    assert refused["instructor"].status_code == refused["instructor, page"].status_code == 404
    with app.app_context():
        first = db.session.execute(db.select(Response).filter_by(attempt_id=attempt_id,
                                                                 slot=1)).scalar_one()
        assert first.answer is None and first.sequence == 0
    log_in(ann, "ann")
    page = ann.get(attempt_url)
    assert "Log out ann" in page.text  # the page still knows who is logged in
    saved = save(ann, csrf_token(page.text))
    assert saved.status_code == 200 and saved.json["saved"] is True
    with app.app_context():
        first = db.session.execute(db.select(Response).filter_by(attempt_id=attempt_id,
                                                                 slot=1)).scalar_one()
        assert first.answer is not None and first.sequence == 1


def test_a_review_reads_who_is_signed_in_with_its_attempt(app):
    # The review checks the login in its own statement: a closed login is anonymous, and
    # the header shows whoever is signed in.
    ann, teacher, attempt_url = ann_and_teacher(app)
    submit(ann, attempt_url)
    thief = copy_of(app, ann)  # used after she logged out (her login ended on the server)
    mine = ann.get(f"{attempt_url}/review").text
    assert "Log out ann" in mine and ">Instructor<" not in mine
    theirs = teacher.get(f"{attempt_url}/review").text
    assert "Log out teacher" in theirs and ">Instructor<" in theirs and "ann" in theirs
    ann.post("/logout", data={"csrf_token": csrf_token(mine)})
    for client in (thief, ann):
        refused = client.get(f"{attempt_url}/review")
        assert refused.status_code == 302 and refused.location.startswith("/login?next=")


def test_instructors_see_every_attempt_and_open_any_review(app):
    ann, teacher, attempt_url = ann_and_teacher(app)
    listing = teacher.get("/instructor/attempts").text
    assert "ann" in listing and "In progress" in listing
    assert "still in progress" in teacher.get(f"{attempt_url}/review").text
    # Instructors read attempts; they do not answer them.
    assert teacher.get(attempt_url).status_code == 404
    submit(ann, attempt_url)
    review = teacher.get(f"{attempt_url}/review")
    assert review.status_code == 200 and "ann scored" in review.text


def test_post_without_csrf_token_is_refused(app, client):
    add_user(app, "ann")
    log_in(client, "ann")
    assert client.post("/quizzes/evolution/start").status_code == 400
    assert client.post("/logout").status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(Attempt)).first() is None


def test_wrong_password_gives_a_message_not_an_error(app, client):
    add_user(app, "ann")
    response = log_in(client, "ann", "wrong password")
    assert response.status_code == 400
    assert "do not match an account" in response.text
    assert 'value="ann"' in response.text


def test_login_only_follows_local_next_links(app, client):
    add_user(app, "ann")
    page = client.get("/login?next=//evil.example/x")
    response = client.post("/login?next=//evil.example/x", data={
        "username": "ann", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.location == "/"


@pytest.mark.parametrize("path", ["/documents/nowhere", "/quizzes/nowhere", "/no/such/page"])
def test_unknown_things_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text and "Error 404." in response.text
    assert "The requested URL was not found" not in response.text  # Werkzeug's sentence


def test_out_of_range_question_numbers_are_clamped(app, client):
    add_user(app, "ann")
    log_in(client, "ann")
    attempt_url = take_quiz(client)
    assert "Question 1 of" in client.get(f"{attempt_url}?q=-5").text
    assert client.get(f"{attempt_url}?q=999").status_code == 200
    assert client.get(f"{attempt_url}?q=abc").status_code == 200


def two_courses(app):
    """Instructors tina and tom, each teaching a course of their own (the open course
    closed: a school whose instructors teach only their own classes), with learner ann in
    tina's (taking 'evolution') and bob in tom's (taking 'key-areas'). Each logged in."""
    from quiz.accounts import find_user
    from quiz.courses import create_course, enrol
    from quiz.models import Course, Quiz
    with app.app_context():
        db.session.execute(db.update(Course).values(open=False))
        db.session.commit()
    for name, role in (("tina", "instructor"), ("tom", "instructor"), ("ann", "learner"),
                       ("bob", "learner")):
        add_user(app, name, role=role)
    with app.app_context():
        history = create_course("History 9A", "hist-9a", find_user("tina"))
        biology = create_course("Biology 10", "bio-10", find_user("tom"))
        enrol(find_user("ann"), history)
        enrol(find_user("bob"), biology)
        db.session.execute(db.update(Quiz).filter_by(key="evolution")
                           .values(course_id=history.id))
        db.session.execute(db.update(Quiz).filter_by(key="key-areas")
                           .values(course_id=biology.id))
        db.session.commit()
    clients = {}
    for name in ("tina", "tom", "ann", "bob"):
        clients[name] = app.test_client()
        log_in(clients[name], name)
    clients["ann_attempt"] = take_quiz(clients["ann"], "evolution")
    clients["bob_attempt"] = take_quiz(clients["bob"], "key-areas")
    submit(clients["ann"], clients["ann_attempt"])
    submit(clients["bob"], clients["bob_attempt"])
    return clients


def test_each_instructor_sees_only_their_courses_and_the_other_gets_404(app):
    c = two_courses(app)
    with app.app_context():
        ann_id = db.session.execute(db.select(User.id).filter_by(username="ann")).scalar_one()
        bob_id = db.session.execute(db.select(User.id).filter_by(username="bob")).scalar_one()
    own = {"tina": ("hist-9a", "evolution", c["ann_attempt"], ann_id),
           "tom": ("bio-10", "key-areas", c["bob_attempt"], bob_id)}
    for me, other in (("tina", "tom"), ("tom", "tina")):
        client = c[me]
        for code, quiz, attempt, learner in (own[me], own[other]):
            expected = 200 if (code, quiz, attempt, learner) == own[me] else 404
            for url in (f"/instructor/courses/{code}", f"/instructor/courses/{code}/roster",
                        f"/instructor/gradebook?course={code}",
                        f"/instructor/gradebook.csv?course={code}",
                        f"/instructor/attempts?course={code}", f"/instructor/quizzes/{quiz}",
                        f"/instructor/quizzes/{quiz}/items", f"{attempt}/review",
                        f"/instructor/learners/{learner}",
                        f"/instructor/authoring/quizzes/{quiz}/edit"):
                response = client.get(url)
                response.close()
                assert response.status_code == expected, (me, url)
            page = client.get(f"/instructor/learners/{learner}")
            reset = client.post(f"/instructor/learners/{learner}/reset-password",
                                data={"csrf_token": csrf_token(c[me].get("/").text)})
            assert reset.status_code == expected, (me, learner)
            assert page.status_code == expected
        mine, theirs = own[me], own[other]
        listing = client.get("/instructor/courses").text
        assert mine[0] in listing and theirs[0] not in listing
        gradebook = client.get("/instructor/gradebook").text
        assert ("ann" in gradebook) == (me == "tina") and ("bob" in gradebook) == (me == "tom")
        attempts = client.get("/instructor/attempts").text
        assert (">ann<" in attempts) == (me == "tina") and (">bob<" in attempts) == (me == "tom")
        export = client.get("/instructor/responses.csv").text
        assert ("ann," in export) == (me == "tina") and ("bob," in export) == (me == "tom")


def test_learners_see_and_take_only_their_courses_quizzes(app):
    c = two_courses(app)
    ann, bob = c["ann"], c["bob"]
    home = ann.get("/").text
    assert "/quizzes/evolution" in home and "/quizzes/key-areas" not in home
    assert "/quizzes/overview" not in home  # the (closed) open course's
    assert ann.get("/quizzes/key-areas").status_code == 404
    assert ann.post("/quizzes/key-areas/start",
                    data={"csrf_token": csrf_token(home)}).status_code == 404
    assert ann.get(f"{c['bob_attempt']}/review").status_code == 404
    assert ann.get("/documents/nato-bih").status_code == 200  # documents stay readable
    assert bob.get("/quizzes/evolution").status_code == 404


def test_an_admin_sees_every_course(app):
    c = two_courses(app)
    add_user(app, "root", role="admin")
    admin = app.test_client()
    log_in(admin, "root")
    listing = admin.get("/instructor/courses").text
    assert "hist-9a" in listing and "bio-10" in listing
    assert admin.get(f"{c['ann_attempt']}/review").status_code == 200
    gradebook = admin.get("/instructor/gradebook").text
    assert "ann" in gradebook and "bob" in gradebook


def test_an_instructor_authors_only_their_courses_documents(app):
    """A document of tina's course: its questions, editions, imports and exports are
    tina's to work on; tom gets 404 and never sees it in a list. Reading it stays open."""
    from quiz.courses import course_by_code
    from quiz.editions import add_document
    from quiz.entries import check_entry, document_spec
    from quiz.models import Document, Question
    from quiz.versions import write_version
    c = two_courses(app)
    with app.app_context():
        document = add_document("# Notes\n\nThe treaty was signed in 1995.\n", slug="hist-notes",
                                fmt="markdown")
        document.course_id = course_by_code("hist-9a").id
        entry = {"id": "hist-treaty", "type": "true_false", "prompt": "Signed in 1995?",
                 "answer": True, "explanation": "So it says.",
                 "source": {"paragraph": 2, "quote": "signed in 1995"}}
        question = Question(key="hist-treaty", document_id=document.id, position=1,
                            status="draft")
        db.session.add(question)
        db.session.flush()
        write_version(question, check_entry(entry, document_spec(document)).spec, "test")
        db.session.commit()
    base = "/instructor/authoring"
    pages = [f"{base}/questions/hist-treaty", f"{base}/questions/hist-treaty/edit",
             f"{base}/questions/hist-treaty/versions/1",
             f"{base}/questions/new?document=hist-notes&type=true_false",
             f"{base}/documents/hist-notes/edition", f"{base}/documents/hist-notes/needs-review",
             f"{base}/documents/hist-notes/quote-check?paragraph=2&quote=treaty",
             f"{base}/transfer/export?document=hist-notes&format=yaml"]
    lists = [f"{base}/questions", f"{base}/documents", f"{base}/transfer",
             f"{base}/questions/new", f"{base}/quizzes/new"]
    for me, expected in (("tina", 200), ("tom", 404)):
        for url in pages:
            assert c[me].get(url).status_code == expected, (me, url)
        for url in lists:
            page = c[me].get(url).text
            assert ("hist-notes" in page) == (me == "tina"), (me, url)
    token = csrf_token(c["tom"].get(f"{base}/questions").text)
    for action in ("publish", "retire"):
        answer = c["tom"].post(f"{base}/questions/hist-treaty/{action}",
                               data={"csrf_token": token})
        assert answer.status_code == 404, action
    c["tom"].post(f"{base}/questions/bulk", data={"csrf_token": token, "action": "tag",
                                                  "tag": "stolen", "key": "hist-treaty"})
    refused = c["tom"].post(f"{base}/transfer", data={
        "csrf_token": token, "format": "gift", "document": "hist-notes",
        "file": (io.BytesIO(b"::x::Signed?{T}\n"), "x.gift")},
        content_type="multipart/form-data")
    assert refused.status_code == 400 and "Choose a format and a document." in refused.text
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key="hist-treaty")
                                      ).scalar_one()
        assert (question.status, question.current.tags) == ("draft", [])
        assert db.session.execute(db.select(db.func.count()).select_from(Question).join(
            Document).where(Document.slug == "hist-notes")).scalar_one() == 1
    assert c["ann"].get("/documents/hist-notes").status_code == 200  # reading stays open
    assert c["tom"].get("/documents/hist-notes").status_code == 200
