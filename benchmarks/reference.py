"""The yardsticks: TechEmpower's "fortunes" shape in Flask + Flask-SQLAlchemy.

``/fortunes`` selects 10 rows from SQLite and renders them with a Jinja template, in bare
Flask. ``/fortunes/logged-in`` is the same page behind the stock logged-in stack: Flask's
session cookie, Flask-Login loading the user with one query, Flask-WTF's CSRFProtect and
a form carrying its token. The learner's paths are measured against the second, served
by the same gunicorn with the same workers, so results compare across machines.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template, session
from flask_login import LoginManager, UserMixin, login_required
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

FORTUNES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Fortune(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


class Reader(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


login_manager = LoginManager()
login_manager.session_protection = None  # as the app sets it: logins end on the server
csrf = CSRFProtect()


@login_manager.user_loader
def load_reader(reader_id: str) -> Reader | None:
    return db.session.get(Reader, int(reader_id))


def create_app(database_url: str | None = None, secret_key: str | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["REFERENCE_DATABASE_URL"]
    app.config["SECRET_KEY"] = secret_key or os.environ.get("SECRET_KEY", "")
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # as the app has it
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    def ten_fortunes():
        return db.session.execute(
            db.select(Fortune).order_by(Fortune.id).limit(10)).scalars().all()

    @app.route("/fortunes")
    def fortunes():
        return render_template("fortunes.html", fortunes=ten_fortunes())

    @app.route("/fortunes/logged-in")
    @login_required
    def fortunes_logged_in():
        return render_template("fortunes.html", fortunes=ten_fortunes(), form=FlaskForm())

    return app


def logged_in_cookie(secret_key: str) -> str:
    """A session cookie of reader 1, as Flask-Login's login_user would leave it."""
    app = create_app("sqlite://", secret_key)
    with app.test_request_context("/"):
        session.update({"_user_id": "1", "_fresh": True})
        return app.session_interface.get_signing_serializer(app).dumps(dict(session))


def fill(database_url: str) -> None:
    """Create the table and its rows (run once, before the server starts)."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.session.add_all(Fortune(id=i, message=m) for i, m in enumerate(FORTUNES, start=1))
        db.session.add(Reader(id=1, name="reader"))
        db.session.commit()
        db.engine.dispose()


if os.environ.get("REFERENCE_DATABASE_URL"):
    app = create_app()
