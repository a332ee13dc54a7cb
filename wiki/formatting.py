"""Fast localised formatting for templates: moments, relative times, numbers, size changes, messages.

Babel looks up a locale's data and parses a pattern on every call, and Flask-Babel finds the request's
locale and catalogue again for every message; a history page of 50 rows made hundreds of such calls.
Here a locale's patterns are parsed once per process (``LocaleFormats``), the request's formats and
catalogue are found once per request (``ReaderLocale``, kept in ``g``) and handed to each template in
its context, so that a filter or a message in a long loop costs a dictionary lookup, not a lookup
through Flask's context-local proxies. The filters:

- ``when``: a moment as a localised medium date and a time to the minute ("4 mars 2026, 15:06",
  "Mar 4, 2026, 3:06 PM"), in the configured time zone (``BABEL_DEFAULT_TIMEZONE``, UTC by default):
  seconds are noise to a reader;
- ``when_tag``: the same in a ``<time datetime="…" title="…">`` element, whose title gives the time
  to the second ("4 mars 2026, 15:06:07") for whoever hovers it;
- ``ago``: how long ago a moment was ("il y a 3 heures", "3 hours ago");
- ``number``: a whole number with the locale's grouping ("12 345", "12,345");
- ``size``: a signed size change ("+1 234", "−56", "0"), as the history shows it;
- ``size_tag``: the same in a ``<span class="size-change size-change--plus|minus|zero">``;
- ``kind_label``: the reader's name for a revision's kind ("création", "modification", …).

The ``*_tag`` filters exist because a macro call costs about as much as all the formatting: lists of
many rows (history, recent changes) use them in their loops rather than a macro per row.

Python code uses ``format_when``, ``format_ago``, ``format_number``, ``format_size``; outside a
request they use the default locale and UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from gettext import NullTranslations

from babel import Locale
from babel.dates import format_timedelta, get_timezone, parse_pattern
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_app_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

DEFAULT_LOCALE = "fr"
DEFAULT_ZONE = "UTC"
# Moments formatted lately, per locale: a page shown again (or the next page) reuses most of them.
FORMATTED_MOMENTS_KEPT = 8192
MINUS_SIGN = "\u2212"  # a real minus, as wide as the plus beside it
SIZE_CHANGE_CLASSES = {1: "size-change--plus", -1: "size-change--minus", 0: "size-change--zero"}
# The name under which templates find the request's ReaderLocale.
CONTEXT_NAME = "reader_locale"


class LocaleFormats:
    """A locale's date, time and number patterns, parsed once, and the time zone moments are shown in."""

    def __init__(self, locale_name: str, zone_name: str):
        self.locale = Locale.parse(locale_name)
        self.zone: tzinfo = get_timezone(zone_name)
        self._date = parse_pattern(self.locale.date_formats["medium"])
        self._time = parse_pattern(self.locale.time_formats["short"])
        self._full_time = parse_pattern(self.locale.time_formats["medium"])
        self._date_time = self.locale.datetime_formats["medium"]
        symbols = self.locale.number_symbols["latn"]
        self._group, self._minus = symbols["group"], symbols["minusSign"]
        # Python's "," grouping is the locale's only when the locale groups by threes.
        self._groups_by_three = self.locale.decimal_formats[None].grouping == (3, 3)
        self.when_tag = lru_cache(maxsize=FORMATTED_MOMENTS_KEPT)(self._when_tag)

    def when(self, moment: datetime, *, seconds: bool = False) -> str:
        """A moment in this zone, as this locale writes a date and time (to the minute, unless
        ``seconds``); a naive moment is UTC."""
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(self.zone)
        time = self._full_time if seconds else self._time
        return self._date_time.replace("{1}", self._date.apply(local, self.locale)).replace(
            "{0}", time.apply(local, self.locale)
        )

    def _when_tag(self, moment: datetime) -> Markup:
        # Concatenation, not Markup.format: the escaping formatter costs more than the formatting.
        exact, full = escape(moment.isoformat()), escape(self.when(moment, seconds=True))
        return Markup(f'<time datetime="{exact}" title="{full}">{escape(self.when(moment))}</time>')

    def ago(self, moment: datetime, now: datetime) -> str:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return format_timedelta(moment - now, add_direction=True, locale=self.locale)

    def number(self, value: int | float) -> str:
        if isinstance(value, int) and self._groups_by_three:
            grouped = f"{abs(value):,}".replace(",", self._group)
            return self._minus + grouped if value < 0 else grouped
        return format_decimal(value, locale=self.locale)

    def size(self, delta: int) -> str:
        if delta > 0:
            return "+" + self.number(delta)
        if delta < 0:
            return MINUS_SIGN + self.number(-delta)
        return "0"

    def size_tag(self, delta: int) -> Markup:
        css_class = SIZE_CHANGE_CLASSES[(delta > 0) - (delta < 0)]
        return Markup(f'<span class="size-change {css_class}">{escape(self.size(delta))}</span>')


