"""Actions look alike: where a link sits in a row of buttons, it wears the shared
``button`` class (static/quiz.css), so it has a button's box, colours and focus ring."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from quiz.extensions import db
from quiz.models import Course
from tests.answering import choose
from tests.conftest import csrf_token
from tests.test_learner_flow import answer, start

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Elements that hold a page's parts, never a single row of actions.
PAGE_PARTS = {"#document", "html", "body", "main", "header", "footer", "section", "article",
              "aside", "nav"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: Element | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.root = self.open = Element("#document", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_endtag(self, tag):
        element = self.open
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.open = element.parent


def links_beside_buttons(html: str) -> list[tuple[str, bool]]:
    """Each link whose row (its parent, or the list when it is a list item) is a row of
    ``actions`` or holds a button that looks like one: (its href, whether it carries the
    ``button`` class)."""
    found = []
    for element in Tree(html).root.walk():
        if element.tag != "a":
            continue
        row = element.parent
        if row.tag == "li" and row.parent is not None:
            row = row.parent
        if row.tag in PAGE_PARTS:  # a skip link beside the page, not a row of actions
            continue
        if "actions" in row.classes() or any(
                e.tag == "button" and "link-button" not in e.classes() for e in row.walk()):
            found.append((element.attrs.get("href", ""), "button" in element.classes()))
    return found


def test_the_checker_finds_a_plain_link_beside_a_button():
    bad = '<div class="actions"><form><button>Save</button></form><a href="/x">Cancel</a></div>'
    good = bad.replace('<a href', '<a class="button" href')
    prose = '<p>See <a href="/doc">the document</a>.</p><form><button>Save</button></form>'
    skip = '<body><a href="#content">Skip</a><main><form><button>Go</button></form></main></body>'
    assert links_beside_buttons(bad) == [("/x", False)]
    assert links_beside_buttons(good) == [("/x", True)]
    assert links_beside_buttons(prose) == links_beside_buttons(skip) == []


@pytest.fixture
def pages(typed_app, people):
    """The pages whose action rows mix links and buttons, as their users see them."""
    ann, teacher = people["ann"], people["teacher"]
    url = start(ann)
    answer(ann, url, 1, choose("2006"))
    summary = ann.get(f"{url}/summary")
    ann.post(f"{url}/submit", data={"csrf_token": csrf_token(summary.text), "confirm": "1"})
    with typed_app.app_context():
        code = db.session.execute(db.select(Course.enrolment_code)).scalar_one()
    return {
        "a question (Edit beside Retire)": (teacher, "/instructor/authoring/questions/t-order"),
        "attempts, filtered (Show every attempt beside Filter)":
            (teacher, "/instructor/attempts?quiz=all-types"),
        "gradebook (downloads)": (teacher, "/instructor/gradebook"),
        "join link (Not now beside Join)": (ann, f"/join/{code}"),
        "home": (ann, "/"), "quiz": (ann, "/quizzes/all-types"),
        "summary": (ann, f"{start(ann)}/summary"), "review": (ann, f"{url}/review"),
        "a course": (teacher, "/instructor/courses/open"),
        "questions": (teacher, "/instructor/authoring/questions"),
        "quiz builder": (teacher, "/instructor/authoring/quizzes/two-random/build"),
        "quiz overview": (teacher, "/instructor/quizzes/all-types"),
    }


def test_links_in_a_row_of_buttons_look_like_buttons(pages):
    plain, checked = [], 0
    for name, (client, path) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        for href, styled in links_beside_buttons(response.text):
            checked += 1
            if not styled:
                plain.append(f"{name}: {href}")
    assert not plain, "plain links beside buttons:\n" + "\n".join(plain)
    # The rows changed are all found: Edit, Show every attempt, Not now and the downloads.
    assert checked >= 5
