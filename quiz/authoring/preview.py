"""A question as a learner sees it, then as its review shows it, for the instructor."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..models import Paragraph, QuestionVersion
from ..textmatch import highlight
from ..types import QuestionType, get_type

if TYPE_CHECKING:
    from ..bankparse import QuestionSpec


@dataclass
class PreviewSource:
    number: int
    parts: list[str]
    text: Markup


@dataclass
class Preview:
    kind: QuestionType
    prompt: str
    marks: float
    view: dict  # what the type's template shows, no answer given
    correct: str
    feedback: list[str]  # feedback written for the right answer
    explanation: str
    sources: list[PreviewSource]


def _preview(qtype, prompt, data, explanation, marks, cites) -> Preview:
    """``cites`` holds (paragraph number, paragraph text, quote, part) in citation order."""
    kind = get_type(qtype)
    # A fixed layout for the preview, not a secret.
    layout = kind.layout(data, random.Random(0), False)  # nosec B311
    grouped: dict[int, list] = {}
    for cite in cites:
        grouped.setdefault(cite[0], []).append(cite)
    sources = [PreviewSource(number, [c[3] for c in group if c[3]],
                             highlight(group[0][1], [c[2] for c in group]))
               for number, group in grouped.items()]
    return Preview(kind, prompt, marks, kind.view(data, layout, None), kind.correct(data),
                   [], explanation, sources)


def preview_of_spec(spec: QuestionSpec, paragraphs: list[Paragraph]) -> Preview:
    text = {p.number: p.text for p in paragraphs}
    return _preview(spec.type, spec.prompt, spec.data, spec.explanation, spec.marks,
                    [(c.paragraph, text[c.paragraph], c.quote, c.part) for c in spec.citations])


def preview_of_version(version: QuestionVersion) -> Preview:
    return _preview(version.type, version.prompt, version.data, version.explanation,
                    version.marks, [(c.paragraph.number, c.checked_text, c.quote, c.part)
                                    for c in version.citations])
