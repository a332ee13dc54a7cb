"""The interface language: French or English, from the visitor's choice or the browser's languages."""

from __future__ import annotations

import functools
from importlib.resources import files

from babel import Locale
from flask import Flask, Response, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from . import formatting, labels
from .auth import sends_cookies

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "levain_lang"
VARIES_ON = ("Accept-Language", "Cookie")
LANGUAGE_HEADERS_KEPT = 512  # distinct Accept-Language headers whose best language is remembered
# The catalogues, installed as wiki.translations: messages.mo compiled from messages.po by the build
# (setup.py for a wheel, make for a working copy).
TRANSLATIONS_DIR = files("wiki.translations")

# Parsed once: Flask-Babel parses what the selector gives on every request, unless it is a Locale.
LOCALES = {language: Locale.parse(language) for language in LANGUAGES}

babel = Babel()


def select_locale() -> str:
    """The visitor's choice (the switch's cookie), else the best of the browser's languages, else French.

    The API speaks the language its client asks for in ``Accept-Language``, English by default: a
    script has no language switch, and English is what most integrators read. The wiki's own pages
    calling the API (a picture upload) send the cookie, and get their page's language.
    """
    chosen = request.cookies.get(LANGUAGE_COOKIE) if sends_cookies() else None
    if chosen in LANGUAGES:
        return chosen
    default = "en" if request.path.startswith("/api/") else "fr"
    return _best_language(request.headers.get("Accept-Language", ""), default)


@functools.lru_cache(maxsize=LANGUAGE_HEADERS_KEPT)
def _best_language(accept_language: str, default: str) -> str:
    # Asked on every request; browsers send a few distinct headers, each parsed once here.
    return parse_accept_header(accept_language, LanguageAccept).best_match(LANGUAGES) or default


def vary_on_language(response: Response) -> Response:
    """Tell caches that a page depends on the browser's languages and the language cookie."""
    if response.mimetype == "text/html":
        if "Vary" in response.headers:
            response.vary.update(VARIES_ON)
        else:  # the usual case, written at once rather than through a parsed header set
            response.headers["Vary"] = ", ".join(VARIES_ON)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=lambda: LOCALES[select_locale()])
    app.after_request(vary_on_language)
    formatting.init_app(app)
    labels.init_app(app)
