"""The JSON API under /api/v1."""

from __future__ import annotations

from flask import Flask

from . import recipes


def init_app(app: Flask) -> None:
    app.register_blueprint(recipes.bp, url_prefix="/api/v1")
