"""Documents added by upload or command, and new editions that re-anchor their questions."""
import io

import pytest

from quiz.attempts import start_attempt
from quiz.editions import new_edition
from quiz.entries import check_entry, document_spec
from quiz.extensions import db
from quiz.models import Document, Question, Quiz, User
from quiz.versions import write_version
from tests.conftest import add_user, csrf_token, log_in, signed_in

FIRST = """# Sample

The sky was blue in 2020.

Cats sleep all day long.

Dogs bark at night.
"""
# p2 edited but keeps its quote; p3 loses its quote to p4; p4 loses its quote entirely.
SECOND = """# Sample

The sky was blue in 2020, they say.

Cats are lazy animals.

Dogs are quiet; cats sleep all day long.
"""


@pytest.fixture
def instructor(app):
    return signed_in(app, "ines", role="instructor")


def upload(client, url, name, content: bytes, **fields):
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "file": (io.BytesIO(content), name),
            "format": "auto", **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def upload_edition(client, url, name, content: bytes):
    """A new edition runs as a job (at once in the tests): the answer is the job's page."""
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "file": (io.BytesIO(content), name),
            "format": "auto"}
    return client.post(url, data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def add_sample(client):
    response = upload(client, "/instructor/authoring/documents/new", "sample.md",
                      FIRST.encode(), slug="sample")
    assert response.status_code == 302, response.text
    return response


def question(app, key, paragraph, quote):
    with app.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="sample")).scalar_one()
        entry = {"id": key, "type": "true_false", "prompt": f"{key}?", "answer": True,
                 "explanation": "So it says.", "source": {"paragraph": paragraph, "quote": quote}}
        checked = check_entry(entry, document_spec(document))
        assert checked.spec, checked.errors
        q = Question(key=key, document_id=document.id, position=paragraph)
        db.session.add(q)
        db.session.flush()
        write_version(q, checked.spec, "test")
        db.session.commit()


def submitted_attempt(app, **quiz_settings):
    """A learner, ann, who took a quiz of every question of the sample document and
    submitted it unanswered: her client and the attempt's address."""
    add_user(app, "ann")
    with app.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="sample")).scalar_one()
        db.session.add(Quiz(key="sample-quiz", document_id=document.id, title="Sample",
                            select={"all": True}, **quiz_settings))
        db.session.commit()
    learner = app.test_client()
    log_in(learner, "ann")
    page = learner.get("/quizzes/sample-quiz")
    attempt_url = learner.post("/quizzes/sample-quiz/start",
                               data={"csrf_token": csrf_token(page.text)}).location
    summary = learner.get(f"{attempt_url}/summary")
    learner.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    return learner, attempt_url


def test_a_markdown_upload_becomes_a_document_of_numbered_paragraphs(instructor):
    response = add_sample(instructor)
    assert response.location.endswith("/documents/sample")
    page = instructor.get(response.location).text
    assert "Added &#39;Sample&#39;: 4 paragraphs, p1 to p4." in page
    assert 'id="p3"' in page and "Cats sleep all day long." in page
    listing = instructor.get("/instructor/authoring/documents").text
    assert "sample" in listing


@pytest.mark.parametrize("name, content, message", [
    ("notes.pdf", b"%PDF-1.4", "is not a .txt or .md file"),
    ("latin.txt", "Title\nCaf\u00e9 au lait.\n".encode("latin-1"), "is not UTF-8 text: line 2"),
    ("blank.txt", b"\n\n", "the document has no paragraphs"),
    ("binary.txt", b"ab\x00cd", "not text"),
])
def test_bad_uploads_say_what_and_where(instructor, name, content, message):
    response = upload(instructor, "/instructor/authoring/documents/new", name, content)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")


def test_an_upload_over_the_size_limit_gets_a_clear_error(instructor, app):
    app.config["MAX_CONTENT_LENGTH"] = 4096  # small, so the test client keeps it in memory
    big = b"x" * 5000
    response = upload(instructor, "/instructor/authoring/documents/new", "big.txt", big)
    assert response.status_code == 413
    assert "The file is too large" in response.text and "Nothing was saved" in response.text
    assert "limited to 0.0 MiB" not in response.text


