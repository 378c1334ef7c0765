"""Sorting and paging of report tables from the query string (?sort=name&dir=desc&page=2)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import request

PER_PAGE = 25


@dataclass
class Table:
    rows: list
    sort: str
    descending: bool
    page: int
    pages: int
    total: int

    def sort_link(self, column: str) -> dict:
        """Query arguments that sort by ``column`` (toggling direction if it is current)."""
        args = request.args.to_dict()
        args.update(sort=column, dir="asc" if self.sort == column and self.descending else
                    ("desc" if self.sort == column else "asc"), page=1)
        return args

    def aria_sort(self, column: str) -> str | None:
        if column != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    def page_link(self, page: int) -> dict:
        args = request.args.to_dict()
        args["page"] = page
        return args


def _sort_value(value: Any) -> tuple:
    # Empty cells sort last in either direction's natural reading: None after numbers.
    return (value is None, value if value is not None else 0)


def sort_and_page(rows: Sequence, columns: dict[str, Callable[[Any], Any]], default: str,
                  descending: bool = False, per_page: int = PER_PAGE) -> Table:
    """Sort ``rows`` by the requested column (one of ``columns``) and cut out one page."""
    sort = request.args.get("sort", default)
    if sort not in columns:
        sort = default
    direction = request.args.get("dir")
    desc = direction == "desc" if direction in ("asc", "desc") else descending
    key = columns[sort]
    ordered = sorted(rows, key=lambda r: _sort_value(key(r)), reverse=desc)
    if desc:  # keep empty cells last when reversing
        ordered = [r for r in ordered if key(r) is not None] + [
            r for r in ordered if key(r) is None]
    pages = max(1, ceil(len(ordered) / per_page))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    start = (page - 1) * per_page
    return Table(ordered[start:start + per_page], sort, desc, page, pages, len(ordered))
