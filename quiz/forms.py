"""Forms shared by every blueprint."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


class JoinForm(FlaskForm):
    """A learner's "Join a course" form (home page, join page)."""

    code = StringField("Enrolment code", validators=[Length(max=40)],
                       description="The code your instructor gave you.")
