"""Export and import: bank YAML, GIFT, Moodle XML and Aiken, each read back to the same."""
import io
import shutil

import pytest
from defusedxml.ElementTree import fromstring

from quiz.attempts import start_attempt
from quiz.entries import check_entry, document_spec
from quiz.extensions import db
from quiz.models import Document, Question, Quiz, User
from quiz.versions import write_version
from tests.conftest import SEED, add_user, csrf_token, fixture_library, log_in, make_app


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


def export(app, fmt, tmp_path, name="out"):
    path = tmp_path / f"{name}.{fmt}"
    result = cli(app, "bank", "export", "--format", fmt, "--document", "nato-bih", "-o",
                 str(path))
    assert result.exit_code == 0, result.output
    return path, result.output


def by_key(app) -> dict:
    with app.app_context():
        rows = db.session.execute(db.select(Question)).scalars().all()
        return {q.key: (q.status, q.current.type, q.current.prompt, q.current.data,
                        q.current.explanation, q.current.tags, q.current.marks,
                        q.current.content_hash) for q in rows}


def empty_app(tmp_path, name):
    """An app whose only document is the seed document, with no bank."""
    folder = tmp_path / name / "nato-bih"
    folder.mkdir(parents=True)
    for file in ("source.txt", "document.yaml"):
        shutil.copy(SEED.parent / file, folder / file)
    app = make_app(tmp_path / name, questions_dir=folder.parent)
    assert cli(app, "init").exit_code == 0
    return app, folder


def browser_question(app):
    with app.app_context():
        document = db.session.execute(db.select(Document)).scalars().first()
        entry = {"id": "made-in-browser", "type": "ordering", "prompt": "Order the forces.",
                 "items": [{"text": "IFOR", "source": {"paragraph": 10, "quote": "IFOR"}},
                           "SFOR", "EUFOR"], "explanation": "1995, 1996, 2004.",
                 "tags": ["forces"], "marks": 2,
                 "source": [{"paragraph": 10, "quote": "replaced a year later"},
                            {"paragraph": 11, "quote": "In December 2004"}]}
        checked = check_entry(entry, document_spec(document))
        assert checked.spec, checked.errors
        question = Question(key="made-in-browser", document_id=document.id, position=999)
        db.session.add(question)
        db.session.flush()
        write_version(question, checked.spec, "browser: ines")
        retired = db.session.execute(db.select(Question).filter_by(
            key="bih-pfp-year")).scalar_one()
        retired.status = "retired"
        quiz = db.session.execute(db.select(Quiz)).scalars().first()
        quiz.time_limit, quiz.attempts_allowed = 30, 2
        db.session.commit()
        return quiz.key


def test_yaml_export_loads_back_to_the_same_questions_and_quizzes(app, tmp_path):
    quiz_key = browser_question(app)
    path, output = export(app, "yaml", tmp_path)
    with app.app_context():  # every shipped question, the retired one and the browser's
        total = db.session.execute(db.select(db.func.count()).select_from(Question)).scalar_one()
    assert total > 100 and f"Exported {total} questions as yaml" in output
    original = by_key(app)
    copy, folder = empty_app(tmp_path, "copy")
    shutil.copy(path, folder / "exported.yaml")
    result = cli(copy, "bank", "load")
    assert result.exit_code == 0, result.output
    assert by_key(copy) == original
    with copy.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key=quiz_key)).scalar_one()
        assert (quiz.time_limit, quiz.attempts_allowed) == (30, 2)
    # Loading the export again changes nothing.
    result = cli(copy, "bank", "load")
    assert "0 added, 0 updated" in result.output


def test_yaml_export_reports_what_it_leaves_out(app, tmp_path):
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(
            key="bih-psotc")).scalar_one()
        question.status = "needs_review"
        db.session.commit()
    _path, output = export(app, "yaml", tmp_path)
    assert "not exported: bih-psotc (needs review: it has no checked source to write)" in output


@pytest.fixture
def typed(typed_app):
    return typed_app


