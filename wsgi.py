"""The WSGI entry point for production servers: ``gunicorn 'wsgi:app'``."""

from wiki import create_app

app = create_app()
