"""Configuration from the environment and the instance folder; no secrets in code."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
HASH_METHOD = "scrypt"  # Werkzeug's, for new password hashes; the test suite sets a cheap one


def secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure(app: Flask, overrides: dict | None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    overrides = overrides or {}
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'quiz.sqlite3'}",
        QUESTIONS_DIR=os.environ.get("QUESTIONS_DIR") or str(ROOT / "questions"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        TRUSTED_PROXIES=int(os.environ.get("TRUSTED_PROXIES", "0") or 0),
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "quizdb://"),
        # Failed logins (see loginthrottle): each delays the guesser, none locks the
        # account's owner out.
        LOGIN_FREE_FAILURES=int(os.environ.get("LOGIN_FREE_FAILURES", "3")),
        LOGIN_LONGEST_WAIT=int(os.environ.get("LOGIN_LONGEST_WAIT", "900")),
        LOGIN_FREE_FAILURES_PER_ACCOUNT=int(os.environ.get("LOGIN_FREE_FAILURES_PER_ACCOUNT",
                                                           "20")),
        LOGIN_LONGEST_WAIT_PER_ACCOUNT=int(os.environ.get("LOGIN_LONGEST_WAIT_PER_ACCOUNT",
                                                          "60")),
        LOGIN_LIMIT_PER_ADDRESS=os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "500 per 15 minutes"),
        REGISTER_LIMIT_PER_ADDRESS=os.environ.get("REGISTER_LIMIT_PER_ADDRESS", "60 per hour"),
        JOIN_LIMIT_PER_USER=os.environ.get("JOIN_LIMIT_PER_USER", "10 per hour"),
        # A login unused this long ends, on the server too (auth.keep_alive).
        SESSION_IDLE_MINUTES=int(os.environ.get("SESSION_IDLE_MINUTES", "120") or 120),
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session: long quizzes stay valid
        # Where queued jobs wait (quiz/worker.py): empty is instance/jobs.sqlite3.
        TASK_QUEUE_URL=os.environ.get("TASK_QUEUE_URL", ""),
        # A running job with no batch committed for this long has lost its worker.
        JOB_STALL_MINUTES=int(os.environ.get("JOB_STALL_MINUTES", "15") or 15),
        TASK_QUEUE_IMMEDIATE=False,  # the tests run each job in the request that queues it
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PASSWORD_HASH_METHOD=HASH_METHOD,
    )
    if "SECRET_KEY" not in overrides:
        app.config["SECRET_KEY"] = secret_key(instance)
    app.config.update(overrides)