def test_documents_add_command(runner, app, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(FIRST, encoding="utf-8")
    result = runner.invoke(args=["documents", "add", str(path), "--slug", "notes"])
    assert result.exit_code == 0, result.output
    assert "Added document 'notes' (Sample): 4 paragraphs." in result.output
    result = runner.invoke(args=["documents", "add", str(path), "--slug", "notes"])
    assert result.exit_code == 1 and "a document named 'notes' exists already" in result.output


def test_a_new_edition_reanchors_in_all_three_cases(instructor, app):
    add_sample(instructor)
    question(app, "q-same", 2, "sky was blue")
    question(app, "q-move", 3, "sleep all day")
    question(app, "q-gone", 4, "bark at night")
    # A learner answers all three before the new edition.
    learner, attempt_url = submitted_attempt(app, shuffle_questions=False)
    before = learner.get(f"{attempt_url}/review").text
    assert "<mark>bark at night</mark>" in before

    response = upload_edition(instructor, "/instructor/authoring/documents/sample/edition", "v2.md",
                      SECOND.encode())
    assert response.status_code == 200, response.text
    text = response.text
    assert "Edition 2: 3 paragraphs changed, 0 added, 0 removed; 1 question unaffected, " \
           "1 re-anchored, 1 flagged for review." in text
    assert "q-move</a>: p3 → p4" in text
    assert "q-gone</a>: “bark at night” was in p4" in text
    with app.app_context():
        same, move, gone = (db.session.execute(db.select(Question).filter_by(key=k))
                            .scalar_one() for k in ("q-same", "q-move", "q-gone"))
        assert same.current.number == 1 and same.status == "active"
        assert move.current.number == 2 and move.status == "active"
        assert move.current.citations[0].paragraph.number == 4
        assert move.current.origin == "edition 2: re-anchored"
        assert gone.current.number == 1 and gone.status == "needs_review"
        assert "no longer found (p4)" in gone.note
        # Left out of new attempts.
        user = db.session.execute(db.select(User).filter_by(username="ann")).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key="sample-quiz")).scalar_one()
        attempt = start_attempt(user, quiz)
        assert sorted(r.version.question.key for r in attempt.responses) == ["q-move", "q-same"]
        db.session.rollback()

    # Old and new text side by side for the flagged question.
    review = instructor.get("/instructor/authoring/documents/sample/needs-review").text
    assert "Paragraph 4 of the earlier edition" in review
    assert "Dogs bark at night." in review and "Dogs are quiet; cats sleep all day long." in review
    # The past attempt still shows the text it was asked about.
    after = learner.get(f"{attempt_url}/review").text
    assert "Dogs <mark>bark at night</mark>." in after
    assert "Cats <mark>sleep all day</mark> long." in after

    # Fixing the flagged question makes it active again.
    page = instructor.get("/instructor/authoring/questions/q-gone/edit")
    assert "no longer found" in page.text
    data = {"csrf_token": csrf_token(page.text), "action": "save", "edit-key": "q-gone",
            "edit-prompt": "q-gone?", "edit-answer": "true", "edit-explanation": "So it says.",
            "edit-marks": "1", "edit-source-0-paragraph": "4",
            "edit-source-0-quote": "Dogs are quiet"}
    response = instructor.post("/instructor/authoring/questions/q-gone/edit", data=data)
    assert response.status_code == 302, response.text[:2000]
    with app.app_context():
        gone = db.session.execute(db.select(Question).filter_by(key="q-gone")).scalar_one()
        assert gone.status == "active" and gone.current.number == 2 and gone.note == ""


