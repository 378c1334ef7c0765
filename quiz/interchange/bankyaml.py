"""Writing questions and quizzes as bank YAML that ``bank load`` reads back unchanged."""
from __future__ import annotations

import yaml


class _BankDumper(yaml.SafeDumper):
    """Block style, keys in the order written, long texts unwrapped."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _str)


def dump(value) -> str:
    return yaml.dump(value, Dumper=_BankDumper, sort_keys=False, allow_unicode=True,
                     width=100_000, default_flow_style=False)


def bank_text(document: str, questions: list[dict], quizzes: list[dict], note: str = "") -> str:
    """A whole bank file: the document's slug, its questions and its quizzes."""
    header = "".join(f"# {line}\n" for line in note.splitlines())
    body = {"document": document, "questions": questions}
    if quizzes:
        body["quizzes"] = quizzes
    return header + dump(body)
