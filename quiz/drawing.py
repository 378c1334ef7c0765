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
    """Whether the selection rule ``select`` (one of all/section/tags/questions/blocks)
    admits it. An exam-only question is admitted by name only, never by all, a section or
    tags. A blocks rule admits what any of its blocks admits."""
    if "blocks" in select:
        return any(admits(block, candidate) for block in select["blocks"] or [])
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
    candidates = list(candidates)
    if "blocks" in select:
        named = named_keys(select)
        seen: set[str] = set()
        admitted = []
        for block in select["blocks"] or []:
            for c in pool(block, candidates):
                if c.key not in seen and ("questions" in block or c.key not in named):
                    seen.add(c.key)
                    admitted.append(c)
        return admitted
    admitted = [c for c in candidates if admits(select, c)]
    if "questions" in select:
        rank = {str(k): i for i, k in enumerate(select["questions"] or [])}
        admitted.sort(key=lambda c: rank[c.key])
    return admitted


def draw(select: Mapping, candidates: Iterable[Candidate], rng: random.Random,
         shuffle: bool) -> list[Candidate]:
    """The questions of one attempt: a random ``count`` of the pool, or all of it.

    A blocks rule draws block by block, in order: each block gives a random ``count`` of
    its pool, or all of it, never a question an earlier block gave or a block names."""
    candidates = list(candidates)
    if "blocks" in select:
        named = named_keys(select)
        drawn: list[Candidate] = []
        seen: set[str] = set()
        for block in select["blocks"] or []:
            fresh = [c for c in pool(block, candidates) if c.key not in seen
                     and ("questions" in block or c.key not in named)]
            picked = _some(fresh, block.get("count"), rng)
            seen.update(c.key for c in picked)
            drawn.extend(picked)
    else:
        drawn = _some(pool(select, candidates), select.get("count"), rng)
    if shuffle:
        rng.shuffle(drawn)
    return drawn


def _some(admitted: list[Candidate], count, rng: random.Random) -> list[Candidate]:
    """A random ``count`` of ``admitted`` in their order, or all of them."""
    if count and count < len(admitted):
        picked = set(rng.sample(range(len(admitted)), count))
        return [c for i, c in enumerate(admitted) if i in picked]
    return list(admitted)


def named_keys(select: Mapping) -> set[str]:
    """The questions a blocks rule names in its lists of questions."""
    return {str(k) for block in select.get("blocks") or [] if "questions" in block
            for k in block["questions"] or []}

