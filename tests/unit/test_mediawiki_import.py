"""Importing real MediaWiki exports: recipes with every revision, authors, tags, old addresses.

The exports were written by MediaWiki itself (tests/fixtures/mediawiki/make_exports.py): French
recipes edited by several accounts and a visitor, a page moved (leaving a redirect), a redirect
written by hand, a talk page, a category and a template page. ``recettes-suite`` and
``recettes-fin`` are the same wiki later on.
"""

from __future__ import annotations

import bz2
import gzip
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.errors import Invalid
from recipes.exchange.mediawiki import ExportRefused, import_mediawiki
from recipes.exchange.mediawiki.models import MediaWikiPage, MediaWikiRevision
from recipes.models import Base, Change, Recipe, RecipeRedirect, Revision, SearchOutbox, User
from recipes.moderation.renaming import redirect_target
from recipes.queries import get_recipe
from wiki.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mediawiki"
FIRST = FIXTURES / "recettes-0.11.xml"
LATER, LAST = (FIXTURES / f"recettes-{name}-0.11.xml" for name in ("suite", "fin"))
# Who wrote each revision of the copy party on MediaWiki, when, and with which comment.
COPY_PARTY_HISTORY = [
    (1, "Marie_Dupont", datetime(2024, 3, 2, 10, tzinfo=UTC), "Première version", "create"),
    (2, "Yann_Le_Goff", datetime(2024, 3, 3, 9, tzinfo=UTC), "Matériel, déroulé et liens", "edit"),
    (3, "Anonyme", datetime(2024, 3, 4, 16, tzinfo=UTC), "précision", "edit"),
    (4, "Jean-Éric_L-Hostis", datetime(2024, 3, 8, 11, tzinfo=UTC), "Vocabulaire", "edit"),
]


def bring_in(session, path=FIRST, **options):
    return import_mediawiki(session, path, render=render_markdown, **options)


def history(session, slug):
    query = (
        select(Revision.number, User.name, Revision.created_at, Revision.summary, Revision.kind)
        .join(User, User.id == Revision.author_id)
        .where(Revision.recipe_id == get_recipe(session, slug).id)
        .order_by(Revision.number)
    )
    return [tuple(row) for row in session.execute(query)]


def text_of(session, slug):
    return load_blob(session, get_recipe(session, slug).head_revision.blob_id).text


def row_counts(session):
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_each_page_becomes_a_recipe_with_every_revision_its_author_time_and_comment(session):
    report = bring_in(session)
    assert report.recipes_created == ["copy-party", "cartopartie", "repair-cafe"]
    assert history(session, "copy-party") == COPY_PARTY_HISTORY
    assert [row[1] for row in history(session, "cartopartie")] == ["Zoé", "Marie_Dupont", "Yann_Le_Goff"]
    recipe = get_recipe(session, "copy-party")
    assert (recipe.title, recipe.language, recipe.created_at) == (
        "Copy party",
        "fr",
        COPY_PARTY_HISTORY[0][2],
    )
    assert recipe.updated_at == COPY_PARTY_HISTORY[-1][2]
    # The page move made a revision with the same text: no revision of its own here.
    assert [row[3] for row in history(session, "repair-cafe")] == ["Nouvelle recette", "Liens et astuce"]
    assert (report.revisions_imported, report.revisions_unchanged) == (9, 1)


def test_the_history_is_kept_as_every_save_keeps_it(session):
    bring_in(session)
    recipe = get_recipe(session, "copy-party")
    revisions = list(
        session.scalars(select(Revision).where(Revision.recipe_id == recipe.id).order_by(Revision.number))
    )
    assert [revision.parent_id for revision in revisions] == [None] + [r.id for r in revisions[:-1]]
    assert recipe.head_revision_id == recipe.published_revision_id == revisions[-1].id
    assert recipe.head_number == 4 and all(revision.status == "approved" for revision in revisions)
    # Each revision converted on its own: the first had no footnote and no vocabulary yet.
    first, last = (load_blob(session, revision.blob_id) for revision in (revisions[0], revisions[-1]))
    assert "[^1]" not in first.text and "Œuvre libre\n: une œuvre" in last.text
    assert "<strong>copy party</strong>" in first.html and "<dt>Œuvre libre</dt>" in last.html
    changes = session.execute(select(Change.type, Change.created_at).where(Change.recipe_id == recipe.id))
    assert sorted(changes, key=lambda change: change[1]) == [
        (kind, at) for _, _, at, _, kind in COPY_PARTY_HISTORY
    ]
    # The search index takes the recipe in after the import.
    assert recipe.id in set(session.scalars(select(SearchOutbox.recipe_id)))


