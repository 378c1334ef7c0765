"""A small HTTP client for load tests: one learner, its cookies, CSRF token and saves."""
from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass, field

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Refused(Exception):
    """The connection failed: the request was not acknowledged."""


@dataclass
class Learner:
    host: str
    port: int
    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None):
        """One request; a GET dropped by a dying worker is simply tried again."""
        for attempt in range(5):
            try:
                return self._request(method, path, form)
            except Refused:
                if method != "GET" or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, form: dict | None = None):
        body = urllib.parse.urlencode(form or {}, doseq=True) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            raise Refused(f"{method} {path}: {exc}") from exc
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        self.statuses.append(response.status)
        return response.status, response.headers, text

    def token(self, path: str) -> str:
        _, _, text = self.request("GET", path)
        return TOKEN.search(text).group(1)

    def log_in(self, password: str) -> None:
        token = self.token("/login")
        status, _, _ = self.request("POST", "/login", {"username": self.name,
                                                      "password": password,
                                                      "csrf_token": token})
        assert status == 302, f"{self.name} could not log in ({status})"

    def start(self, quiz: str) -> tuple[str, str]:
        token = self.token(f"/quizzes/{quiz}")
        status, headers, _ = self.request("POST", f"/quizzes/{quiz}/start",
                                          {"csrf_token": token})
        assert status == 302
        return headers["Location"], token

    def save(self, attempt: str, page: int, token: str, sequence: int, fields: dict):
        """A background save; returns the JSON the server acknowledged it with."""
        status, _, text = self.request("POST", f"{attempt}?q={page}", {
            "csrf_token": token, "go": "stay", "seq": str(sequence), **fields})
        return status, json.loads(text) if text.startswith("{") else None

    def submit(self, attempt: str, token: str) -> int:
        status, _, _ = self.request("POST", f"{attempt}/submit", {"csrf_token": token})
        return status
