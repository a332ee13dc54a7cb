"""The interface language: French or English, from the visitor's choice or the browser's languages."""

from __future__ import annotations

from importlib.resources import files

from flask import Flask, Response, request
from flask_babel import Babel

from . import formatting, labels

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "levain_lang"
# The catalogues, installed as wiki.translations: messages.mo compiled from messages.po by the build
# (setup.py for a wheel, make for a working copy).
TRANSLATIONS_DIR = files("wiki.translations")

babel = Babel()


def select_locale() -> str:
    """The visitor's choice (the switch's cookie), else the best of the browser's languages, else French.

    The API speaks the language its client asks for in ``Accept-Language``, English by default: a
    script has no language switch, and English is what most integrators read. The wiki's own pages
    calling the API (a picture upload) send the cookie, and get their page's language.
    """
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or "en"
    return request.accept_languages.best_match(LANGUAGES) or "fr"


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
    labels.init_app(app)