@pytest.mark.parametrize("variant", ["0.10", "gzip", "bzip2"])
def test_schema_010_and_compressed_exports_give_the_same_recipes(session, tmp_path, variant):
    path = FIXTURES / "recettes-0.10.xml"
    if variant != "0.10":
        path = tmp_path / f"recettes.xml.{variant}"
        compress = gzip.compress if variant == "gzip" else bz2.compress
        path.write_bytes(compress(FIRST.read_bytes()))
    bring_in(session, path)
    assert history(session, "copy-party") == COPY_PARTY_HISTORY
    assert "| Carnets | 10 |" in text_of(session, "cartopartie")


def test_unknown_authors_become_accounts_that_cannot_log_in_until_given_a_password(session):
    known = accounts.create_user(session, "zoé", "password123")
    report = bring_in(session)
    assert report.accounts_created == [
        "Admin",
        "Anonyme",
        "Jean-Éric_L-Hostis",
        "Marie_Dupont",
        "Yann_Le_Goff",
    ]
    assert history(session, "cartopartie")[0][1] == "zoé"  # the same name, in any case, is the same person
    assert session.get(User, known.id).password_hash != "!"
    assert accounts.authenticate(session, "Marie_Dupont", "") is None
    assert accounts.authenticate(session, "Marie_Dupont", "!") is None
    accounts.set_password(session, "Marie_Dupont", "un-mot-de-passe")
    assert accounts.authenticate(session, "Marie_Dupont", "un-mot-de-passe").name == "Marie_Dupont"


def test_categories_become_tags_and_redirects_become_old_addresses(session):
    report = bring_in(session)
    assert get_recipe(session, "copy-party").tag_names == ["atelier", "culture libre"]
    assert get_recipe(session, "cartopartie").tag_names == ["atelier", "cartographie"]
    assert redirect_target(session, "carto-partie") == "cartopartie"
    # "Repair cafe", left behind by the move to "Repair café", already is the recipe's address.
    assert report.old_addresses == [("carto-partie", "cartopartie")]
    assert session.scalar(select(func.count()).select_from(RecipeRedirect)) == 1


def test_links_between_pages_lead_to_the_imported_recipes(session):
    bring_in(session)
    body = text_of(session, "copy-party")
    assert "une [[Cartopartie|cartopartie]] le même jour, ou une [[cartopartie|carto-partie]]" in body
    html = load_blob(session, get_recipe(session, "copy-party").head_revision.blob_id).html
    assert html.count('data-wikilink="cartopartie"') == 2
    repair = text_of(session, "repair-cafe")
    assert "[[Copy party]] pour les objets" in repair
    assert "[la discussion](https://recettes.example.org/w/index.php/Discussion:Copy_party)" in repair


def test_other_namespaces_are_skipped_and_counted_unless_named(session):
    report = bring_in(session)
    skipped = {(page.title, page.reason, page.detail) for page in report.skipped_pages}
    assert skipped == {
        ("Discussion:Copy party", "namespace", "Discussion"),
        ("Catégorie:Atelier", "namespace", "Catégorie"),
        ("Modèle:Ébauche", "namespace", "Modèle"),
    }
    again = bring_in(session, namespaces=["Talk"])
    assert again.recipes_created == ["discussion-copy-party"]
    assert get_recipe(session, "discussion-copy-party").title == "Discussion:Copy party"


def test_what_could_not_be_converted_is_reported_by_kind(session):
    report = bring_in(session)
    assert report.unconverted == {
        "{{Ébauche}}": 1,
        "{{Infobox atelier}}": 1,
        "{{{parameter}}}": 1,
        "link to a section": 1,
        "<span>": 1,
        "<sup>": 1,
    }
    assert report.files == {"Carte Plouarzel.png"}
    assert "`{{Ébauche}}`" in text_of(session, "cartopartie")


