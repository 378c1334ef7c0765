"""Random, oversized, empty, wrong-typed and non-UTF-8 input never gets a 5xx, and
leaves the database consistent. Requests carry a valid CSRF token, so they reach the
views rather than stopping at the token check."""
import re
import string
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from quiz.extensions import db
from tests.conftest import add_user, csrf_token, log_in

FIELDS = ["username", "password", "confirm", "answer", "seq", "go", "q", "position-0",
          "position-1", "match-0", "match-1", "title", "prompt", "quote", "paragraph",
          "choices", "format", "document", "sort", "dir", "page", "next", "cite", "quiz",
          "type", "tag", "status", "search"]
junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits + "-.eE", max_size=12),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "nan", "true", "null",
                     "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\x00", "ä" * 3000,
                     "next", "prev", "summary", "stay", "1e308"]),
)
forms = st.dictionaries(st.sampled_from(FIELDS), st.one_of(junk, st.lists(junk, max_size=3)),
                        max_size=6)
raw_bodies = st.binary(max_size=300)


def routes(app):
    """Every URL rule, with its converters filled by random-ish values."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def fill(rule, value):
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", quote(str(value), safe=""), path)
    return path


def check_consistency(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_key_check")).first() is None
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with db.engine.connect() as connection:
            open_twice = connection.execute(text(
                "SELECT user_id, quiz_id FROM attempt WHERE state = 'in_progress' "
                "GROUP BY user_id, quiz_id HAVING count(*) > 1")).first()
            assert open_twice is None
            ungraded = connection.execute(text(
                "SELECT id FROM attempt WHERE state = 'finished' AND marks IS NULL")).first()
            assert ungraded is None


def test_random_forms_on_every_route_never_get_a_5xx(app):
    add_user(app, "ann")
    add_user(app, "teacher", role="instructor")
    clients = {"anonymous": app.test_client(), "ann": app.test_client(),
               "teacher": app.test_client()}
    log_in(clients["ann"], "ann")
    log_in(clients["teacher"], "teacher")
    start = clients["ann"].get("/quizzes/evolution")
    clients["ann"].post("/quizzes/evolution/start", data={"csrf_token": csrf_token(start.text)})
    tokens = {who: csrf_token(c.get("/login" if who == "anonymous" else "/").text)
              for who, c in clients.items()}
    rules = routes(app)

    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(rule=st.sampled_from(rules), who=st.sampled_from(sorted(clients)),
           arg=st.one_of(st.integers(-5, 10**12), junk, st.just("evolution"),
                         st.just("nato-bih")),
           form=forms, query=forms)
    def one_request(rule, who, arg, form, query):
        path = fill(rule, arg)
        client = clients[who]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = dict(form, csrf_token=tokens[who]) if method != "GET" else None
            response = client.open(path, method=method, data=data, query_string=query)
            response.close()
            assert response.status_code < 500, (method, path, who, form, query)

    one_request()
    check_consistency(app)


def test_non_utf8_and_oversized_bodies_are_refused_cleanly(app):
    add_user(app, "ann")
    client = app.test_client()
    log_in(client, "ann")
    token = csrf_token(client.get("/").text)

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=raw_bodies)
    def raw(body):
        for path in ("/login", "/register", "/quizzes/evolution/start", "/logout"):
            payload = b"csrf_token=" + token.encode() + b"&username=" + body + b"&answer=" + body
            response = client.post(path, data=payload,
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, (path, body)

    raw()
    huge = client.post("/register", data={"username": "x" * (3 * 1024 * 1024)})
    assert huge.status_code == 413
    check_consistency(app)