def test_gift_export_parses_with_an_independent_gift_parser(typed, tmp_path):
    gift_parser = pytest.importorskip("pygiftparser.parser",
                                      reason="pip install pygiftparserrgmf (the test extra)")
    path, output = export(typed, "gift", tmp_path)
    assert "not exported: t-order (ordering: GIFT has no such question type)" in output
    assert "exported without: t-numeric: unit 'EUR' (GIFT numbers have no unit)" in output
    text = path.read_text(encoding="utf-8")
    parsed = gift_parser.parse(text)
    kinds = {q.name: type(q.answer).__name__ for q in parsed.questions}
    assert set(kinds) == {"t-single", "t-multi", "t-tf", "t-short", "t-numeric", "t-match"}
    assert kinds["t-single"] == "MultipleChoiceRadio"
    assert kinds["t-multi"] == "MultipleChoiceCheckbox"
    assert kinds["t-tf"] == "TrueFalse"
    assert kinds["t-short"] == "Short"
    assert kinds["t-numeric"] == "Numerical"
    multi = next(q for q in parsed.questions if q.name == "t-multi")
    assert sorted(o.percentage for o in multi.answer.options) == [-0.5, -0.5, 0.5, 0.5]
    single = next(q for q in parsed.questions if q.name == "t-single")
    assert [(o.prefix, o.text) for o in single.answer.options][:2] == [("=", "2006"),
                                                                      ("~", "2010")]
    # The citation travels in the general feedback (and in a comment).
    assert 'Source: Relations with Bosnia and Herzegovina (nato-bih), p12: "joined the ' \
           'Partnership for Peace (PfP) programme in 2006"' in text.replace("\\:", ":")


def import_file(app, path, fmt):
    return cli(app, "bank", "import", str(path), "--format", fmt, "--document", "nato-bih")


@pytest.mark.parametrize("fmt, lost", [
    ("gift", {"t-order"}),
    ("moodle-xml", set()),
])
def test_export_then_import_gives_the_same_questions_as_drafts(typed, tmp_path, fmt, lost):
    path, _ = export(typed, fmt, tmp_path)
    original = by_key(typed)
    target, _folder = empty_app(tmp_path, f"import-{fmt}")
    result = import_file(target, path, fmt)
    assert result.exit_code == 0, result.output
    assert "as drafts that need a source" in result.output
    imported = by_key(target)
    assert set(imported) == set(original) - lost
    for key, (status, qtype, prompt, data, explanation, tags, marks, _h) in imported.items():
        o_status, o_type, o_prompt, o_data, o_explanation, o_tags, o_marks, _ = original[key]
        assert status == "draft" and (qtype, prompt, explanation) == (o_type, o_prompt,
                                                                      o_explanation), key
        if fmt == "gift" and key == "t-numeric":
            assert data == dict(o_data, unit="")
        elif fmt == "gift" and key == "t-match":
            assert data["lefts"] == o_data["lefts"]
        else:
            assert data == o_data, key
        if fmt == "moodle-xml":
            assert (tags, marks) == (o_tags, o_marks)
    with target.app_context():
        question = db.session.execute(db.select(Question).filter_by(
            key="t-single")).scalar_one()
        assert question.current.citations == []
        assert question.detail["suggested"] == [{
            "paragraph": 12, "quote": "joined the Partnership for Peace (PfP) programme in 2006",
            "part": ""}]


def test_importing_ones_own_export_back_skips_every_question_when_asked(typed, tmp_path):
    """The issue's case: an export imported back into its own bank made a duplicate draft
    of every question."""
    path, _ = export(typed, "moodle-xml", tmp_path)
    before = by_key(typed)
    result = cli(typed, "bank", "import", str(path), "--format", "moodle-xml", "--document",
                 "nato-bih", "--skip-duplicates")
    assert result.exit_code == 0, result.output
    assert "Imported 0 questions" in result.output
    assert f"Skipped {len(before)} questions already in the bank" in result.output
    assert "skipped: line " in result.output and "is the same question as 't-single'" \
        in result.output
    assert by_key(typed) == before
    again = import_file(typed, path, "moodle-xml")   # without the option: kept, and named
    assert f"{len(before)} imported questions repeat one already in the bank" in again.output
    assert len(by_key(typed)) == 2 * len(before)