def test_importing_the_same_export_again_adds_nothing(session):
    bring_in(session)
    before = row_counts(session)
    report = bring_in(session)
    assert (report.revisions_imported, report.revisions_already_imported) == (0, 10)
    assert report.recipes_created == report.accounts_created == report.old_addresses == []
    assert row_counts(session) == before


def test_a_newer_export_adds_only_the_revisions_not_imported_yet(session):
    bring_in(session)
    report = bring_in(session, LATER)
    assert report.recipes_created == ["fete-des-communs"]
    assert report.recipes_updated == ["copy-party", "cartopartie"]
    assert (report.revisions_imported, report.revisions_already_imported, report.revisions_merged) == (
        4,
        10,
        0,
    )
    assert [row[3] for row in history(session, "copy-party")][-2:] == ["Nouveaux horaires", "Rallonges"]
    assert "De 10 h à 18 h, le premier samedi du mois." in text_of(session, "copy-party")
    assert "[[Repair café|repair cafés]]" in text_of(session, "fete-des-communs")
    assert session.scalar(select(func.count()).select_from(MediaWikiRevision)) == 14


def test_a_dry_run_reports_what_the_import_would_do_and_writes_nothing(session):
    before = row_counts(session)
    dry = bring_in(session, dry_run=True)
    assert row_counts(session) == before
    real = bring_in(session)
    assert dry.dry_run and not real.dry_run
    assert {**dry.__dict__, "dry_run": False} == real.__dict__


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (lambda text: text[:9000], 246),
        (lambda text: text.replace("<ns>0</ns>", "<nss>0</nss>", 1), 31),
        (lambda text: text.replace("2024-03-03T09:00:00Z", "hier", 1), 61),
        (lambda text: text.replace("</comment>", "</commentaire>", 1), 40),
    ],
    ids=["truncated", "unexpected element", "bad date", "malformed"],
)
def test_a_damaged_export_is_refused_with_its_line_and_nothing_is_imported(session, tmp_path, damage, line):
    path = tmp_path / "damaged.xml"
    path.write_text(damage(FIRST.read_text("utf-8")), encoding="utf-8")
    before = row_counts(session)
    with pytest.raises(ExportRefused) as refusal:
        bring_in(session, path)
    assert refusal.value.line == line and refusal.value.message.startswith(f"line {line}: ")
    assert row_counts(session) == before


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress], ids=["gzip", "bzip2"])
def test_a_truncated_compressed_export_is_refused(session, tmp_path, compress):
    path = tmp_path / "truncated.xml.z"
    path.write_bytes(compress(FIRST.read_bytes())[:3000])
    with pytest.raises(ExportRefused, match="truncated or damaged"):
        bring_in(session, path)
    assert session.scalar(select(func.count()).select_from(Recipe)) == 0


def test_a_revision_whose_text_mediawiki_hides_is_skipped(session, tmp_path):
    # As MediaWiki exports a revision whose text an administrator hid.
    path = tmp_path / "hidden.xml"
    element = '<text bytes="337" deleted="deleted" />'
    hidden = re.sub(r"<text [^>]*>[^<]*</text>", element, FIRST.read_text("utf-8"), count=1)
    path.write_text(hidden, encoding="utf-8")
    report = bring_in(session, path)
    assert [(s.title, s.reason, s.detail) for s in report.skipped_revisions] == [
        ("Copy party", "hidden", "2")
    ]
    assert history(session, "copy-party")[0][3] == "Matériel, déroulé et liens"


def test_the_region_licence_and_namespaces_asked_for_are_checked_before_anything(session):
    regions.create_region(session, "Pays de Brest")
    bring_in(session, region="pays-de-brest", licence="CC-BY-SA-4.0")
    assert get_recipe(session, "copy-party").region.slug == "pays-de-brest"
    for options, message in [
        ({"region": "nulle-part"}, "no region"),
        ({"licence": "GPL-3.0"}, "Unknown licence"),
        ({"namespaces": ["Brouillon"]}, "no namespace"),
    ]:
        with pytest.raises(Invalid, match=message):
            bring_in(session, LATER, **options)
    assert session.scalar(select(func.count()).select_from(MediaWikiPage)) == 3
