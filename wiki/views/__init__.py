"""The server-rendered pages, one blueprint per area."""

from __future__ import annotations

from flask import Flask

from . import (
    account,
    auth,
    changes,
    events,
    feeds,
    forks,
    media,
    moderation,
    pages,
    recipes,
    search,
    watchlist,
)


def init_app(app: Flask) -> None:
    areas = (
        auth,
        account,
        recipes,
        forks,
        search,
        pages,
        media,
        changes,
        watchlist,
        feeds,
        moderation,
        events,
    )
    for module in areas:
        app.register_blueprint(module.bp)