def test_drafts_never_enter_quizzes_until_a_confirmed_source_is_published(tmp_path, typed):
    path, _ = export(typed, "moodle-xml", tmp_path)
    target, _folder = empty_app(tmp_path, "drafts")
    assert import_file(target, path, "moodle-xml").exit_code == 0
    add_user(target, "ann")
    add_user(target, "ines", role="instructor")
    with target.app_context():
        document = db.session.execute(db.select(Document)).scalar_one()
        db.session.add(Quiz(key="everything", document_id=document.id, title="All",
                            select={"all": True}))
        db.session.commit()
        user = db.session.execute(db.select(User).filter_by(username="ann")).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key="everything")).scalar_one()
        with pytest.raises(Exception, match="everything"):
            start_attempt(user, quiz)
        db.session.rollback()
    client = target.test_client()
    log_in(client, "ines")
    page = client.get("/instructor/authoring/questions/t-single/edit")
    assert "Imported from" in page.text
    assert "joined the Partnership for Peace (PfP) programme in 2006</textarea>" in page.text
    fields = {"csrf_token": csrf_token(page.text), "action": "save", "edit-key": "t-single",
              "edit-prompt": "In which year did the country join PfP?",
              "edit-choices-0-text": "2006", "edit-choices-1-text": "2010",
              "edit-choices-1-feedback": "That is the MAP invitation.",
              "edit-choices-2-text": "2004", "edit-answer": "2006",
              "edit-explanation": "PfP in 2006.", "edit-marks": "1",
              "edit-source-0-paragraph": "12",
              "edit-source-0-quote": "joined the Partnership for Peace (PfP) programme in 2006"}
    response = client.post("/instructor/authoring/questions/t-single/edit", data=fields)
    assert response.status_code == 302, response.text[:2000]
    with target.app_context():
        question = db.session.execute(db.select(Question).filter_by(
            key="t-single")).scalar_one()
        assert question.status == "draft" and question.current.number == 2
        assert question.note == ""  # the source it asked for is there
        user = db.session.execute(db.select(User).filter_by(username="ann")).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key="everything")).scalar_one()
        with pytest.raises(Exception, match="everything"):
            start_attempt(user, quiz)
        db.session.rollback()
    page = client.get("/instructor/authoring/questions/t-single")
    response = client.post("/instructor/authoring/questions/t-single/publish",
                           data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert "is published" in client.get(response.location).text
    with target.app_context():
        question = db.session.execute(db.select(Question).filter_by(
            key="t-single")).scalar_one()
        assert question.status == "active"
        user = db.session.execute(db.select(User).filter_by(username="ann")).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(key="everything")).scalar_one()
        attempt = start_attempt(user, quiz)
        assert [r.version.question.key for r in attempt.responses] == ["t-single"]
        db.session.rollback()


def test_moodle_xml_export_follows_moodles_structure(typed, tmp_path):
    path, _ = export(typed, "moodle-xml", tmp_path)
    root = fromstring(path.read_bytes())
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category"
    types = {q.findtext("name/text"): q.get("type") for q in questions[1:]}
    assert types == {"t-single": "multichoice", "t-multi": "multichoice", "t-tf": "truefalse",
                     "t-short": "shortanswer", "t-numeric": "numerical", "t-order": "ordering",
                     "t-match": "matching"}
    q = {q.findtext("name/text"): q for q in questions[1:]}
    single = q["t-single"]
    assert single.findtext("single") == "true"
    assert [a.get("fraction") for a in single.findall("answer")] == ["100", "0", "0"]
    assert single.find("answer[2]/feedback/text").text == "That is the MAP invitation."
    assert "Source: Relations with Bosnia and Herzegovina (nato-bih), p12" in single.findtext(
        "generalfeedback/text")
    assert single.find("questiontext").get("format") == "html"
    multi = q["t-multi"]
    assert multi.findtext("single") == "false"
    assert sorted(float(a.get("fraction")) for a in multi.findall("answer")) == [-50, -50, 50, 50]
    tf = q["t-tf"]
    assert {a.findtext("text"): a.get("fraction") for a in tf.findall("answer")} == {
        "true": "0", "false": "100"}
    numeric = q["t-numeric"]
    assert numeric.findtext("answer/tolerance") == "0"
    assert numeric.findtext("units/unit/unit_name") == "EUR"
    match = q["t-match"]
    subs = [(s.findtext("text"), s.findtext("answer/text")) for s in match.findall("subquestion")]
    assert not subs[-1][0] and subs[-1][1] == "Science for Peace and Security"
    order = q["t-order"]
    assert [a.findtext("text") for a in order.findall("answer")] == [
        "IFOR", "SFOR", "EUFOR Operation Althea"]
    for question in questions[1:]:
        for tag in ("questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden"):
            assert question.find(tag) is not None, (question.findtext("name/text"), tag)


