"""`flask bank coverage`: questions per paragraph, by type, with thin paragraphs flagged."""
from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
import yaml

from tests.conftest import ROOT, make_app

SEED_DIR = ROOT / "questions" / "nato-bih"
LINES = (SEED_DIR / "source.txt").read_text(encoding="utf-8").splitlines()
HEADINGS = {1, 9, 15, 17, 24, 26}
LEAD_IN = 16
CONTENT = [n for n in range(1, len(LINES) + 1) if n not in HEADINGS]  # lead-in included


def as_list(source):
    return source if isinstance(source, list) else [source]


def independent_count(folder):
    """Per paragraph number: a Counter of the types of the questions citing it (once each)."""
    per_paragraph: dict[int, Counter] = {}
    per_type: Counter = Counter()
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "document.yaml":
            continue
        for q in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions") or []:
            per_type[q["type"]] += 1
            cites = as_list(q["source"])
            for part in q.get("items", []) + q.get("pairs", []):
                if isinstance(part, dict) and "source" in part:
                    cites += as_list(part["source"])
            for n in {int(str(c["paragraph"]).lstrip("p")) for c in cites}:
                per_paragraph.setdefault(n, Counter())[q["type"]] += 1
    return per_paragraph, per_type


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["bank", "coverage", *args])


def row(output: str, anchor: str) -> str:
    """The table row of paragraph ``anchor``."""
    rows = [line for line in output.splitlines()
            if line.removeprefix("!!").split()[:1] == [anchor]]
    assert len(rows) == 1, (anchor, output)
    return rows[0]


def flagged(output: str) -> set[str]:
    return {line.removeprefix("!!").split()[0] for line in output.splitlines()
            if line.startswith("!!")}


