"""What a process keeps between requests: the most recently used, up to a number."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import current_app


class Kept:
    """A least-recently-used store, safe to share among a worker's threads."""

    def __init__(self, size: int):
        self.size, self.values, self.lock = size, OrderedDict(), Lock()

    def get(self, key: tuple):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def put(self, key: tuple, value) -> None:
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)


def kept(name: str, size: int = 4096) -> Kept:
    """The current app's store called ``name`` (``app.extensions["quiz.<name>"]``)."""
    store = current_app.extensions.get(f"quiz.{name}")
    if store is None:
        store = current_app.extensions.setdefault(f"quiz.{name}", Kept(size))
    return store
