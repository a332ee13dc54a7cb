"""Localised formatting for templates (wiki.formatting): moments, relative times, numbers, size changes.

Checked in French and in English, through the filters as templates use them and through the Python
functions, inside a request in each language.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import render_template_string

from wiki import formatting

MOMENT = datetime(2026, 3, 4, 15, 6, 7, tzinfo=UTC)
NARROW_NBSP = "\u202f"  # French groups digits with a narrow no-break space


def in_language(app, language: str):
    return app.test_request_context("/", headers={"Accept-Language": language})


def render(app, language: str, source: str, **values) -> str:
    with in_language(app, language):
        return render_template_string(source, **values)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "4 mars 2026, 15:06"), ("en", "Mar 4, 2026, 3:06\u202fPM")],
)
def test_when_writes_a_moment_as_the_reader_reads_it(app, language, expected):
    assert render(app, language, "{{ moment|when }}", moment=MOMENT) == expected
    with in_language(app, language):
        assert formatting.format_when(MOMENT) == expected


def test_when_shows_moments_in_the_configured_zone_and_takes_naive_ones_as_utc(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Paris"
    paris_summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert render(app, "fr", "{{ moment|when }}", moment=paris_summer) == "1 juil. 2026, 12:00"
    assert render(app, "fr", "{{ moment|when }}", moment=paris_summer.replace(tzinfo=None)) == (
        "1 juil. 2026, 12:00"
    )
    elsewhere = paris_summer.astimezone(timezone(timedelta(hours=-5)))
    assert render(app, "fr", "{{ moment|when }}", moment=elsewhere) == "1 juil. 2026, 12:00"


def test_when_tag_shows_the_minute_and_gives_the_exact_moment_in_its_title(app):
    html = render(app, "en", "{{ moment|when_tag }}", moment=MOMENT)
    assert html == (
        '<time datetime="2026-03-04T15:06:07+00:00" title="Mar 4, 2026, 3:06:07\u202fPM">'
        "Mar 4, 2026, 3:06\u202fPM</time>"
    )


@pytest.mark.parametrize(
    ("language", "hours_ago", "in_days"),
    [("fr", "il y a 3 heures", "dans 2 jours"), ("en", "3 hours ago", "in 2 days")],
)
def test_ago_says_how_long_ago_or_how_soon(app, language, hours_ago, in_days):
    now = datetime.now(UTC)
    assert render(app, language, "{{ moment|ago }}", moment=now - timedelta(hours=3, minutes=2)) == hours_ago
    with in_language(app, language):
        assert formatting.format_ago(MOMENT + timedelta(days=2), now=MOMENT) == in_days


@pytest.mark.parametrize(
    ("language", "grouped"), [("fr", f"1{NARROW_NBSP}234{NARROW_NBSP}567"), ("en", "1,234,567")]
)
def test_numbers_are_grouped_the_locale_s_way(app, language, grouped):
    assert render(app, language, "{{ n|number }}", n=1234567) == grouped
    assert render(app, language, "{{ n|number }}", n=999) == "999"
    with in_language(app, language):
        assert formatting.format_number(-1234567) == "-" + grouped
        assert formatting.format_number(1234.5) == {"fr": f"1{NARROW_NBSP}234,5", "en": "1,234.5"}[language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_size_changes_are_signed_with_a_real_minus(app, language):
    group = {"fr": NARROW_NBSP, "en": ","}[language]
    source = "{{ a|size }} {{ b|size }} {{ c|size }}"
    assert render(app, language, source, a=1234, b=-56, c=0) == f"+1{group}234 \u221256 0"
    tags = render(app, language, "{{ a|size_tag }}{{ b|size_tag }}{{ c|size_tag }}", a=12, b=-10, c=0)
    assert tags == (
        '<span class="size-change size-change--plus">+12</span>'
        '<span class="size-change size-change--minus">\u221210</span>'
        '<span class="size-change size-change--zero">0</span>'
    )


def test_revision_kinds_and_messages_are_translated_per_request(app):
    source = "{{ 'edit'|kind_label }} {{ 'proposal'|kind_label }} {{ 'unheard-of'|kind_label }} "
    source += "{{ _('Revert to this') }}"
    assert render(app, "fr", source) == "modification proposition acceptée unheard-of Rétablir cette version"
    assert render(app, "en", source) == "edit accepted proposal unheard-of Revert to this"


def test_macros_imported_without_context_format_in_the_request_s_language(app):
    source = '{% import "macros.html" as m %}'
    source += '{{ m.when(moment) }} {{ m.size_change(-3) }} {{ m.revision_kind("fork") }}'
    french = render(app, "fr", source, moment=MOMENT)
    assert "4 mars 2026, 15:06<" in french and 'title="4 mars 2026, 15:06:07"' in french
    assert "\u22123" in french and ">fork<" not in french
    english = render(app, "en", source, moment=MOMENT)
    assert "Mar 4, 2026" in english and ">fork<" in english


def test_outside_a_request_the_default_locale_is_used():
    assert formatting.format_when(MOMENT) == "4 mars 2026, 15:06"
    assert formatting.format_size(-1234) == f"\u22121{NARROW_NBSP}234"


def test_the_history_page_is_localised(app, client, make_user):
    from recipes.community.accounts import find_user
    from recipes.history import editing
    from wiki.markdown import render_markdown

    make_user("alice")
    with app.extensions["levain.sessions"]() as session:
        author = find_user(session, "alice")
        editing.create_recipe(
            session, author=author, title="Repair café", body="x" * 1500, render=render_markdown
        )

    def history(language: str) -> str:
        response = client.get("/recipes/repair-cafe/history", headers={"Accept-Language": language})
        return response.get_data(as_text=True)

    french, english = history("fr"), history("en")
    assert f"1{NARROW_NBSP}500" in french and "création" in french
    assert "1,500" in english and "creation" in english
    assert '<span class="size-change size-change--plus">+1,500</span>' in english
