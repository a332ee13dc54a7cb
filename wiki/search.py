"""The search index as seen by the web layer: opened per app, fed from the outbox after each request."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind the search backend to the app (filled in with the search feature)."""