def test_aiken_round_trip_of_single_choice_questions(typed, tmp_path):
    path, output = export(typed, "aiken", tmp_path)
    assert "not exported: t-multi (multiple_response: Aiken holds only single choice" in output
    assert path.read_text().startswith("In which year did the country join PfP?\nA. 2006\n")
    target, _ = empty_app(tmp_path, "aiken")
    result = import_file(target, path, "aiken")
    assert result.exit_code == 0, result.output
    [(key, row)] = by_key(target).items()
    assert key == "nato-bih-imported" and row[1] == "single_choice"
    assert [c["text"] for c in row[3]["choices"]] == ["2006", "2010", "2004"]


@pytest.mark.parametrize("fmt, content, expected", [
    ("moodle-xml", b"<quiz>\n<question type='truefalse'>\n</quiz>",
     "f.moodle-xml:3: not well-formed XML: mismatched tag"),
    ("moodle-xml",
     b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY big "x">]>\n<quiz>&big;</quiz>',
     "refused: the file declares EntitiesForbidden"),
    ("moodle-xml", b"<quiz>\n<question type='multichoice'><name><text>q</text></name>\n"
     b"<questiontext><text>Q?</text></questiontext><single>true</single>\n"
     b"<answer fraction='50'><text>a</text></answer>"
     b"<answer fraction='50'><text>b</text></answer></question></quiz>",
     "f.moodle-xml:2: question 'q': a single-answer multichoice needs exactly one answer"),
    ("gift", b"::a::Good?{=yes ~no}\n\n::b::Broken?{=yes ~no\n",
     "f.gift:3: question 'b': '{' opens the answers but no '}' closes them"),
    ("gift", b"::a::Good?{=yes ~no}\n\n::c::Which?{~x ~y}\n",
     "f.gift:3: question 'c': no right answer"),
    ("gift", b"::d::Which is right?{=yes =yes ~no}\n",
     "choice 'yes' appears twice"),
    ("aiken", b"Question one?\nA. a\nB. b\nANSWER: C\n",
     "f.aiken:4: ANSWER: C is not one of the options (A, B)"),
    ("aiken", b"Question one?\nA. a\nB. b\n", "f.aiken:1: question 'Question one?' has no"),
    ("gift", "caf\u00e9 {=a ~b}".encode("latin-1"), "f.gift:1: not UTF-8 text"),
    ("gift", b"::n::How many?{#1e999:0}\n", "f.gift:1: question 'n': '1e999:0' is not a finite"),
])
def test_malformed_files_say_line_and_reason_and_write_nothing(typed, tmp_path, fmt, content,
                                                               expected):
    path = tmp_path / f"f.{fmt}"
    path.write_bytes(content)
    before = by_key(typed)
    result = import_file(typed, path, fmt)
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "nothing was imported" in result.output
    assert by_key(typed) == before


def test_unmapped_questions_are_reported_by_name_never_dropped_silently(typed, tmp_path):
    path = tmp_path / "mixed.gift"
    path.write_text("::essay-one::Discuss NATO.{}\n\n::ok-one::PfP year?{=2006 ~2010}\n\n"
                    "Just a description.\n", encoding="utf-8")
    result = import_file(typed, path, "gift")
    assert result.exit_code == 0, result.output
    assert "not imported: line 1: 'essay-one' (an essay question: no such type here)" \
        in result.output
    assert "not imported: line 5: 'Just a description.' (a description" in result.output
    path = tmp_path / "mixed.xml"
    path.write_text("<quiz><question type='essay'><name><text>Essay two</text></name>"
                    "<questiontext><text>Why?</text></questiontext></question>"
                    "<question type='multianswer'><name><text>Cloze</text></name>"
                    "<questiontext><text>x</text></questiontext></question></quiz>")
    result = import_file(typed, path, "moodle-xml")
    assert "not imported: line 1: 'Essay two' (essay: no such question type here)" \
        in result.output
    assert "'Cloze' (multianswer: no such question type here)" in result.output