def test_inserted_paragraphs_renumber_without_touching_questions(instructor, app):
    add_sample(instructor)
    question(app, "q-cats", 3, "sleep all day")
    with app.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="sample")).scalar_one()
        inserted = FIRST.replace("# Sample\n", "# Sample\n\nAn opening line is new.\n")
        report = new_edition(document, inserted)
        db.session.commit()
        assert (report.added, report.changed, report.unchanged_questions) == (1, 0, 1)
        cats = db.session.execute(db.select(Question).filter_by(key="q-cats")).scalar_one()
        assert cats.current.number == 1
        assert cats.current.citations[0].paragraph.number == 4


def test_documents_update_command_reports_moves_and_flags(instructor, app, runner, tmp_path):
    add_sample(instructor)
    question(app, "q-move", 3, "sleep all day")
    question(app, "q-gone", 4, "bark at night")
    path = tmp_path / "v2.md"
    path.write_text(SECOND, encoding="utf-8")
    result = runner.invoke(args=["documents", "update", "sample", str(path)])
    assert result.exit_code == 0, result.output
    assert "moved q-move: p3 -> p4" in result.output
    assert 'needs review q-gone: quote from p4 not found: "bark at night"' in result.output


def test_bank_load_of_a_changed_shipped_document_flags_the_browsers_questions(typed_app):
    from pathlib import Path

    from quiz.docparse import parse_document
    source = Path(typed_app.config["QUESTIONS_DIR"]) / "nato-bih" / "source.txt"
    text = source.read_text(encoding="utf-8")
    number = next(b.number for b in parse_document(text, "text")
                  if "leading areas for cooperation" in b.text)
    with typed_app.app_context():
        document = db.session.execute(db.select(Document)).scalar_one()
        entry = {"id": "t-browser", "type": "true_false", "prompt": "SPS?", "answer": True,
                 "explanation": "It says so.",
                 "source": {"paragraph": number, "quote": "leading areas for cooperation"}}
        checked = check_entry(entry, document_spec(document))
        question = Question(key="t-browser", document_id=document.id, position=99)
        db.session.add(question)
        db.session.flush()
        write_version(question, checked.spec, "browser: ines")
        db.session.commit()
    source.write_text(text.replace("leading areas for cooperation", "main fields of work"),
                      encoding="utf-8")
    result = typed_app.test_cli_runner().invoke(args=["bank", "load"])
    assert result.exit_code == 0, result.output
    assert "document nato-bih: Edition 2: 1 paragraph changed" in result.output
    assert f'needs review t-browser: quote from p{number} not found' in result.output
    with typed_app.app_context():
        flagged = db.session.execute(db.select(Question).filter_by(key="t-browser")).scalar_one()
        assert flagged.status == "needs_review"
        bank = db.session.execute(db.select(Question).filter_by(key="t-single")).scalar_one()
        assert bank.status == "active" and bank.current.number == 1


def test_a_review_links_to_where_its_paragraph_is_in_the_latest_edition(instructor, app):
    add_sample(instructor)
    question(app, "q-cats", 3, "sleep all day")
    learner, attempt_url = submitted_attempt(app)
    source = ('Cats <mark>sleep all day</mark> long.</p></blockquote>\n      <figcaption>\n'
              '        <a href="/documents/sample?cite={}#p{}">Sample, paragraph {}</a>')
    with app.app_context():
        cite = db.session.execute(db.select(Question).filter_by(key="q-cats")
                                  ).scalar_one().current.citations[0].id
    assert source.format(cite, 3, 3) in learner.get(f"{attempt_url}/review").text
    # A paragraph added above it: the cited paragraph, unchanged, is p4 now.
    response = upload_edition(instructor, "/instructor/authoring/documents/sample/edition", "v2.md",
                      FIRST.replace("# Sample\n", "# Sample\n\nA new opening.\n").encode())
    assert response.status_code == 200, response.text
    assert source.format(cite, 4, 4) in learner.get(f"{attempt_url}/review").text


