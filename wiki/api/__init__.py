"""The JSON API under /api/v1."""

from __future__ import annotations

from flask import Flask

from . import changes, events, forks, images, licences, moderation, openapi, recipes, search


def init_app(app: Flask) -> None:
    for module in (recipes, forks, search, images, changes, moderation, licences, events, openapi):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