@lru_cache(maxsize=16)
def formats_for(locale_name: str, zone_name: str = DEFAULT_ZONE) -> LocaleFormats:
    """The formats of a locale and zone, built on first use and kept for the life of the process."""
    return LocaleFormats(locale_name, zone_name)


@dataclass(frozen=True)
class ReaderLocale:
    """What a request needs to speak its reader's language: formats and the message catalogue."""

    formats: LocaleFormats
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.ugettext(message)


def reader_locale() -> ReaderLocale:
    """The request's formats and catalogue, found once per request (the default ones outside)."""
    if not has_app_context():
        return ReaderLocale(formats_for(DEFAULT_LOCALE), NullTranslations())
    found = g.get(CONTEXT_NAME)
    if found is None:
        zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_ZONE
        formats = formats_for(str(get_locale() or DEFAULT_LOCALE), zone)
        found = ReaderLocale(formats, get_translations())
        setattr(g, CONTEXT_NAME, found)
    return found


def _of(context: Context) -> ReaderLocale:
    """The reader's locale a template was given (a macro imported without context finds it anew)."""
    return context.get(CONTEXT_NAME) or reader_locale()


def format_when(moment: datetime) -> str:
    """A moment as the reader's locale writes a date and time (a naive moment is taken as UTC)."""
    return reader_locale().formats.when(moment)


def format_ago(moment: datetime, now: datetime | None = None) -> str:
    """How long before ``now`` (by default: this instant) a moment was, in the reader's locale."""
    return reader_locale().formats.ago(moment, now or datetime.now(UTC))


def format_number(value: int | float) -> str:
    """A number with the reader's locale's digit grouping."""
    return reader_locale().formats.number(value)


def format_size(delta: int) -> str:
    """A signed size change: "+1 234", "−56" (with a real minus sign) or "0"."""
    return reader_locale().formats.size(delta)


def N_(message: str) -> str:
    """Mark a message for extraction into the catalogues; it is translated where it is shown."""
    return message


REVISION_KIND_LABELS = {
    "create": N_("creation"),
    "edit": N_("edit"),
    "revert": N_("revert"),
    "fork": N_("fork"),
    "merge": N_("merge"),
    "sync": N_("sync"),
    "proposal": N_("accepted proposal"),
}


@pass_context
def kind_label(context: Context, kind: str) -> str:
    """The reader's name for a kind of revision (an unknown kind is shown as it is)."""
    label = REVISION_KIND_LABELS.get(kind)
    return _of(context).gettext(label) if label else kind


@pass_context
def _when(context: Context, moment: datetime) -> str:
    return _of(context).formats.when(moment)


@pass_context
def _when_tag(context: Context, moment: datetime) -> Markup:
    return _of(context).formats.when_tag(moment)


@pass_context
def _ago(context: Context, moment: datetime) -> str:
    return _of(context).formats.ago(moment, datetime.now(UTC))


@pass_context
def _number(context: Context, value: int | float) -> str:
    return _of(context).formats.number(value)


@pass_context
def _size(context: Context, delta: int) -> str:
    return _of(context).formats.size(delta)


@pass_context
def _size_tag(context: Context, delta: int) -> Markup:
    return _of(context).formats.size_tag(delta)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _of(context).translations.ugettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return _of(context).translations.ungettext(singular, plural, count)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return _of(context).translations.upgettext(message_context, message)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, count: int) -> str:
    return _of(context).translations.unpgettext(message_context, singular, plural, count)


def init_app(app: Flask) -> None:
    """Register the filters; give templates the reader's locale and a gettext that uses it."""
    app.jinja_env.filters.update(
        when=_when,
        when_tag=_when_tag,
        ago=_ago,
        number=_number,
        size=_size,
        size_tag=_size_tag,
        kind_label=kind_label,
    )
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext, newstyle=True
    )
    app.context_processor(lambda: {CONTEXT_NAME: reader_locale()})
