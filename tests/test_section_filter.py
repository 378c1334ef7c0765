"""The question list's Section select follows its Document select: the page carries every
listed document's sections, and in a browser choosing a document lists its sections at once."""
from __future__ import annotations

import json
import re

import pytest

from quiz.editions import add_document
from quiz.extensions import db
from tests.browser import CHROMIUM, chromium, chromium_present, serve
from tests.conftest import add_user, fixture_library, log_in, make_app

LIST = "/instructor/authoring/questions"
SECOND = ("# Field notes\n\nOpening words.\n\n## Early days\n\nFirst steps.\n\n"
          "## Evolution of relations\n\nThe same section slug as NATO's.\n\n"
          "## </script><b>Quoted</b>\n\nA title that must stay text.")


def sections_block(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="sections-by-document">(.*?)</script>',
                      html, re.S)
    assert found, "no sections block on the page"
    return json.loads(found.group(1))


def document_options(html: str) -> list[str]:
    select = re.search(r'<select id="f-document".*?</select>', html, re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


@pytest.fixture
def two_documents(typed_app):
    with typed_app.app_context():
        add_document(SECOND, slug="field-notes", fmt="markdown")
        db.session.commit()
    add_user(typed_app, "ines", role="instructor")
    client = typed_app.test_client()
    log_in(client, "ines")
    return client


def test_the_question_list_carries_each_listed_documents_sections(two_documents):
    html = two_documents.get(LIST).text
    block = sections_block(html)
    # Exactly the documents the Document select offers (authoring is not scoped by course:
    # every instructor writes for every document), each with its sections in order.
    assert sorted(block) == sorted(document_options(html)) == ["field-notes", "nato-bih"]
    titles = [title for _, title in block["nato-bih"]]
    assert titles.index("Evolution of relations") < titles.index("Key areas of cooperation")
    assert ["evolution-of-relations", "Evolution of relations"] in block["nato-bih"]
    assert [title for _, title in block["field-notes"]] == [
        "Field notes", "Early days", "Evolution of relations", "</script><b>Quoted</b>"]
    # A heading's words cannot close the data block: |tojson escapes < and >.
    assert "<b>Quoted</b>" not in html
    # Without JavaScript nothing changed: no document chosen, no sections listed.
    assert '<option value="">All (choose a document first)</option>\n' in html
    chosen = two_documents.get(LIST, query_string={"document": "field-notes"}).text
    assert '<option value="early-days">Early days</option>' in chosen
    assert ">Key areas of cooperation</option>" not in chosen


def test_a_new_quiz_lists_the_chosen_documents_sections_by_title(two_documents):
    html = two_documents.get("/instructor/authoring/quizzes/new?document=field-notes").text
    assert sorted(sections_block(html)) == ["field-notes", "nato-bih"]
    assert 'data-sections="sections-by-document" data-sections-target="section"' in html
    assert '<option value="early-days">Early days</option>' in html
    # A quiz keeps its document: its form has no document to choose, nor the block.
    edit = two_documents.get("/instructor/authoring/quizzes/all-types/edit").text
    assert 'id="sections-by-document"' not in edit
    assert '<option value="evolution-of-relations">Evolution of relations</option>' in edit


def test_learners_get_no_question_list(two_documents, typed_app):
    add_user(typed_app, "lena")
    client = typed_app.test_client()
    log_in(client, "lena")
    assert client.get(LIST).status_code in (403, 404)


sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")


@pytest.mark.skipif(not chromium_present(), reason=f"no Chromium at {CHROMIUM}")
def test_choosing_a_document_lists_its_sections_without_a_request(tmp_path):
    app = make_app(tmp_path, questions_dir=fixture_library(tmp_path, "all_types.yaml"),
                   TESTING=False)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    with app.app_context():
        add_document(SECOND, slug="field-notes", fmt="markdown")
        db.session.commit()
    add_user(app, "tina", "correct horse", role="instructor")
    expect = sync_api.expect
    with serve(app) as base, chromium(sync_api) as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Username").fill("tina")
        page.get_by_label("Password").fill("correct horse")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{base}{LIST}?document=nato-bih&section=evolution-of-relations")
        url = page.url
        requests = []
        # Pages and fetches only (a late favicon is no round trip for the sections).
        page.on("request", lambda request: request.resource_type in {
            "document", "fetch", "xhr"} and requests.append(request.url))
        section = page.locator("#f-section")
        expect(section).to_have_value("evolution-of-relations")
        page.get_by_label("Document").select_option("field-notes")
        expect(section.locator("option")).to_have_text(
            ["All", "Field notes", "Early days", "Evolution of relations",
             "</script><b>Quoted</b>"])
        # The chosen section exists in the new document too: it stays chosen.
        expect(section).to_have_value("evolution-of-relations")
        page.get_by_label("Document").select_option("")
        expect(section.locator("option")).to_have_text(["All (choose a document first)"])
        page.get_by_label("Document").select_option("nato-bih")
        expect(section.locator("option").nth(1)).to_be_attached()
        assert "Key areas of cooperation" in section.locator("option").all_text_contents()
        expect(section).to_have_value("")
        assert page.url == url and requests == []
        # The new quiz form's Section select follows its Document select the same way.
        page.goto(f"{base}/instructor/authoring/quizzes/new")
        page.wait_for_load_state("load")
        url, requests[:] = page.url, []
        quiz_section = page.get_by_label("Section", exact=True)
        page.get_by_label("Document", exact=True).select_option("field-notes")
        expect(quiz_section.locator("option")).to_have_text(
            ["(choose a section)", "Field notes", "Early days", "Evolution of relations",
             "</script><b>Quoted</b>"])
        assert page.url == url and requests == []