def test_json_figures_agree_with_a_count_from_the_shipped_banks(runner):
    result = runner.invoke(args=["bank", "coverage", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    per_paragraph, per_type = independent_count(SEED_DIR)

    assert report["questions"] == sum(per_type.values())
    [doc] = report["documents"]
    assert doc["slug"] == "nato-bih"
    assert doc["questions"] == sum(per_type.values())
    assert {t: n for t, n in doc["types"].items() if n} == dict(per_type)
    assert {t: n for t, n in report["types"].items() if n} == dict(per_type)

    listed = {p["anchor"]: p for p in doc["paragraphs"]}
    assert list(listed) == [f"p{n}" for n in CONTENT]  # headings are not listed
    for n in CONTENT:
        paragraph = listed[f"p{n}"]
        expected = per_paragraph.get(n, Counter())
        assert paragraph["questions"] == sum(expected.values()), n
        assert {t: c for t, c in paragraph["types"].items() if c} == dict(expected), n
    assert listed[f"p{LEAD_IN}"]["lead_in"] is True
    assert [p for p in listed if listed[p]["lead_in"]] == [f"p{LEAD_IN}"]
    assert doc["min_questions"] == min(sum(per_paragraph.get(n, Counter()).values())
                                       for n in CONTENT if n != LEAD_IN)
    assert doc["below_threshold"] == [] and report["below_threshold"] == 0


def test_text_report_of_the_shipped_banks_flags_nothing(runner):
    result = runner.invoke(args=["bank", "coverage"])
    assert result.exit_code == 0, result.output
    per_paragraph, per_type = independent_count(SEED_DIR)
    assert "nato-bih: Relations with Bosnia and Herzegovina" in result.output
    assert f"{sum(per_type.values())} questions: " in result.output
    for n in CONTENT:
        assert f" {sum(per_paragraph[n].values()) if n in per_paragraph else 0} " \
            in row(result.output, f"p{n}")
    assert flagged(result.output) == set()
    assert "lead-in" in row(result.output, f"p{LEAD_IN}")
    assert result.output.rstrip().splitlines()[-1] == "0 paragraphs below 3 questions"


TINY_BANK = """\
document: nato-bih
questions:
  - id: tiny-one
    type: true_false
    prompt: "True or false: the cooperation is mutually beneficial."
    answer: true
    explanation: It says so (opening section).
    source: {paragraph: 2, quote: mutually beneficial programme of cooperation}
  - id: tiny-two
    type: single_choice
    prompt: What is the main framework for cooperation?
    choices: [The Reform Programme, PARP]
    answer: The Reform Programme
    explanation: It says so (opening section).
    source: {paragraph: p2, quote: "The Reform Programme, as the main framework for cooperation"}
  - id: tiny-three
    type: short_answer
    prompt: Since when has NATO been committed to peace in the country?
    answers: [the early 1990s]
    explanation: It says so (opening section).
    source:
      - {paragraph: 2, quote: wide-ranging}
      - {paragraph: 3, quote: since the early 1990s}
  - id: tiny-four
    type: ordering
    prompt: Put these in order.
    items:
      - text: IFOR
        source: {paragraph: 10, quote: Implementation Force (IFOR) was deployed in December 1995}
      - text: SFOR
        source: {paragraph: 10, quote: replaced a year later by the NATO-led Stabilisation Force}
      - text: EU
        source: {paragraph: 11, quote: In December 2004}
    explanation: In that order (Evolution of relations).
    source: {paragraph: 10, quote: Following the 1992-1995 war}
quizzes:
  - id: tiny
    title: Tiny
    select: {all: true}
"""


@pytest.fixture
def tiny_app(tmp_path):
    folder = tmp_path / "nato-bih"
    folder.mkdir()
    for name in ("document.yaml", "source.txt"):
        shutil.copy(SEED_DIR / name, folder / name)
    (folder / "bank.yaml").write_text(TINY_BANK, encoding="utf-8")
    return make_app(tmp_path, questions_dir=tmp_path)


def test_the_report_flags_paragraphs_below_the_threshold(tiny_app):
    result = invoke(tiny_app)
    assert result.exit_code == 0, result.output  # a report, not a check
    # p2 has three questions; p3 one; p10 one (an ordering citing it three times counts once).
    assert not row(result.output, "p2").startswith("!!")
    assert row(result.output, "p3").startswith("!!") and "BELOW 3" in row(result.output, "p3")
    assert row(result.output, "p10").split()[1:4] == ["p10", "paragraph", "1"]
    assert flagged(result.output) == {f"p{n}" for n in CONTENT if n not in (2, LEAD_IN)}
    assert not row(result.output, f"p{LEAD_IN}").startswith("!!")
    assert result.output.rstrip().splitlines()[-1] == "23 paragraphs below 3 questions"


def test_the_json_report_of_a_small_bank(tiny_app, tmp_path):
    result = invoke(tiny_app, "--json")
    assert result.exit_code == 0, result.output
    [doc] = json.loads(result.stdout)["documents"]
    counts = {p["anchor"]: p["questions"] for p in doc["paragraphs"]}
    expected, _ = independent_count(tmp_path / "nato-bih")
    assert counts == {f"p{n}": sum(expected.get(n, Counter()).values()) for n in CONTENT}
    assert counts["p2"] == 3 and counts["p10"] == 1 and counts["p11"] == 1
    paragraphs = {p["anchor"]: p for p in doc["paragraphs"]}
    assert paragraphs["p2"]["types"]["single_choice"] == 1
    assert paragraphs["p10"]["types"]["ordering"] == 1
    assert doc["min_questions"] == 0
    assert len(doc["below_threshold"]) == 23


@pytest.mark.parametrize("threshold, not_flagged, summary", [
    ("1", {2, 3, 10, 11}, "20 paragraphs below 1 question"),
    ("4", set(), "24 paragraphs below 4 questions"),
    ("0", set(CONTENT), "0 paragraphs below 0 questions"),
])
def test_threshold_changes_what_is_flagged(tiny_app, threshold, not_flagged, summary):
    result = invoke(tiny_app, "--threshold", threshold)
    assert result.exit_code == 0, result.output
    assert flagged(result.output) == {f"p{n}" for n in CONTENT
                                      if n not in not_flagged and n != LEAD_IN}
    assert result.output.rstrip().splitlines()[-1] == summary
    report = json.loads(invoke(tiny_app, "--json", "--threshold", threshold).stdout)
    assert report["below_threshold"] == len(flagged(result.output))


def test_a_negative_threshold_is_refused(tiny_app):
    result = invoke(tiny_app, "--threshold", "-1")
    assert result.exit_code != 0
    assert "--threshold" in result.output


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_a_broken_bank_exits_non_zero_with_the_error(tiny_app, tmp_path, args):
    bank = tmp_path / "nato-bih" / "bank.yaml"
    bank.write_text(TINY_BANK.replace("quote: wide-ranging", "quote: short-term"), encoding="utf-8")
    result = invoke(tiny_app, *args)
    assert result.exit_code == 1
    assert "question 'tiny-three': quote not found in p2: \"short-term\"" in result.stderr
    assert "below" not in result.stdout and "{" not in result.stdout
