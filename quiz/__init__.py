"""A quiz application in which every answer is cited to a paragraph of its source."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from . import (
    account,
    admin,
    auth,
    authoring,
    cli,
    courseviews,
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

    for module in (auth, account, documents, learner, instructor, authoring, courseviews,
                   admin):
        app.register_blueprint(module.bp)
    cli.init_app(app)
    worker.init_app(app)
    _register_error_pages(app)
    return app


# Error pages in plain words, in place of Werkzeug's standard sentences; a view that says
# more (abort(400, description=...)) keeps its own sentence.
PLAIN_ERRORS = {
    400: ("Something in this request was wrong",
          "The page sent something the server could not use. Go back and try again."),
    403: ("This page is not for your account", "Your account cannot open this page."),
    404: ("Page not found", "There is nothing at this address: it may be mistyped, or what "
          "was here has been removed."),
    405: ("That cannot be done here", "This address does not take that kind of request: use "
          "the page's own buttons and links."),
    413: ("That file is too large", "The file sent is larger than the server takes."),
    429: ("Too many tries", "Too many requests came too quickly. Wait a little and try again."),
}


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        heading, sentence = PLAIN_ERRORS.get(error.code, (error.name, error.description))
        own = error.description != type(error).description
        return render_template("error.html", error=error, heading=heading,
                               sentence=error.description if own else sentence), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        logging.getLogger(__name__).exception("unhandled error")
        return render_template("error.html", error=None), 500
