"""Loading banks is all or nothing, idempotent, and keeps the versions attempts asked."""
from quiz.extensions import db
from quiz.models import Citation, Document, Paragraph, Question, QuestionVersion, Quiz
from tests.conftest import add_user, csrf_token, fixture_library, log_in, make_app


def counts(app):
    with app.app_context():
        return {model.__name__: db.session.execute(
            db.select(db.func.count()).select_from(model)).scalar_one()
            for model in (Document, Paragraph, Question, QuestionVersion, Citation, Quiz)}


def test_init_twice_changes_nothing(app, runner):
    before = counts(app)
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0
    assert "0 added, 0 updated" in result.output
    assert counts(app) == before
    assert before["Paragraph"] == 31 and before["Document"] == 1


def test_a_bank_with_one_error_loads_nothing(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    before = counts(app)
    bank = questions / "nato-bih" / "all_types.yaml"
    text = bank.read_text()
    # A new good question and a changed prompt, plus one bad quote further down.
    bank.write_text(text.replace("prompt: Order the forces.", "prompt: Order these forces.")
                    .replace('quote: "EUR 500,000"', 'quote: "EUR 600,000"'))
    result = runner.invoke(args=["bank", "load"])
    assert result.exit_code == 1
    assert "quote not found in p31" in result.output
    assert "nothing was loaded" in result.output
    assert counts(app) == before
    with app.app_context():
        assert db.session.execute(db.select(QuestionVersion.prompt).filter_by(
            prompt="Order these forces.")).first() is None


def test_a_changed_question_gets_a_new_version_and_old_attempts_keep_theirs(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    page = client.get("/quizzes/all-types")
    attempt_url = client.post("/quizzes/all-types/start",
                              data={"csrf_token": csrf_token(page.text)}).location

    bank = questions / "nato-bih" / "all_types.yaml"
    bank.write_text(bank.read_text().replace(
        "prompt: In which year did the country join PfP?",
        "prompt: When did Bosnia and Herzegovina join the Partnership for Peace?"))
    result = runner.invoke(args=["bank", "load"])
    assert result.exit_code == 0 and "1 updated" in result.output
    with app.app_context():
        question = db.session.execute(db.select(Question).filter_by(key="t-single")).scalar_one()
        assert question.current.number == 2
        assert len(db.session.execute(db.select(QuestionVersion).filter_by(
            question_id=question.id)).all()) == 2
    # The open attempt still asks the version it drew; a new attempt gets the new one.
    assert "In which year did the country join PfP?" in client.get(attempt_url).text
    summary = client.get(f"{attempt_url}/summary")
    client.post(f"{attempt_url}/submit", data={"csrf_token": csrf_token(summary.text)})
    assert "In which year did the country join PfP?" in client.get(f"{attempt_url}/review").text
    page = client.get("/quizzes/all-types")
    new_url = client.post("/quizzes/all-types/start",
                          data={"csrf_token": csrf_token(page.text)}).location
    assert "When did Bosnia and Herzegovina join" in client.get(new_url).text


def test_questions_are_never_deleted_when_they_leave_the_bank(tmp_path):
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    bank = questions / "nato-bih" / "all_types.yaml"
    text = bank.read_text()
    start = text.index("  - id: t-match")
    quizzes = text[text.index("quizzes:"):].replace(", t-match]", "]")  # and from the list
    bank.write_text(text[:start] + quizzes)
    assert runner.invoke(args=["bank", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(db.select(Question).filter_by(key="t-match")).scalar_one()


def test_users_create_makes_an_instructor(runner, app):
    result = runner.invoke(args=["users", "create", "teacher", "--instructor"],
                           input="long enough\nlong enough\n")
    assert result.exit_code == 0, result.output
    assert "Created instructor 'teacher'" in result.output
    result = runner.invoke(args=["users", "create", "teacher"], input="long enough\nlong enough\n")
    assert result.exit_code == 1 and "is taken" in result.output
    result = runner.invoke(args=["users", "create", "kid"], input="short\nshort\n")
    assert result.exit_code == 1 and "use at least 8" in result.output
    client = app.test_client()
    log_in(client, "teacher", "long enough")
    assert client.get("/instructor/attempts").status_code == 200


def load_changed(tmp_path, change, before_reload=None):
    """Init the all-types bank, apply ``change`` to its text, load again; the app and output."""
    questions = fixture_library(tmp_path, "all_types.yaml")
    app = make_app(tmp_path, questions_dir=questions)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    if before_reload:
        with app.app_context():
            before_reload()
            db.session.commit()
    bank = questions / "nato-bih" / "all_types.yaml"
    bank.write_text(change(bank.read_text()))
    result = runner.invoke(args=["bank", "load"])
    assert result.exit_code == 0, result.output
    return app, result.output


def question(key):
    return db.session.execute(db.select(Question).filter_by(key=key)).scalar_one()


def test_changed_and_new_questions_get_their_versions_and_citations(tmp_path):
    app, output = load_changed(tmp_path, lambda text: text.replace(
        "prompt: Order the forces.", "prompt: Put the forces in order.").replace(
        "prompt: Match the acronyms.", "prompt: Match each acronym.").replace(
        "  - id: t-tf\n", "  - id: t-tf-new\n").replace("t-tf, ", "t-tf-new, "))
    assert "1 added, 3 updated" in output  # two questions, and the quiz that lists them
    with app.app_context():
        order, match, new = question("t-order"), question("t-match"), question("t-tf-new")
        assert (order.current.number, order.current.prompt) == (2, "Put the forces in order.")
        assert [(c.paragraph.number, c.part) for c in order.current.citations] == [
            (10, ""), (10, "item 1"), (10, "item 2"), (11, "item 3")]
        assert (match.current.number, match.current.prompt) == (2, "Match each acronym.")
        assert (new.current.number, new.status, new.position) == (1, "active", 2)
        assert [c.quote for c in new.current.citations] == [
            "does not prejudge any decision on future membership"]
        assert new.current.citations[0].paragraph_text == new.current.citations[0].paragraph.text
        assert question("t-tf").current.number == 1  # left the bank, still there


def test_a_flagged_question_fixed_in_the_bank_is_active_again(tmp_path):
    def flag():
        for key in ("t-single", "t-multi"):
            question(key).status, question(key).note = "needs_review", "quote gone"

    app, output = load_changed(tmp_path, lambda text: text.replace(
        "In which year did the country join PfP?", "When did the country join PfP?"), flag)
    assert "0 added, 1 updated" in output
    with app.app_context():
        fixed, untouched = question("t-single"), question("t-multi")
        assert (fixed.status, fixed.note, fixed.detail) == ("active", "", None)
        assert fixed.current.prompt == "When did the country join PfP?"
        assert (untouched.status, untouched.note) == ("needs_review", "quote gone")


def test_a_status_in_the_bank_wins_over_reactivation(tmp_path):
    app, output = load_changed(tmp_path, lambda text: text.replace(
        "In which year did the country join PfP?", "When did the country join PfP?\n"
        "    status: retired").replace("  - id: t-multi\n", "  - id: t-multi\n"
                                      "    status: retired\n"))
    assert "0 added, 1 updated" in output
    with app.app_context():
        assert question("t-single").status == "retired"
        assert question("t-single").current.number == 2
        assert question("t-multi").status == "retired"
        assert question("t-multi").current.number == 1
