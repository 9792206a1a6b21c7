"""The standalone host: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

from lms import create_app

app = create_app()
