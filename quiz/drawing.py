"""Which questions a quiz's selection rule admits, and the draw for one attempt."""
from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .docparse import in_section


@dataclass(frozen=True)
class Candidate:
    """What a selection rule looks at: a question's key, tags and section, and whether
    it is kept for the quizzes that name it (an exam's)."""

    key: str
    tags: Sequence[str]
    section: str
    exam_only: bool = False


def admits(select: Mapping, candidate: Candidate) -> bool:
    """Whether the selection rule ``select`` (one of all/section/tags/questions) admits it.
    An exam-only question is admitted by name only, never by all, a section or tags."""
    if "questions" in select:
        return candidate.key in {str(k) for k in select["questions"] or []}
    if candidate.exam_only:
        return False
    if "tags" in select:
        tags = select["tags"] if isinstance(select["tags"], list) else [select["tags"]]
        return bool({str(t) for t in tags} & set(candidate.tags))
    if "section" in select:
        return in_section(candidate.section, str(select["section"]))
    return bool(select.get("all"))


def pool(select: Mapping, candidates: Iterable[Candidate]) -> list[Candidate]:
    """The admitted candidates; an explicit list keeps the order it was written in."""
    admitted = [c for c in candidates if admits(select, c)]
    if "questions" in select:
        rank = {str(k): i for i, k in enumerate(select["questions"] or [])}
        admitted.sort(key=lambda c: rank[c.key])
    return admitted


def draw(select: Mapping, candidates: Iterable[Candidate], rng: random.Random,
         shuffle: bool) -> list[Candidate]:
    """The questions of one attempt: a random ``count`` of the pool, or all of it."""
    admitted = pool(select, candidates)
    count = select.get("count")
    if count and count < len(admitted):
        picked = set(rng.sample(range(len(admitted)), count))
        admitted = [c for i, c in enumerate(admitted) if i in picked]
    if shuffle:
        rng.shuffle(admitted)
    return admitted