def test_a_quote_moved_far_in_a_long_rewritten_stretch_is_found(app):
    # Forty paragraphs all reworded and one more added (so they cannot pair by place):
    # each is paired with its new text nearby, and a quote that moved thirty paragraphs
    # down is found there, not flagged.
    from quiz.editions import add_document
    old = [f"Paragraph {i} tells of the council meeting number {i}." for i in range(40)]
    new = [f"Paragraph {i} tells, in new words, of council meeting number {i}."
           for i in range(40)]
    new.insert(20, "A paragraph that was not there before.")
    new[35] += " The summit was held in Riga."
    old[5] += " The summit was held in Riga."
    with app.app_context():
        document = add_document("# Long\n\n" + "\n\n".join(old), slug="long", fmt="markdown")
        entry = {"id": "riga", "type": "true_false", "prompt": "Riga?", "answer": True,
                 "explanation": "So it says.",
                 "source": {"paragraph": 7, "quote": "The summit was held in Riga."}}
        question = Question(key="riga", document_id=document.id, position=1)
        db.session.add(question)
        db.session.flush()
        write_version(question, check_entry(entry, document_spec(document)).spec, "test")
        report = new_edition(document, "# Long\n\n" + "\n\n".join(new), "markdown")
        db.session.commit()
        # (one neighbour pair is closer in wording than the right one: at most one miss)
        assert report.changed >= 39 and report.added - report.removed == 1
        assert [(m.key, m.old, m.new) for m in report.moved] == [("riga", 7, 37)]
        assert report.flagged == []


def _edition_switch(app, size: int, retire: int | None = None):
    """A document of ``size`` paragraphs, a question citing each; an edition rewording
    every paragraph's quote away (each question flagged) and inserting one paragraph at the
    top (each kept paragraph renumbered). Returns the switch's statements and the document's
    paragraphs and questions after it."""
    from quiz.editions import add_document, plan_edition, write_edition
    from quiz.models import RETIRED, Paragraph
    from tests.test_query_counts import counting
    old = [f"Paragraph {i} tells of meeting {i} in town {i}." for i in range(size)]
    new = ["A new first paragraph."] + [f"Paragraph {i} is rewritten." for i in range(size)]
    with app.app_context():
        document = add_document("# Long\n\n" + "\n\n".join(old), slug=f"long{size}",
                                fmt="markdown")
        for i in range(size):
            entry = {"id": f"q{size}-{i}", "type": "true_false", "prompt": f"Q{i}?", "answer": True,
                     "explanation": "So it says.",
                     "source": {"paragraph": i + 2, "quote": f"meeting {i} in town {i}"}}
            question = Question(key=f"q{size}-{i}", document_id=document.id, position=i,
                                status=RETIRED if i == retire else "active")
            db.session.add(question)
            db.session.flush()
            write_version(question, check_entry(entry, document_spec(document)).spec, "test")
        db.session.commit()
        plan = plan_edition(document, "# Long\n\n" + "\n\n".join(new), "markdown")
        db.session.rollback()
        with counting(app) as seen:
            write_edition(plan, lambda n: n == 0 and db.session.commit())
        db.session.commit()
        paragraphs = [(p.number, p.text) for p in db.session.execute(
            db.select(Paragraph).filter_by(document_id=document.id)
            .order_by(Paragraph.number)).scalars()]
        questions = {q.position: (q.status, q.note) for q in db.session.execute(
            db.select(Question).filter_by(document_id=document.id)).scalars()}
    return seen, paragraphs, questions


def test_an_editions_switch_is_a_few_statements_however_long_the_document(app):
    # The switch holds SQLite's write lock: it is set-based, so 10 and 60 paragraphs (and
    # as many flagged questions) take the same number of statements.
    small, paragraphs, questions = _edition_switch(app, 10, retire=3)
    large, _paragraphs, _questions = _edition_switch(app, 60)
    assert len(large) == len(small) <= 15
    assert paragraphs[:3] == [(1, "Long"), (2, "A new first paragraph."),
                              (3, "Paragraph 0 is rewritten.")]
    assert paragraphs[-1] == (12, "Paragraph 9 is rewritten.")
    assert questions[0][0] == "needs_review" and "no longer found (p2)" in questions[0][1]
    # A retired question is told what the edition did, and stays retired.
    assert questions[3][0] == "retired" and "no longer found (p5)" in questions[3][1]
