"""The yardstick: TechEmpower's "fortunes" shape in bare Flask + Flask-SQLAlchemy.

One page that selects 10 rows from SQLite and renders them with a Jinja template.
Every figure of the benchmark is a ratio to this page, served by the same gunicorn
with the same workers, so results compare across machines.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
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


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["REFERENCE_DATABASE_URL"]
    db.init_app(app)

    @app.route("/fortunes")
    def fortunes():
        rows = db.session.execute(
            db.select(Fortune).order_by(Fortune.id).limit(10)).scalars().all()
        return render_template("fortunes.html", fortunes=rows)

    return app


def fill(database_url: str) -> None:
    """Create the table and its rows (run once, before the server starts)."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.session.add_all(Fortune(id=i, message=m) for i, m in enumerate(FORTUNES, start=1))
        db.session.commit()
        db.engine.dispose()


if os.environ.get("REFERENCE_DATABASE_URL"):
    app = create_app()
