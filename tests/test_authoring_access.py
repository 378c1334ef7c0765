"""Learners get 403 on every authoring page and action; visitors are sent to log in."""
import re

import pytest

from tests.conftest import add_user, csrf_token, log_in

SAMPLE = {"key": "t-single", "slug": "nato-bih", "number": "1", "job_id": "1"}


def authoring_urls(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("authoring."):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def test_the_authoring_blueprint_has_pages_and_actions(typed_app):
    urls = authoring_urls(typed_app)
    assert len(urls) >= 24
    assert ("POST", "/instructor/authoring/questions/t-single/retire") in urls


@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_every_authoring_page_and_action_is_for_instructors_only(typed_app, who):
    client = typed_app.test_client()
    if who == "learner":
        add_user(typed_app, "ann")
        log_in(client, "ann")
    token = csrf_token(client.get("/login" if who == "visitor" else "/").text)
    for method, url in authoring_urls(typed_app):
        response = client.open(url, method=method, data={"csrf_token": token})
        if who == "learner":
            assert response.status_code == 403, (method, url, response.status_code)
        else:
            assert response.status_code == 302 and "/login" in response.location, (method, url)
