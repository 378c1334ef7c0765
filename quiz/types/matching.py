"""Matching: pair each term (an acronym, say) with what it stands for.

Each pair is worth an equal share of the marks. Extra ``distractors`` may be
offered on the right-hand side.
"""
from __future__ import annotations

from collections.abc import Mapping

from wtforms import FieldList, FormField, TextAreaField
from wtforms.validators import Length

from . import MarkedPart, QuestionType, field_tokens, register, shuffled, text_of, token_index
from .forms import PairForm, QuestionForm, fill_rows, lines_of, row_source, source_rows
from .lint import Secret, words


class MatchingForm(QuestionForm):
    type_name = "matching"
    pairs = FieldList(FormField(PairForm), min_entries=3)
    distractors = TextAreaField("Extra right-hand answers that match nothing, one per line",
                                validators=[Length(max=4000)])

    def own_entry(self):
        pairs = []
        for row in self.pairs:
            left, right = (row.left.data or "").strip(), (row.right.data or "").strip()
            extra = row_source(row)
            if left or right or extra:
                pairs.append({"left": left, "right": right, **extra})
        entry = {"pairs": pairs}
        distractors = lines_of(self.distractors.data)
        if distractors:
            entry["distractors"] = distractors
        return entry

    def fill_own(self, entry):
        rows = []
        for pair in entry.get("pairs") or []:
            if isinstance(pair, Mapping):
                rows.append({"left": text_of(pair.get("left")),
                             "right": text_of(pair.get("right")),
                             "source": source_rows(pair.get("source"))})
        fill_rows(self.pairs, rows)
        self.distractors.data = "\n".join(text_of(d) for d in entry.get("distractors") or [])

    def row_lists(self):
        return [self.source, self.pairs]


@register
class Matching(QuestionType):
    name = "matching"
    label = "Matching"
    fields = frozenset({"pairs", "distractors"})
    abbreviation = "MAT"
    form_class = MatchingForm

    def check(self, entry, report):
        pairs = entry.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            report("'pairs' must list at least 2 pairs, each with 'left' and 'right'", "pairs",
                   "Give at least two pairs, each with both sides filled in.")
            return
        lefts, rights = [], []
        for n, pair in enumerate(pairs, start=1):
            if not isinstance(pair, Mapping) or not text_of(pair.get("left")) \
                    or not text_of(pair.get("right")):
                report(f"pair {n} needs both 'left' and 'right'", f"pairs[{n - 1}]",
                       f"Pair {n} needs both sides: fill in its left and its right.")
                continue
            lefts.append(text_of(pair["left"]).casefold())
            rights.append(text_of(pair["right"]).casefold())
        distractors = entry.get("distractors", [])
        if not isinstance(distractors, list):
            report("'distractors' must be a list of texts", "distractors",
                   "Write the extra right-hand answers one per line.")
            distractors = []
        rights += [text_of(d).casefold() for d in distractors]
        if len(set(lefts)) < len(lefts):
            report("two pairs have the same left-hand side", "pairs",
                   "Two pairs have the same left side; make each one different.")
        if len(set(rights)) < len(rights):
            report("a right-hand side appears twice, so a match would be ambiguous", "pairs",
                   "A right-hand answer is written twice, so a match would be ambiguous; "
                   "make each one different.")

    def data(self, entry):
        pairs = entry["pairs"]
        return {
            "lefts": [text_of(p["left"]) for p in pairs],
            "rights": [text_of(p["right"]) for p in pairs]
            + [text_of(d) for d in entry.get("distractors", [])],
        }

    def citation_parts(self, entry):
        return [
            (f"pair {n}", pair["source"], pair)
            for n, pair in enumerate(entry["pairs"], start=1)
            if isinstance(pair, Mapping) and "source" in pair
        ]

    def entry(self, data):
        count = len(data["lefts"])
        pairs = [{"left": left, "right": data["rights"][i]} for i, left in
                 enumerate(data["lefts"])]
        extra = data["rights"][count:]
        return {"pairs": pairs, **({"distractors": extra} if extra else {})}

    def layout(self, data, rng, shuffle):
        lefts, rights = len(data["lefts"]), len(data["rights"])
        # The pair i is left i with right i: selects and options named by index would
        # give every match away, so both sides are named by tokens.
        return {
            "lefts": shuffled(range(lefts), rng, shuffle),
            "rights": shuffled(range(rights), rng, True),
            "left_tokens": field_tokens(rng, lefts),
            "right_tokens": field_tokens(rng, rights),
        }

    def view(self, data, layout, answer):
        answer = answer or {}
        lefts, rights = layout["left_tokens"], layout["right_tokens"]

        def chosen(i):
            j = answer.get(str(i))
            return None if j is None else rights[j]
        return {
            "rows": [(lefts[i], data["lefts"][i], chosen(i)) for i in layout["lefts"]],
            "options": [(rights[j], data["rights"][j]) for j in layout["rights"]],
        }

    def read_answer(self, data, layout, form):
        answer = {}
        for i, token in enumerate(layout["left_tokens"]):
            j = token_index(layout["right_tokens"], form.get(f"match-{token}"))
            if j is not None:
                answer[str(i)] = j
        return answer or None

    def grade(self, data, answer):
        answer = answer or {}
        right = sum(1 for i in range(len(data["lefts"])) if answer.get(str(i)) == i)
        return right / len(data["lefts"])

    def describe(self, data, answer):
        answer = answer or {}
        return "; ".join(
            f"{left} → {data['rights'][answer[str(i)]] if str(i) in answer else '(none)'}"
            for i, left in enumerate(data["lefts"])
        )

    def correct(self, data):
        return "; ".join(f"{left} → {data['rights'][i]}" for i, left in enumerate(data["lefts"]))

    part_columns = ("Item", "Your match", "Correct match")

    def marked_parts(self, data, answer):
        answer = answer or {}
        return [MarkedPart(left, data["rights"][answer[str(i)]] if str(i) in answer
                           else "(none)", data["rights"][i], answer.get(str(i)) == i)
                for i, left in enumerate(data["lefts"])]

    def random_guess(self, data):
        return 1 / len(data["rights"])

    def simulate(self, data, layout, rng, right):
        count = len(data["lefts"])
        answer = {str(i): i for i in range(count)}
        if not right:
            a, b = rng.sample(range(count), 2)
            answer[str(a)], answer[str(b)] = b, a
        return answer

    def shown(self, data):
        return [("pair", t) for t in data["lefts"] + data["rights"]]

    def secrets(self, data, prompt):
        return [Secret("pair", f"{left} = {right}", words(left), words(right))
                for left, right in zip(data["lefts"], data["rights"], strict=False)]

    def fact(self, data):
        return frozenset(f"{words(a)}={words(b)}" for a, b in zip(
            data["lefts"], data["rights"], strict=False))