def test_import_and_export_in_the_browser(typed, tmp_path):
    add_user(typed, "ines", role="instructor")
    client = typed.test_client()
    log_in(client, "ines")
    page = client.get("/instructor/authoring/transfer")
    assert page.status_code == 200
    response = client.get("/instructor/authoring/transfer/export?document=nato-bih&format=gift")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="nato-bih.gift.txt"'
    assert "t-order (ordering: GIFT has no such question type)" in response.headers[
        "X-Export-Report"]
    check = client.get("/instructor/authoring/transfer/export/report?document=nato-bih"
                       "&format=gift").text
    assert "t-order (ordering: GIFT has no such question type)" in check
    data = {"csrf_token": csrf_token(page.text), "format": "gift", "document": "nato-bih",
            "file": (io.BytesIO(b"::new-q::Year?{=2006 ~2010}\n"), "new.gift")}
    response = client.post("/instructor/authoring/transfer", data=data,
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "Imported 1 question as drafts that need a source." in response.text
    assert "<strong class=\"job-state job-done\">Done</strong>" in response.text
    data["file"] = (io.BytesIO(b"::bad::Year?{=2006 ~2010\n"), "bad.gift")
    response = client.post("/instructor/authoring/transfer", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "bad.gift:1: question &#39;bad&#39;: &#39;{&#39; opens the answers" in response.text
    listing = client.get("/instructor/authoring/questions?status=draft").text
    assert "new-q" in listing and "needs source" in listing


def test_export_without_document_needs_one_when_several_exist(typed, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nA paragraph.\n", encoding="utf-8")
    assert cli(typed, "documents", "add", str(path)).exit_code == 0
    result = cli(typed, "bank", "export")
    assert result.exit_code == 0  # only one document has questions
    assert "document: nato-bih" in result.output
    with typed.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="notes")).scalar_one()
        db.session.add(Question(key="x-draft", document_id=document.id, status="draft"))
        db.session.commit()
    result = cli(typed, "bank", "export")
    assert result.exit_code == 1
    assert "choose a document with --document (documents with questions: nato-bih, notes)" \
        in result.output


def test_fixture_library_is_untouched(tmp_path):
    assert fixture_library(tmp_path, "all_types.yaml").is_dir()


NOTES = """# Field notes

## Weather

The sky was blue in 2020.

- Rain fell on Monday.
- Snow fell on Friday.

## Animals

Cats sleep all day long.
"""


def test_a_browser_document_and_its_questions_round_trip_through_files(typed, tmp_path):
    source = tmp_path / "notes.md"
    source.write_text(NOTES, encoding="utf-8")
    assert cli(typed, "documents", "add", str(source), "--slug", "notes").exit_code == 0
    with typed.app_context():
        document = db.session.execute(db.select(Document).filter_by(slug="notes")).scalar_one()
        entry = {"id": "notes-order", "type": "ordering", "prompt": "Order the days.",
                 "items": [{"text": "Rain", "source": [{"paragraph": 4, "quote": "Monday"}]},
                           {"text": "Snow", "source": {"paragraph": 5, "quote": "Friday"}},
                           "Sun"],
                 "explanation": "Monday, then Friday.",
                 "source": {"paragraph": 3, "quote": "sky was blue"}}
        checked = check_entry(entry, document_spec(document))
        assert checked.spec, checked.errors
        question = Question(key="notes-order", document_id=document.id, position=1)
        db.session.add(question)
        db.session.flush()
        write_version(question, checked.spec, "browser: ines")
        db.session.add(Quiz(key="notes-quiz", document_id=document.id, title="Notes",
                            select={"section": "weather"}))
        db.session.commit()
    folder = tmp_path / "library" / "notes"
    result = cli(typed, "documents", "export", "notes", str(folder))
    assert result.exit_code == 0, result.output
    result = cli(typed, "bank", "export", "--document", "notes", "-o", str(folder / "bank.yaml"))
    assert result.exit_code == 0, result.output
    original = {k: v for k, v in by_key(typed).items() if k.startswith("notes")}
    (tmp_path / "copy").mkdir()
    copy = make_app(tmp_path / "copy", questions_dir=folder.parent)
    result = cli(copy, "init")
    assert result.exit_code == 0, result.output
    assert by_key(copy) == original
    with copy.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(key="notes-quiz")).scalar_one()
        assert quiz.select == {"section": "weather"}


def test_a_shipped_document_is_rebuilt_to_the_same_paragraphs(typed, tmp_path):
    from quiz.docparse import parse_document
    from quiz.interchange.documentfiles import source_of
    with typed.app_context():
        document = db.session.execute(db.select(Document)).scalar_one()
        text, fmt = source_of(document)
        assert fmt == "markdown"
        rebuilt = [(b.number, b.kind, b.text, b.level, b.section)
                   for b in parse_document(text, fmt)]
        stored = [(p.number, p.kind, p.text, p.level, p.section) for p in document.paragraphs]
        assert rebuilt == stored
