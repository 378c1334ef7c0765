"""The WSGI entry point: `gunicorn wsgi:app`."""
import gc

from quiz import create_app

app = create_app()
# What start-up made lives as long as the worker: keep it out of the collector's full
# passes, which would otherwise walk every module's objects again and again. Each
# request's own garbage is collected as before.
gc.freeze()
