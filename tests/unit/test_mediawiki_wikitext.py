"""Wikitext to Markdown, rule by rule, and two properties: text stays text, and nothing breaks it."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipes.exchange.mediawiki.links import Links, Site
from recipes.exchange.mediawiki.wikitext import convert_wikitext, redirect_target
from wiki.markdown import render_markdown

FUZZ = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SITE = Site(
    source="recettes@wiki.example.org",
    name="Recettes",
    base="https://wiki.example.org/wiki/Accueil",
    language="fr",
    namespaces={1: "Discussion", 6: "Fichier", 14: "Catégorie"},
)
LINKS = Links(SITE, {"Copy party": "copy-party", "Carto-partie": "cartopartie", "Cartopartie": "cartopartie"})


def markdown(wikitext: str) -> str:
    return convert_wikitext(wikitext, LINKS).markdown


def visible_text(wikitext: str) -> str:
    rendered = render_markdown(markdown(wikitext))
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", rendered)).split())


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("un * et un _mot_ et [x] ou <b>", "un \\* et un \\_mot\\_ et \\[x\\] ou \\<b\\>\n"),
        ("1. pas une liste\n- ni ceci\n== ni titre", "1\\. pas une liste\n\\- ni ceci\n\\== ni titre\n"),
        ("**orphelin\n*a\n\n*b", "-\n  - orphelin\n- a\n\n* b\n"),
        ("# un\n#: suite\n# deux", "1. un\\\n   suite\n1. deux\n"),
        (":retrait\n::double", "> retrait\n>\n> > double\n"),
        (";seul\n;terme : sens", "**seul**\n\nterme\n: sens\n"),
        (" ligne '''en''' retrait\n  deux", "```\nligne en retrait\n deux\n```\n"),
        (
            "[https://a.example] et [https://b.example]",
            "[\\[1\\]](https://a.example) et [\\[2\\]](https://b.example)\n",
        ),
        ("[[copy party|une fête]]s", "[[Copy party|une fêtes]]\n"),
        ("[[Carto-partie]] [[Page inconnue]]", "[[cartopartie|Carto-partie]] [[Page inconnue]]\n"),
        (
            "[[Discussion:Copy party|parler]]",
            "[parler](https://wiki.example.org/wiki/Discussion:Copy_party)\n",
        ),
        ("a<br />b", "a\\\nb\n"),
        ("{{!}} {{=}}", "\\| =\n"),
        ("<s>barré</s> <code>x*y</code>", "~~barré~~ `x*y`\n"),
        ('<syntaxhighlight lang="python">\nprint(1)\n</syntaxhighlight>', "```python\nprint(1)\n```\n"),
        ("----\nfin", "---\n\nfin\n"),
        ("Texte.<!-- caché -->\n<!-- seul -->\nsuite", "Texte.\nsuite\n"),
    ],
    ids=lambda value: value if len(value) < 30 else value[:27] + "…",
)
def test_wikitext_becomes_markdown(wikitext, expected):
    assert markdown(wikitext) == expected


def test_categories_are_taken_out_of_the_text_and_interlanguage_links_dropped():
    wikitext = "Texte.\n[[Catégorie:Atelier]]\n[[Category:Culture_libre|tri]]\n[[en:Copy party]]"
    conversion = convert_wikitext(wikitext, LINKS)
    assert conversion.markdown == "Texte.\n"
    assert conversion.categories == ("Atelier", "Culture libre")
    assert conversion.unconverted == {"interlanguage link": 1}


def test_a_gallery_becomes_a_list_of_image_references():
    conversion = convert_wikitext("<gallery>\nFichier:Pain.jpg|Le pain\nFour.png\n</gallery>", LINKS)
    assert conversion.markdown == (
        "- ![Le pain](https://wiki.example.org/wiki/Special:FilePath/Pain.jpg)\n"
        "- ![Four.png](https://wiki.example.org/wiki/Special:FilePath/Four.png)\n"
    )
    assert conversion.files == ("Pain.jpg", "Four.png")


def test_a_multiline_template_stays_visible_in_a_code_block():
    conversion = convert_wikitext("{{Infobox\n| durée = 3 h\n}}\nTexte {{#if: a | b}}.", LINKS)
    assert conversion.markdown == "```\n{{Infobox\n| durée = 3 h\n}}\n```\n\nTexte `{{#if: a | b}}`.\n"
    assert conversion.unconverted == {"{{Infobox}}": 1, "{{#if:}}": 1}


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("#REDIRECT [[Copy party]]", "Copy party"),
        ("#REDIRECTION [[Cartopartie#Le matériel]]", "Cartopartie"),
        ("  #redirect:[[:Copy party]]\n[[Catégorie:Redirection]]", "Copy party"),
        ("# REDIRECT [[Copy party]]", None),
        ("Voir [[Copy party]]", None),
    ],
)
def test_a_redirect_is_told_by_its_magic_word(text, target):
    assert redirect_target(text) == target


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab é*_#>-+=:;|!~`[]()<&\\{}'\n0123456789.")), max_size=80))
def test_text_mediawiki_shows_as_it_is_shows_as_it_is(text):
    """Whatever signs a sentence holds, between <nowiki> MediaWiki shows it as typed: so does Levain."""
    line = " ".join(text.replace("<", "").replace("&", "").split())
    assert visible_text(f"<nowiki>{line}</nowiki>") == line


FRAGMENTS = st.sampled_from(
    ["\n", "\n\n", " ", "* ", "** ", "# ", "#* ", "; ", ": ", "== T ==\n", "'''", "''", "[[", "]]"]
    + ["[[Copy party|x]]", "{{", "}}", "{{T|a=1}}", "{|", "|-", "||", "|}", "! ", "<ref>", "</ref>"]
    + ['<ref name="n"/>', "<br>", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<!--", "-->", "texte"]
    + ["[https://e.example x]", "[[Fichier:A.png|b]]", "<div>", "</div>", "<table>", "<tr>", "<td>"]
    + ["</table>", "----", "&nbsp;", "{{{1}}}", "[[Catégorie:C]]"]
)


@FUZZ
@given(st.lists(FRAGMENTS, max_size=40))
def test_any_wikitext_converts_to_markdown_that_renders(fragments):
    conversion = convert_wikitext("".join(fragments), LINKS)
    assert isinstance(render_markdown(conversion.markdown), str)
    assert all(count > 0 for count in conversion.unconverted.values())
