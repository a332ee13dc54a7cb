"""The server-rendered pages, one blueprint per area."""

from __future__ import annotations

from flask import Flask

from . import auth, recipes


def init_app(app: Flask) -> None:
    app.register_blueprint(auth.bp)
    app.register_blueprint(recipes.bp)
