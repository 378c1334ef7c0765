"""A learner registers, takes a quiz of every type, leaves, resumes, submits and reviews."""
import re

from quiz.extensions import db
from quiz.models import Attempt, Response
from tests.answering import choose, match, order
from tests.conftest import csrf_token, without_csrf_tokens

# The right answers to the all-types fixture, question by question: fields, or a
# function that finds them on the question page by their labels.
RIGHT = {
    "single_choice": lambda: choose("2006"),
    "multiple_response": lambda: choose("Danish", "German"),
    "true_false": lambda: {"answer": "false"},
    "short_answer": lambda: {"answer": "  psotc "},
    "numeric": lambda: {"answer": "500,000"},
    "ordering": lambda: order("IFOR", "SFOR", "EUFOR Operation Althea"),
    "matching": lambda: match({"PARP": "PfP Planning and Review Process",
                               "BI": "Building Integrity"}),
}
TYPES = list(RIGHT)


def register(client, name="ann", password="correct horse"):
    page = client.get("/register")
    return client.post("/register", data={
        "username": name, "password": password, "confirm": password,
        "csrf_token": csrf_token(page.text)})


def start(client, key="all-types"):
    page = client.get(f"/quizzes/{key}")
    response = client.post(f"/quizzes/{key}/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    return response.location


def answer(client, attempt_url, page_no, fields, go="next"):
    page = client.get(f"{attempt_url}?q={page_no}")
    seq = re.search(r'name="seq" value="(\d+)"', page.text).group(1)
    if callable(fields):
        fields = fields(page.text)
    data = {"csrf_token": csrf_token(page.text), "seq": seq, "go": go, **fields}
    return client.post(f"{attempt_url}?q={page_no}", data=data)


def test_registration_logs_in_and_home_lists_documents_and_quizzes(typed_app):
    client = typed_app.test_client()
    home = client.get("/")
    assert "Relations with Bosnia and Herzegovina" in home.text
    assert 'href="/quizzes/all-types"' in home.text
    response = register(client)
    assert response.status_code == 302
    assert "Log out ann" in client.get("/").text


def test_registration_errors_come_back_beside_the_field_with_the_input(typed_app):
    client = typed_app.test_client()
    register(client, "bob")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    response = register(client, "bob", "short")
    assert response.status_code == 400
    assert "That name is taken" in response.text
    assert "That password is 5 characters long; use at least 8." in response.text
    assert "Field must be" not in response.text      # no form library's sentence
    assert 'value="bob"' in response.text
    response = register(client, "no spaces allowed", "long enough password")
    # The error adds to the hint beside the field instead of repeating it.
    assert "A name cannot hold a space." in response.text
    assert response.text.count("letters, digits, dots, hyphens or underscores") == 1
    assert "a name needs at least 3" in register(client, "al", "long enough password").text
    assert "cannot hold “!”, “é”" in register(client, "josé!", "long enough password").text


def test_whole_flow_every_type_leave_resume_submit_review(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    first = client.get(attempt_url)
    assert "Question 1 of 7" in first.text and "0 of 7 answered" in first.text

    # Answer the first four, then leave.
    for page_no in range(1, 5):
        response = answer(client, attempt_url, page_no, RIGHT[TYPES[page_no - 1]]())
        assert response.status_code == 302
    assert "4 of 7 answered" in client.get(f"{attempt_url}?q=5").text

    # Log out and in again: starting the quiz resumes the same attempt, answers kept.
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    page = client.get("/login")
    client.post("/login", data={"username": "ann", "password": "correct horse",
                                "csrf_token": csrf_token(page.text)})
    assert "in progress" in client.get("/").text
    assert "Continue your attempt" in client.get("/quizzes/all-types").text
    assert start(client) == attempt_url
    resumed = client.get(f"{attempt_url}?q=4")
    assert 'value="psotc"' in resumed.text
    assert "Question 4 of 7" in resumed.text and "4 of 7 answered" in resumed.text

    for page_no in range(5, 8):
        answer(client, attempt_url, page_no, RIGHT[TYPES[page_no - 1]](), go="summary")
    summary = client.get(f"{attempt_url}/summary")
    assert "you have answered 7 of 7 questions" in summary.text
    response = client.post(f"{attempt_url}/submit",
                           data={"csrf_token": csrf_token(summary.text)})
    assert response.location == f"{attempt_url}/review?submitted=1"
    review = client.get(response.location)
    assert "Your answers were submitted and graded." in review.text
    assert "were submitted" not in client.get(f"{attempt_url}/review").text
    assert "You scored <strong>7 out of 7</strong> (100%)" in " ".join(review.text.split())
    assert review.text.count("<strong>Correct</strong>") == 7
    # The source: the cited paragraph with its quote marked, linked to its anchor.
    assert "<mark>joined the Partnership for Peace (PfP) programme in 2006</mark>" in review.text
    assert re.search(r'href="/documents/nato-bih\?cite=\d+#p12"', review.text)
    assert "Explanation" in review.text and "PfP in 2006." in review.text
    # The document lands on the paragraph, naming its section; under the title come the
    # learner's mastery legend and the contents.
    source = re.search(r'href="(/documents/nato-bih\?cite=\d+)#p12"', review.text).group(1)
    document = " ".join(client.get(source).text.split())
    assert re.search(r'<div id="p12" class="para cited"> <p class="para-section">In '
                     r'<a href="#p9">Evolution of relations</a></p>', document)
    assert document.index("</h1>") < document.index("Your mastery") \
        < document.index("Contents (5 sections)") < document.index('id="p2"')
    assert '<a href="#p15">Key areas of cooperation</a>' in document


def test_wrong_and_partial_answers_are_shown_with_the_correct_answer(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2010"))                       # wrong
    answer(client, attempt_url, 2, choose("Danish"))                     # half right
    answer(client, attempt_url, 6, order("SFOR", "IFOR", "EUFOR Operation Althea"))
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    review = client.get(f"{attempt_url}/review").text
    assert "<strong>Incorrect</strong>" in review
    assert "2010: That is the MAP invitation." in review
    assert "<strong>Partially correct</strong> · 0.5 of 1 marks" in review
    assert "<strong>Not answered</strong>" in review
    assert "SFOR → IFOR → EUFOR Operation Althea" in review
    with typed_app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        graded = db.session.execute(db.select(Response.slot, Response.fraction, Response.marks)
                                    .filter_by(attempt_id=attempt.id)
                                    .order_by(Response.slot)).all()
    assert [slot for slot, fraction, _ in graded if fraction is None] == []
    assert graded[0][1:] == (0.0, 0.0) and graded[1][1:] == (0.5, 0.5)
    assert attempt.marks == sum(marks for _, _, marks in graded) > 0.5
    assert "IFOR → SFOR → EUFOR Operation Althea" in review
    with typed_app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        ordering = db.session.execute(db.select(Response).filter_by(slot=6)).scalar_one()
        assert round(ordering.fraction, 4) == round(2 / 3, 4)
        assert attempt.marks == round(0.5 + 2 / 3, 4)
        assert attempt.max_marks == 7 and attempt.percent == round(100 * (0.5 + 2 / 3) / 7, 2)


def test_submitting_twice_keeps_one_graded_attempt(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    token = csrf_token(client.get(f"{attempt_url}/summary").text)
    first = client.post(f"{attempt_url}/submit", data={"csrf_token": token})
    second = client.post(f"{attempt_url}/submit", data={"csrf_token": token})
    assert first.location == f"{attempt_url}/review?submitted=1"
    assert second.location == f"{attempt_url}/review"  # nothing was submitted this time
    with typed_app.app_context():
        attempts = db.session.execute(db.select(Attempt)).scalars().all()
        assert len(attempts) == 1 and attempts[0].marks == 1
    # A finished attempt no longer takes answers: the page sends to the review.
    assert client.get(attempt_url).location == f"{attempt_url}/review"


def test_a_stale_page_cannot_overwrite_a_newer_answer(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    stale = client.get(f"{attempt_url}?q=4")
    answer(client, attempt_url, 4, {"answer": "newer"})
    response = client.post(f"{attempt_url}?q=4", data={
        "csrf_token": csrf_token(stale.text), "go": "next", "answer": "older",
        "seq": re.search(r'name="seq" value="(\d+)"', stale.text).group(1)})
    assert response.location.endswith("?q=4")
    page = client.get(response.location)
    assert "changed in another window" in page.text
    assert 'value="newer"' in page.text


def test_attempt_keeps_its_draw_and_layout_on_every_reload(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client, "two-random")
    def page(n):
        return without_csrf_tokens(client.get(f"{attempt_url}?q={n}").text)

    pages = [page(1), page(2)]
    assert pages == [page(1), page(2)]
    assert "Question 1 of 2" in pages[0]
    with typed_app.app_context():
        attempt = db.session.execute(db.select(Attempt)).scalar_one()
        assert len(attempt.responses) == 2 and attempt.seed is not None


def test_my_attempts_lists_scores(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    client.post(f"{attempt_url}/submit",
                data={"csrf_token": csrf_token(client.get(f"{attempt_url}/summary").text)})
    start(client, "two-random")
    page = client.get("/me/attempts").text
    assert "1 / 7 (14.3%)" in page
    assert "In progress" in page and "Continue attempt" in page
    # Numbered per quiz for the learner, never by database id.
    again = start(client)
    client.post(f"{again}/submit", data={
        "csrf_token": csrf_token(client.get(f"{again}/summary").text), "confirm": "1"})
    page = client.get("/me/attempts").text
    assert 'Review attempt 1<span class="visually-hidden"> at Every type</span>' in page
    assert 'Review attempt 2<span class="visually-hidden"> at Every type</span>' in page
    assert 'Continue attempt 1<span class="visually-hidden"> at Two at random' in page
    quiz_page = " ".join(client.get("/quizzes/all-types").text.split())
    assert "<strong>7 questions</strong> · no time limit · your best attempt counts" \
        in quiz_page
    assert quiz_page.index("Review attempt 2") < quiz_page.index("Review attempt 1")
    home = " ".join(client.get("/").text.split())
    assert re.search(r'Every type</a> <span class="badge badge-done">done · best 14.3%</span>',
                     home)
    assert re.search(r'Two at random</a> <span class="badge">in progress</span> </li>', home)


def test_background_save_answers_json_and_refuses_stale_pages(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    page = client.get(f"{attempt_url}?q=4")
    token = csrf_token(page.text)
    first = client.post(f"{attempt_url}?q=4", data={
        "csrf_token": token, "go": "stay", "seq": "0", "answer": "PSOTC"})
    assert first.status_code == 200
    assert first.json == {"saved": True, "sequence": 1, "answered": 1, "total": 7}
    stale = client.post(f"{attempt_url}?q=4", data={
        "csrf_token": token, "go": "stay", "seq": "0", "answer": "older"})
    assert stale.status_code == 409 and stale.json["saved"] is False
    assert 'value="PSOTC"' in client.get(f"{attempt_url}?q=4").text
    client.post(f"{attempt_url}/submit", data={"csrf_token": token})
    closed = client.post(f"{attempt_url}?q=4", data={
        "csrf_token": token, "go": "stay", "seq": "1", "answer": "late"})
    assert closed.status_code == 409
    assert closed.json == {"saved": False, "finished": True, "reason": "closed", "sequence": None}


def test_a_cleared_answer_counts_as_not_answered(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 4, {"answer": "PSOTC"}, go="stay")
    page = client.get(f"{attempt_url}?q=4").text
    assert "1 of 7 answered" in page and 'aria-label="Question 4, answered"' in page
    answer(client, attempt_url, 4, {"answer": "  "}, go="stay")  # the box emptied
    page = client.get(f"{attempt_url}?q=4").text
    assert "0 of 7 answered" in page and 'aria-label="Question 4, not answered"' in page
    with typed_app.app_context():
        response = db.session.execute(db.select(Response).filter_by(slot=4)).scalar_one()
        assert response.answer is None and response.sequence == 2


def test_each_save_keeps_the_grade_of_its_answer_until_the_submit_adds_them_up(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    attempt_id = int(attempt_url.rsplit("/", 1)[1])

    def stored_grades():
        with typed_app.app_context():
            return [(r.fraction, r.marks) for r in db.session.execute(
                db.select(Response).filter_by(attempt_id=attempt_id).order_by(Response.slot)
            ).scalars()]

    assert stored_grades() == [(0, 0)] * 7  # what an unanswered question earns
    reply = answer(client, attempt_url, 4, {"answer": "PSOTC"}, go="stay")
    assert reply.json == {"saved": True, "sequence": 1, "answered": 1, "total": 7}
    assert stored_grades()[3] == (1, 1)
    answer(client, attempt_url, 4, {"answer": "SFOR"}, go="stay")
    assert stored_grades()[3] == (0, 0)
    answer(client, attempt_url, 6, order("SFOR", "IFOR", "EUFOR Operation Althea"),
           go="stay")
    assert stored_grades()[5] == (2 / 3, round(2 / 3, 4))
    assert "0.6667" not in client.get(f"{attempt_url}/summary").text  # no grade shown
    answer(client, attempt_url, 4, {"answer": "PSOTC"}, go="stay")
    token = csrf_token(client.get(f"{attempt_url}/summary").text)
    assert client.post(f"{attempt_url}/submit", data={"csrf_token": token}).status_code == 302
    with typed_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
    assert attempt.marks == round(1 + 2 / 3, 4) == sum(marks for _, marks in stored_grades())
    assert attempt.percent == round(100 * (1 + 2 / 3) / 7, 2)


def test_an_attempt_saved_before_saves_kept_grades_is_graded_in_full(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    answer(client, attempt_url, 1, choose("2006"), go="stay")
    answer(client, attempt_url, 4, {"answer": "PSOTC"}, go="stay")
    with typed_app.app_context():  # as a database from before has them
        db.session.execute(db.update(Response).filter_by(attempt_id=attempt_id)
                           .values(fraction=None, marks=None))
        db.session.commit()
    token = csrf_token(client.get(f"{attempt_url}/summary").text)
    client.post(f"{attempt_url}/submit", data={"csrf_token": token})
    with typed_app.app_context():
        assert db.session.get(Attempt, attempt_id).marks == 2
        graded = db.session.execute(db.select(Response.slot, Response.fraction)
                                    .filter_by(attempt_id=attempt_id)
                                    .order_by(Response.slot)).all()
        assert graded == [(1, 1), (2, 0), (3, 0), (4, 1), (5, 0), (6, 0), (7, 0)]


def test_each_review_shows_its_own_answers_whoever_reviewed_first(typed_app):
    # Reviews keep rendered questions by version, slot and answer: learners who answered
    # alike share them, and a different answer is never shown another's.
    def review_of(name, choice):
        client = typed_app.test_client()
        register(client, name)
        attempt_url = start(client)
        answer(client, attempt_url, 1, choose(choice))
        summary = client.get(f"{attempt_url}/summary")
        client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
        page = client.get(f"{attempt_url}/review").text
        first = page[page.index('id="q1"'):page.index('id="q2"')]
        return re.search(r"<dt>Your answer</dt><dd>(.*?)</dd>", first).group(1), first

    ann, ann_item = review_of("ann", "2006")
    bob, bob_item = review_of("bob", "2010")
    cat, cat_item = review_of("cat", "2006")
    assert ann != bob and ann == cat
    assert ann_item == cat_item and ann_item != bob_item
    assert ("<strong>Correct</strong>" in ann_item) != ("<strong>Correct</strong>" in bob_item)


def test_a_flagged_question_is_marked_in_the_navigation_and_listed_in_the_summary(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))
    answer(client, attempt_url, 2, {"flag": "1"})               # flagged, not answered
    page = client.get(f"{attempt_url}?q=2").text
    assert re.search(r'<input type="checkbox" name="flag" value="1" id="flag" checked>', page)
    assert 'aria-label="Question 2, not answered, flagged"' in page
    assert 'aria-label="Question 1, answered"' in page
    summary = " ".join(client.get(f"{attempt_url}/summary").text.split())
    assert re.search(r"<strong>Flagged to come back to:</strong> <a href=\"[^\"]*q=2\">"
                     r"question 2</a>", summary)
    assert re.search(r"<strong>Not answered:</strong> <a [^>]*>question 2</a>, <a [^>]*>"
                     r"question 3</a>", summary)
    # Unanswered questions are confirmed before the browser sends the submit.
    assert re.search(r'<input type="checkbox" name="confirm" value="1" required[^>]*> '
                     r"Submit anyway, with 6 questions not answered", summary)

    answer(client, attempt_url, 2, choose("Danish"))            # answered, flag taken off
    page = client.get(f"{attempt_url}?q=2").text
    assert 'aria-label="Question 2, answered"' in page and 'id="flag" checked' not in page
    assert "Flagged to come back to" not in client.get(f"{attempt_url}/summary").text


def test_an_ordering_question_says_whether_it_is_answered(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    page = client.get(f"{attempt_url}?q=6").text
    assert "Not answered yet: the order shown is not an answer." in page
    answer(client, attempt_url, 6, order("IFOR", "SFOR", "EUFOR Operation Althea"))
    assert "Answered: every item has a position." in client.get(f"{attempt_url}?q=6").text


def test_the_review_marks_each_part_of_multiple_response_ordering_and_matching(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 2, choose("Danish", "Belgian"))
    answer(client, attempt_url, 6, order("SFOR", "IFOR", "EUFOR Operation Althea"))
    answer(client, attempt_url, 7, match({"PARP": "Building Integrity",
                                          "BI": "Building Integrity"}))
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text),
                                               "confirm": "1"})
    review = " ".join(client.get(f"{attempt_url}/review").text.split())

    def rows(slot):
        item = re.search(rf'id="q{slot}".*?</li>', review).group(0)
        return re.findall(r'<tr class="part-(right|wrong)"><th scope="row">(.*?)</th>'
                          r"<td>(.*?)</td><td>(.*?)</td><td>(right|wrong)</td></tr>", item)

    multi = {label: (given, expected, mark) for _, label, given, expected, mark in rows(2)}
    assert multi["Danish"] == ("picked", "picked", "right")
    assert multi["German"] == ("not picked", "picked", "wrong")
    assert multi["Belgian"] == ("picked", "not picked", "wrong")
    assert multi["Italian"] == ("not picked", "not picked", "right")
    assert [(label, given, expected, mark) for _, label, given, expected, mark in rows(6)] == [
        ("IFOR", "2", "1", "wrong"), ("SFOR", "1", "2", "wrong"),
        ("EUFOR Operation Althea", "3", "3", "right")]
    matching = {label: (given, mark) for _, label, given, _, mark in rows(7)}
    assert matching == {"PARP": ("Building Integrity", "wrong"),
                        "BI": ("Building Integrity", "right")}
    assert "Part by part" not in re.search(r'id="q1".*?</li>', review).group(0)


def test_the_review_has_question_navigation_and_shows_only_what_was_missed(typed_app):
    client = typed_app.test_client()
    register(client)
    attempt_url = start(client)
    answer(client, attempt_url, 1, choose("2006"))                       # right
    answer(client, attempt_url, 2, choose("Danish"))                     # half right
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text),
                                               "confirm": "1"})
    review = client.get(f"{attempt_url}/review").text
    assert 'aria-label="Question 1, correct">1</a>' in review
    assert 'aria-label="Question 2, partially correct">2</a>' in review
    assert 'aria-label="Question 3, not answered">3</a>' in review
    assert f'href="{attempt_url}/review?only=missed">Show only what I got wrong (6)</a>' \
        in review
    missed = client.get(f"{attempt_url}/review?only=missed").text
    assert 'id="q1"' not in missed and 'id="q2"' in missed and 'id="q7"' in missed
    assert "Showing the 6 questions not fully right." in missed
    # From the filtered page, a right question's number leads back to the whole review.
    assert f'href="{attempt_url}/review#q1"' in missed
