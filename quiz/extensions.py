"""Flask extensions, created once and bound to the app in create_app."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .security import CheckedOnce


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CheckedOnce()  # Flask-WTF's CSRFProtect, tokens checked once per process
login_manager = LoginManager()
migrate = Migrate()
