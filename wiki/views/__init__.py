"""The server-rendered pages, one blueprint per area."""

from __future__ import annotations

from flask import Flask

from . import auth, changes, events, feeds, forks, media, moderation, pages, recipes, search, watchlist


def init_app(app: Flask) -> None:
    for module in (auth, recipes, forks, search, pages, media, changes, watchlist, feeds, moderation, events):
        app.register_blueprint(module.bp)
