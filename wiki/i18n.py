"""The interface language: French or English, from the visitor's choice or the browser's languages."""

from __future__ import annotations

from importlib.resources import files

from flask import Flask, Response, request
from flask_babel import Babel, gettext

from recipes.errors import LevainError

from . import formatting

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "levain_lang"
# The catalogues, installed as wiki.translations: messages.mo compiled from messages.po by the build
# (setup.py for a wheel, make for a working copy).
TRANSLATIONS_DIR = files("wiki.translations")

babel = Babel()


def select_locale() -> str:
    """The visitor's choice (the switch's cookie), else the best of the browser's languages, else French."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "fr"


def error_message(error: LevainError) -> str:
    """A domain error's sentence in the reader's language: its template translated, then filled in."""
    template = gettext(error.template)
    return template.format(**error.values) if error.values else template


def vary_on_language(response: Response) -> Response:
    """Tell caches that a page depends on the browser's languages and the language cookie."""
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(vary_on_language)
    formatting.init_app(app)
