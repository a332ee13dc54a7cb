"""The server-rendered pages, one blueprint per area."""

from __future__ import annotations

from flask import Flask

from . import auth, forks, recipes, search


def init_app(app: Flask) -> None:
    for module in (auth, recipes, forks, search):
        app.register_blueprint(module.bp)
