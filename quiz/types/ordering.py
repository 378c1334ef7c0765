"""Ordering: put items (events, usually) in their correct sequence.

Partial credit counts pairs: the fraction of all pairs of items the learner put
in the right relative order. Right throughout earns 1, reversed earns 0, and one
item out of place among many still earns most of the marks.
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

from wtforms import FieldList, FormField

from . import MarkedPart, QuestionType, field_tokens, register, text_of
from .forms import ItemForm, QuestionForm, fill_rows, row_source, source_rows
from .lint import words


def _item_text(item) -> str:
    return text_of(item.get("text") if isinstance(item, Mapping) else item)


class OrderingForm(QuestionForm):
    type_name = "ordering"
    items = FieldList(FormField(ItemForm), min_entries=4)

    def own_entry(self):
        found = []
        for row in self.items:
            text = (row.text.data or "").strip()
            extra = row_source(row)
            if text or extra:
                found.append({"text": text, **extra} if extra else text)
        return {"items": found}

    def fill_own(self, entry):
        rows = []
        for item in entry.get("items") or []:
            if isinstance(item, Mapping):
                rows.append({"text": text_of(item.get("text")),
                             "source": source_rows(item.get("source"))})
            else:
                rows.append({"text": text_of(item)})
        fill_rows(self.items, rows)

    def row_lists(self):
        return [self.source, self.items]


@register
class Ordering(QuestionType):
    name = "ordering"
    label = "Ordering"
    fields = frozenset({"items"})
    abbreviation = "ORD"
    form_class = OrderingForm

    def check(self, entry, report):
        items = entry.get("items")
        if not isinstance(items, list) or len(items) < 3:
            report("'items' must list at least 3 items, in their correct order", "items",
                   "Give at least three items, in their correct order.")
            return
        texts = [_item_text(i) for i in items]
        for n, text in enumerate(texts, start=1):
            if not text:
                report(f"item {n} has no text", f"items[{n - 1}]",
                       f"Item {n} has a source but no text: type its text or clear the row.")
        if len({t.casefold() for t in texts}) < len(texts):
            report("two items have the same text", "items",
                   "Two items have the same text; make each item different.")

    def data(self, entry):
        return {"items": [_item_text(i) for i in entry["items"]]}

    def citation_parts(self, entry):
        return [
            (f"item {n}", item["source"], item)
            for n, item in enumerate(entry["items"], start=1)
            if isinstance(item, Mapping) and "source" in item
        ]

    def entry(self, data):
        return {"items": list(data["items"])}

    def layout(self, data, rng, shuffle):
        order = list(range(len(data["items"])))
        # Never present the answer itself: reshuffle until the order differs.
        while order == sorted(order):
            rng.shuffle(order)
        return {"order": order, "tokens": field_tokens(rng, len(order))}

    def view(self, data, layout, answer):
        # Each item's select is named by its token: by its index, the names would say
        # the order. An answered question lists the items in the learner's order.
        sequence, tokens = answer or layout["order"], layout["tokens"]
        return {
            "rows": [(tokens[i], data["items"][i], pos if answer else None)
                     for pos, i in enumerate(sequence, start=1)],
            "positions": range(1, len(sequence) + 1),
        }

    def read_answer(self, data, layout, form):
        count, tokens = len(data["items"]), layout["tokens"]
        positions = {}
        for display, i in enumerate(layout["order"]):
            try:
                positions[i] = (int(form.get(f"position-{tokens[i]}", "")), display)
            except ValueError:
                positions[i] = (count + 1, display)
        if all(p[0] > count for p in positions.values()):
            return None
        return sorted(positions, key=positions.get)

    def grade(self, data, answer):
        if not answer:
            return 0.0
        rank = {item: pos for pos, item in enumerate(answer)}
        pairs = list(combinations(range(len(data["items"])), 2))
        right = sum(1 for a, b in pairs if rank[a] < rank[b])
        return right / len(pairs)

    def describe(self, data, answer):
        return " → ".join(data["items"][i] for i in answer or [])

    def correct(self, data):
        return " → ".join(data["items"])

    part_columns = ("Item", "Your position", "Correct position")

    def marked_parts(self, data, answer):
        placed = {item: pos for pos, item in enumerate(answer or [], start=1)}
        return [MarkedPart(text, str(placed.get(i, "none")), str(i + 1), placed.get(i) == i + 1)
                for i, text in enumerate(data["items"])]

    def random_guess(self, data):
        return 0.5  # a random order puts half of all pairs the right way round

    def simulate(self, data, layout, rng, right):
        order = list(range(len(data["items"])))
        if not right:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
            if rng.random() < 0.4:
                rng.shuffle(order)
        return order

    def shown(self, data):
        return [("item", t) for t in data["items"]]

    def fact(self, data):
        return frozenset({" | ".join(words(t) for t in data["items"])})
