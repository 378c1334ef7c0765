"""Finding evidence quotes in paragraph text, tolerant of typography and spacing."""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata

from markupsafe import Markup, escape

# Typographic characters that authors type as their plain ASCII cousins.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})


def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch.translate(_FOLD))


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Fold typography and collapse whitespace; map each output char to its source index."""
    out: list[str] = []
    index: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            index.append(i - 1)
            pending_space = False
        for folded in _fold_char(ch):
            out.append(folded)
            index.append(i)
    return "".join(out), index


def normalise(text: str) -> str:
    """The form in which quotes are compared with paragraphs."""
    if text.isascii():  # nothing to fold: only the whitespace collapses, done in C
        return " ".join(text.split())
    return _normalise_with_map(text)[0]


def content_hash(text: str) -> str:
    """A short, stable fingerprint of a paragraph's normalised text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Return the (start, end) span of ``quote`` in ``text``, or None when it is absent."""
    needle = normalise(quote)
    return _span(_normalise_with_map(text), needle) if needle else None


class QuoteFinder:
    """find_quote for many quotes in a few texts (a document's paragraphs): each text is
    normalised once rather than once per quote."""

    def __init__(self) -> None:
        self._normalised: dict[str, tuple[str, list[int]]] = {}

    def find(self, text: str, quote: str) -> tuple[int, int] | None:
        needle = normalise(quote)
        if not needle:
            return None
        if text not in self._normalised:
            self._normalised[text] = _normalise_with_map(text)
        return _span(self._normalised[text], needle)


def _span(normalised: tuple[str, list[int]], needle: str) -> tuple[int, int] | None:
    haystack, index = normalised
    at = haystack.find(needle)
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


def highlight(text: str, quotes: list[str]) -> Markup:
    """Escape ``text`` and wrap every quote found in it in ``<mark>``."""
    return mark_spans(text, [s for q in quotes if (s := find_quote(text, q))])


MARK, UNMARK = Markup("<mark>"), Markup("</mark>")


def mark_spans(text: str, spans: list[tuple[int, int]]) -> Markup:
    """Escape ``text`` and wrap each span (start, end), overlapping ones merged, in
    ``<mark>``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[Markup] = []
    pos = 0
    for start, end in merged:  # each piece escaped, the tags markup: joined once
        parts += [escape(text[pos:start]), MARK, escape(text[start:end]), UNMARK]
        pos = end
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, for section and document names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")


def closest_passage(text: str, quote: str, least: float = 0.6) -> str | None:
    """The run of ``text``'s words most like ``quote`` (a quote with a typo, a changed word
    or different punctuation), if it is at least ``least`` alike; None otherwise."""
    words, wanted = text.split(), quote.split()
    if not words or not wanted:
        return None
    target = normalise(quote).casefold()
    best, best_ratio = None, least
    for size in {max(1, len(wanted) + d) for d in (-2, -1, 0, 1, 2)}:
        for start in range(0, max(1, len(words) - size + 1)):
            passage = " ".join(words[start:start + size])
            ratio = difflib.SequenceMatcher(None, normalise(passage).casefold(), target,
                                            autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = passage, ratio
    return best
