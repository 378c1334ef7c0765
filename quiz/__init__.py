"""A quiz application in which every answer is cited to a paragraph of its source."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from . import (
    account,
    auth,
    authoring,
    cli,
    database,
    documents,
    filters,
    inputlimits,
    instructor,
    learner,
    loginthrottle,
    security,
    worker,
)
from .config import ROOT, configure
from .extensions import csrf, db, login_manager


def create_app(config: dict | None = None) -> Flask:
    """The application factory. It wires things up; it never touches the database."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    configure(app, config)

    database.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    loginthrottle.init_app(app)
    security.init_app(app)
    filters.init_app(app)
    inputlimits.init_app(app)  # before the blueprints: their routes read its converter

    for module in (auth, account, documents, learner, instructor, authoring):
        app.register_blueprint(module.bp)
    cli.init_app(app)
    worker.init_app(app)
    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        logging.getLogger(__name__).exception("unhandled error")
        return render_template("error.html", error=None), 500
