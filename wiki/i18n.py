"""The interface language: French or English, from the visitor's choice or the browser's languages."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "levain_lang"

babel = Babel()


def select_locale() -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "fr"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
