"""The recipe pages through the test client: home, read, create, edit, conflicts, history, old
revisions, diffs and revert, with the bad input each must refuse with a clear 4xx.
"""

from __future__ import annotations

import re

import pytest

from recipes.community import regions
from recipes.community.accounts import find_user
from recipes.history import editing
from recipes.models import Recipe
from recipes.queries import get_recipe
from tests.conftest import csrf_token_of
from wiki.markdown import render_markdown

SLUG = "cartopartie-a-plouarzel"
FIRST = "## Matériel\n\nDes cartes et des crayons.\n"
SECOND = "## Matériel\n\nDes cartes et des feutres lavables.\n"


def domain_session(app):
    return app.extensions["levain.sessions"]()


def make_recipe(app, author="alice", title="Cartopartie à Plouarzel", body=FIRST, **more) -> str:
    with domain_session(app) as session:
        user = find_user(session, author)
        return editing.create_recipe(
            session, author=user, title=title, body=body, render=render_markdown, **more
        ).recipe.slug


def add_edits(app, slug: str, bodies, author="alice") -> None:
    with domain_session(app) as session:
        user = find_user(session, author)
        for body in bodies:
            head = get_recipe(session, slug).head_number
            editing.save_edit(
                session, slug, author=user, body=body, base_revision=head, render=render_markdown
            )


def text_of(response) -> str:
    return response.get_data(as_text=True)


def editor_text(html: str) -> str:
    """What the editor's textarea holds (the line break after the tag is not part of it)."""
    match = re.search(r'<textarea id="body"[^>]*>\n(.*?)</textarea>', html, re.S)
    assert match, "no editor on the page"
    return match.group(1)


@pytest.fixture
def editor(login):
    """A logged-in editor named alice; returns the session's CSRF token."""
    return login("alice")


# --- Home and reading ----------------------------------------------------------------------


def test_home_lists_recent_recipes_and_offers_to_write_one(app, client, editor):
    make_recipe(app)
    make_recipe(app, title="Repair café")
    html = text_of(client.get("/"))
    assert html.index("Repair café") < html.index("Cartopartie à Plouarzel")
    assert 'href="/recipes/new"' in html
    assert f'href="/recipes/{SLUG}"' in html


def test_a_recipe_page_shows_its_facts_and_stored_html(app, client, editor):
    with domain_session(app) as session:
        regions.create_region(session, "Pays de Brest")
    make_recipe(app, tags=["cartographie", "quartier"], region="pays-de-brest")
    html = text_of(client.get(f"/recipes/{SLUG}"))
    assert "<h1>Cartopartie à Plouarzel</h1>" in html
    assert "Pays de Brest" in html
    assert "<li>cartographie</li>" in html and "<li>quartier</li>" in html
    assert "Français" in html
    moment = r"<time datetime=\"\d{4}-\d\d-\d\dT[^\"]+\+00:00\" title=\""
    assert re.search(r"Revision 1 by alice,\s*" + moment, html)
    assert '<h2 id="materiel">Matériel</h2>' in html
    for link in (
        f"/recipes/{SLUG}/edit",
        f"/recipes/{SLUG}/history",
        f"/recipes/{SLUG}/fork",
        f"/recipes/{SLUG}/lineage",
    ):
        assert f'href="{link}"' in html


def test_a_page_view_never_renders_markdown(app, client, editor, monkeypatch):
    make_recipe(app, body="## A\n\n[[Pain au levain]]\n")
    add_edits(app, SLUG, ["## A\n\n[[Pain au levain]] et [[Cartopartie à Plouarzel]]\n"])

    def forbidden(text):
        raise AssertionError("the Markdown renderer ran on a page view")

    monkeypatch.setattr("wiki.markdown._MARKDOWN", forbidden)
    for path in ("", "/history", "/revisions/1", "/diff", "/diff?view=side", "/edit"):
        assert client.get(f"/recipes/{SLUG}{path}").status_code == 200, path


def test_a_table_of_contents_needs_three_headings(app, client, editor):
    make_recipe(app, title="Deux", body="## Un\n\n## Deux\n")
    make_recipe(app, title="Trois", body="## Un\n\n## Deux\n\n### Trois\n")
    assert 'class="toc"' not in text_of(client.get("/recipes/deux"))
    html = text_of(client.get("/recipes/trois"))
    assert 'class="toc"' in html
    assert '<li class="toc__level-3"><a href="#trois"' in html


def test_wiki_links_to_missing_recipes_offer_to_create_them(app, client, editor):
    make_recipe(app, title="Copy party", body="Voir [[Copy party]] et [[Atelier vélo]].\n")
    html = text_of(client.get("/recipes/copy-party"))
    assert re.search(r'<a class="wikilink" data-wikilink="copy-party" href="/recipes/copy-party"', html)
    missing = re.search(r'<a class="wikilink missing" data-wikilink="atelier-velo" href="([^"]+)"', html)
    assert missing and missing.group(1) == "/recipes/new?title=Atelier+v%C3%A9lo"
    form = text_of(client.get("/recipes/new?title=Atelier+v%C3%A9lo"))
    assert 'id="title" name="title" value="Atelier vélo"' in form


def test_a_fork_says_where_it_was_adapted_from(app, client, editor):
    with domain_session(app) as session:
        regions.create_region(session, "Pays de Brest")
    make_recipe(app, region="pays-de-brest")
    add_edits(app, SLUG, [SECOND])
    make_recipe(app, title="Cartopartie à Genève")
    with domain_session(app) as session:
        parent = get_recipe(session, SLUG)
        fork = get_recipe(session, "cartopartie-a-geneve")
        fork.parent_id, fork.fork_revision_id = parent.id, parent.head_revision_id
        session.commit()
    html = " ".join(text_of(client.get("/recipes/cartopartie-a-geneve")).split())
    assert f'Adapted from <a href="/recipes/{SLUG}">Cartopartie à Plouarzel</a> (Pays de Brest),' in html
    assert f'<a href="/recipes/{SLUG}/revisions/2">revision 2</a>' in html


def test_unknown_recipes_and_revisions_are_404_pages(app, client, editor):
    make_recipe(app)
    for path in (
        "/recipes/nope",
        "/recipes/nope/history",
        "/recipes/nope/edit",
        "/recipes/nope/diff",
        "/recipes/nope/revisions/1",
        f"/recipes/{SLUG}/revisions/2",
        f"/recipes/{SLUG}/diff?from=1&to=9",
        "/recipes/" + "x" * 300,
        "/recipes/a%00b",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in text_of(response)


MALFORMED_REVISION_PATHS = [
    "/revisions/abc",
    "/revisions/0",
    "/revisions/-1",
    "/revisions/1.5",
    "/revisions/99999999999999999999",
    "/diff?from=abc",
    "/diff?to=0",
    "/diff?from=-1&to=1",
    "/diff?to=1e3",
    "/history?before=abc",
    "/history?before=0",
    "/history?before=-5",
]


def test_malformed_revision_numbers_are_400_pages_with_a_sentence(app, client, editor):
    make_recipe(app)
    for path in MALFORMED_REVISION_PATHS:
        response = client.get(f"/recipes/{SLUG}{path}")
        assert response.status_code == 400, path
        assert "must be a whole number" in text_of(response), path


# --- Creating ------------------------------------------------------------------------------


def test_writing_a_recipe_needs_an_account(client):
    response = client.get("/recipes/new?title=Pain")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/login?next=/recipes/new")


def test_the_new_recipe_form_starts_from_the_template(app, client, editor):
    with domain_session(app) as session:
        regions.create_region(session, "Genève")
    html = text_of(client.get("/recipes/new?title=Cartopartie"))
    body = editor_text(html)
    sections = [
        "Présentation",
        "Résumé",
        "Pourquoi se lancer",
        "À savoir avant de se lancer",
        "De quoi a-t-on besoin",
        "Étapes",
        "Variantes locales",
    ]
    assert [line[3:] for line in body.splitlines() if line.startswith("## ")] == sections
    # The licence is the one chosen beside the text, which the page states: the text names none.
    assert "BY-SA" not in body and "Creative Commons" not in body
    for word in ("Durée", "Difficulté", "Coûts"):
        assert word in body
    assert 'value="Cartopartie"' in html
    assert '<option value="geneve"' in html
    assert 'name="language"' in html and 'data-starter-en="' in html
    assert '<div id="preview"' in html
    english = editor_text(text_of(client.get("/recipes/new?language=en")))
    assert english.startswith("## Overview")


def test_creating_a_recipe_leads_to_it(app, client, editor):
    response = client.post(
        "/recipes/new",
        data={
            "title": "Cartopartie à Plouarzel",
            "body": FIRST,
            "tags": "Cartes, quartier",
            "language": "fr",
            "region": "",
            "summary": "première version",
            "csrf_token": editor,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recipes/{SLUG}"
    html = text_of(client.get(f"/recipes/{SLUG}"))
    assert "Saved as revision 1." in html
    assert "<p>Des cartes et des crayons.</p>" in html
    assert "<li>cartes</li>" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "A recipe needs a title."),
        ({"title": "???"}, "at least one letter or digit"),
        ({"tags": "ok, <bad>"}, "A tag has at most"),
        ({"language": "de"}, "The language is one of"),
        ({"region": "nowhere"}, "There is no region"),
        ({"summary": "s" * 600}, "An edit summary has at most"),
        ({"title": "Pain\x00"}, None),
    ],
)
def test_a_refused_new_recipe_keeps_what_was_typed(client, editor, fields, message):
    typed = "## Mon texte\n\nÀ ne pas perdre <b>!</b>\n"
    data = {"title": "Pain", "body": typed, "language": "fr", "csrf_token": editor, **fields}
    response = client.post("/recipes/new", data=data)
    if message is None:  # a NUL character is marked, and the title is still accepted
        assert response.status_code == 303
        return
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert editor_text(html) == typed.replace("<", "&lt;").replace(">", "&gt;")


def test_an_anonymous_save_keeps_the_text_too(client):
    token = csrf_token_of(client)
    response = client.post("/recipes/new", data={"title": "Pain", "body": "Mon texte", "csrf_token": token})
    assert response.status_code == 401
    assert editor_text(text_of(response)) == "Mon texte"


# --- Editing and conflicts -----------------------------------------------------------------


def test_the_edit_form_holds_the_current_text_and_revision(app, client, editor):
    make_recipe(app, tags=["cartes"])
    add_edits(app, SLUG, [SECOND])
    html = text_of(client.get(f"/recipes/{SLUG}/edit"))
    assert editor_text(html) == SECOND
    assert '<input type="hidden" name="base_revision" value="2">' in html
    assert 'value="Cartopartie à Plouarzel"' in html
    assert 'value="cartes"' in html
    assert 'name="summary"' in html


def test_editing_needs_an_account(app, client, make_user):
    make_user("alice")
    make_recipe(app)
    response = client.get(f"/recipes/{SLUG}/edit")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == f"/login?next=/recipes/{SLUG}/edit"


def save(client, token, body, base, **more):
    data = {
        "title": "Cartopartie à Plouarzel",
        "body": body,
        "base_revision": base,
        "summary": "",
        "tags": "",
    }
    return client.post(f"/recipes/{SLUG}/edit", data={**data, **more, "csrf_token": token})


def test_saving_an_edit_makes_a_revision_with_its_summary(app, client, editor):
    make_recipe(app)
    response = save(client, editor, SECOND, 1, summary="du café")
    assert response.status_code == 303
    assert "du café" in text_of(client.get(f"/recipes/{SLUG}/history"))
    assert "Des cartes et des feutres lavables." in text_of(client.get(f"/recipes/{SLUG}"))


def test_saving_the_same_text_makes_no_revision(app, client, editor):
    make_recipe(app)
    save(client, editor, FIRST, 1)
    html = text_of(client.get(f"/recipes/{SLUG}"))
    assert "nothing new was saved" in html
    assert "Revision 1 by" in html


def test_a_conflict_keeps_the_users_text_and_shows_the_saved_one(app, client, editor):
    make_recipe(app)
    add_edits(app, SLUG, ["## Matériel\n\nDes cartes et des stylos.\n"])
    mine = "## Matériel\n\nDes cartes et des feutres.\n"
    response = save(client, editor, mine, 1)
    assert response.status_code == 409
    html = text_of(response)
    assert editor_text(html) == mine
    assert '<input type="hidden" name="base_revision" value="2">' in html
    assert "Des cartes et des stylos." in html  # the text saved meanwhile, read-only
    assert "Des cartes et des <del>stylos</del>." in html and "Des cartes et des <ins>feutres</ins>." in html
    assert "Passages both of you changed" in html
    for version in ("crayons", "feutres", "stylos"):  # base, ours and theirs of the overlapping passage
        assert re.search(rf'<pre class="text-block[^"]*">Des cartes et des {version}.', html), version

    again = save(client, editor, mine, 2)
    assert again.status_code == 303
    assert "Des cartes et des feutres." in text_of(client.get(f"/recipes/{SLUG}"))


def test_edits_to_different_lines_are_merged(app, client, editor):
    make_recipe(app, body="Un.\n\nDeux.\n")
    add_edits(app, SLUG, ["Un, modifié.\n\nDeux.\n"])
    response = save(client, editor, "Un.\n\nDeux, modifié.\n", 1)
    assert response.status_code == 303
    html = text_of(client.get(f"/recipes/{SLUG}"))
    assert "merged with the changes saved in the meantime" in html
    assert "<p>Un, modifié.</p>" in html and "<p>Deux, modifié.</p>" in html


def test_a_refused_edit_keeps_the_text(app, client, editor):
    make_recipe(app)
    for fields, status in [
        ({"title": ""}, 400),
        ({"base_revision": "abc"}, 400),
        ({"base_revision": "7"}, 400),
    ]:
        response = save(client, editor, "Mon texte à garder", 1, **fields)
        assert response.status_code == status, fields
        assert editor_text(text_of(response)) == "Mon texte à garder"


# --- History, old revisions, revert -------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_sizes(app, client, editor):
    make_recipe(app, body="abc")
    add_edits(app, SLUG, ["abcdefghijklmno", "abcde"])
    html = text_of(client.get(f"/recipes/{SLUG}/history"))
    numbers = re.findall(r'<tr data-number="(\d+)"', html)
    assert numbers == ["3", "2", "1"]
    assert '<span class="size-change size-change--plus">+12</span>' in html
    assert '<span class="size-change size-change--minus">−10</span>' in html
    assert len(re.findall(r'<time datetime="', html)) == 3
    assert 'name="from" value="2"' in html and 'name="to" value="3"' in html
    assert f'action="/recipes/{SLUG}/diff"' in html
    assert html.count("Revert to this") == 2  # not on the current revision


def test_history_is_paged_by_fifty(app, client, editor):
    make_recipe(app, body="0")
    add_edits(app, SLUG, [str(n) for n in range(1, 55)])
    first = text_of(client.get(f"/recipes/{SLUG}/history"))
    numbers = [int(n) for n in re.findall(r'<tr data-number="(\d+)"', first)]
    assert numbers == list(range(55, 5, -1))
    assert f'href="/recipes/{SLUG}/history?before=6"' in first
    second = text_of(client.get(f"/recipes/{SLUG}/history?before=6"))
    assert re.findall(r'<tr data-number="(\d+)"', second) == ["5", "4", "3", "2", "1"]
    assert f'href="/recipes/{SLUG}/history?before=' not in second  # no link to older revisions


def test_anonymous_readers_see_the_history_without_revert_buttons(app, client, make_user):
    make_user("alice")
    make_recipe(app)
    add_edits(app, SLUG, [SECOND])
    html = text_of(client.get(f"/recipes/{SLUG}/history"))
    assert '<tr data-number="2"' in html
    assert "Revert to this" not in html


def test_reverting_makes_a_new_revision_with_the_old_text(app, client, editor):
    make_recipe(app)
    add_edits(app, SLUG, [SECOND])
    response = client.post(f"/recipes/{SLUG}/revert", data={"revision": "1", "csrf_token": editor})
    assert response.status_code == 303
    html = text_of(client.get(f"/recipes/{SLUG}"))
    assert "Revision 3 by alice" in html
    assert "<p>Des cartes et des crayons.</p>" in html
    assert "Back to revision 1" in text_of(client.get(f"/recipes/{SLUG}/history"))
    french = client.get(f"/recipes/{SLUG}/history", headers={"Accept-Language": "fr"})
    assert "Retour à la révision 1" in text_of(french)


@pytest.mark.parametrize(
    ("revision", "status"), [("abc", 400), ("0", 400), ("-1", 400), ("", 400), ("9", 404)]
)
def test_reverting_to_a_bad_revision_is_refused(app, client, editor, revision, status):
    make_recipe(app)
    response = client.post(f"/recipes/{SLUG}/revert", data={"revision": revision, "csrf_token": editor})
    assert response.status_code == status


def test_reverting_needs_an_account_and_a_csrf_token(app, client, make_user, login):
    make_user("alice")
    make_recipe(app)
    add_edits(app, SLUG, [SECOND])
    anonymous = client.post(
        f"/recipes/{SLUG}/revert", data={"revision": "1", "csrf_token": csrf_token_of(client)}
    )
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
    # After logging in, the address leads back to the history rather than to a 405.
    assert client.get(f"/recipes/{SLUG}/revert").headers["Location"] == f"/recipes/{SLUG}/history"
    login("bob")
    assert client.post(f"/recipes/{SLUG}/revert", data={"revision": "1"}).status_code == 400
    assert "Revision 2 by" in text_of(client.get(f"/recipes/{SLUG}"))


def test_an_old_revision_shows_its_html_with_a_banner(app, client, editor):
    make_recipe(app)
    add_edits(app, SLUG, [SECOND, SECOND + "\nEncore.\n"])
    html = " ".join(text_of(client.get(f"/recipes/{SLUG}/revisions/2")).split())
    assert "Old revision 2 of" in html
    assert f'<a href="/recipes/{SLUG}">see the current one</a>' in html
    assert "Des cartes et des feutres lavables." in html
    assert f'href="/recipes/{SLUG}/diff?from=1&amp;to=2"' in html
    assert f'href="/recipes/{SLUG}/diff?from=2&amp;to=3"' in html
    latest = text_of(client.get(f"/recipes/{SLUG}/revisions/3"))
    assert "This is the latest revision" in latest and "diff?from=3" not in latest


# --- Diffs -----------------------------------------------------------------------------------


def test_a_diff_marks_the_changed_words(app, client, editor):
    make_recipe(app)
    add_edits(app, SLUG, [SECOND])
    html = text_of(client.get(f"/recipes/{SLUG}/diff?from=1&to=2"))
    assert "Des cartes et des <del>crayons</del>." in html
    assert "Des cartes et des <ins>feutres lavables</ins>." in html
    assert 'class="diff-row diff-row--removed"' in html and 'class="diff-row diff-row--added"' in html
    assert '<span class="size-change size-change--plus">+' in html
    side = text_of(client.get(f"/recipes/{SLUG}/diff?from=1&to=2&view=side"))
    assert 'class="diff diff--side"' in side and "<ins>" in side and "<del>" in side


def test_a_diff_defaults_to_the_latest_change(app, client, editor):
    make_recipe(app, body="un\n")
    add_edits(app, SLUG, ["deux\n", "trois\n"])
    html = text_of(client.get(f"/recipes/{SLUG}/diff"))
    assert re.search(r"diff-row--removed.*?deux.*?diff-row--added.*?trois", html, re.S)
    only_to = text_of(client.get(f"/recipes/{SLUG}/diff?to=2"))
    assert re.search(r"diff-row--removed.*?un.*?diff-row--added.*?deux", only_to, re.S)
    reversed_pick = text_of(client.get(f"/recipes/{SLUG}/diff?from=3&to=1"))
    assert re.search(r"diff-row--removed.*?un.*?diff-row--added.*?trois", reversed_pick, re.S)


def test_a_diff_collapses_long_unchanged_stretches(app, client, editor):
    lines = [f"ligne {n}" for n in range(1, 41)]
    make_recipe(app, body="\n".join(lines) + "\n")
    changed = lines[:20] + ["ligne vingt et un"] + lines[21:]
    add_edits(app, SLUG, ["\n".join(changed) + "\n"])
    html = text_of(client.get(f"/recipes/{SLUG}/diff"))
    assert "17 unchanged lines" in html and "16 unchanged lines" in html
    assert "ligne 5<" not in html
    assert "The two revisions have the same text." in text_of(client.get(f"/recipes/{SLUG}/diff?from=1&to=1"))


# --- What every page must hold to -----------------------------------------------------------------


def test_no_page_has_inline_script_or_style(app, client, editor):
    make_recipe(app, body="## A\n\n## B\n\n## C\n\n[[Missing]]\n")
    add_edits(app, SLUG, ["## A\n\nTexte.\n"])
    paths = [
        "/",
        "/login",
        "/register",
        "/logout",
        "/recipes/new",
        f"/recipes/{SLUG}",
        f"/recipes/{SLUG}/edit",
        f"/recipes/{SLUG}/history",
        f"/recipes/{SLUG}/revisions/1",
        f"/recipes/{SLUG}/diff",
        f"/recipes/{SLUG}/diff?view=side",
        "/recipes/nope",
        f"/recipes/{SLUG}/revisions/abc",
    ]
    for path in paths:
        html = text_of(client.get(path))
        # A data block (JSON-LD) is never run, so the Content-Security-Policy allows it; a script is not.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"<style", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert '<meta name="csrf-token" content="' in html, path


def test_a_recipe_saved_with_a_nul_character_stays_readable(app, client, editor):
    response = client.post(
        "/recipes/new", data={"title": "Pain", "body": "a\x00b", "summary": "x\x00", "csrf_token": editor}
    )
    assert response.status_code == 303
    assert client.get("/recipes/pain").status_code == 200
    with domain_session(app) as session:
        assert session.query(Recipe).count() == 1


def test_an_edit_without_a_tags_field_keeps_the_tags(app, client, editor):
    make_recipe(app, tags=["cartes"])
    data = {"title": "Cartopartie à Plouarzel", "body": SECOND, "base_revision": "1", "csrf_token": editor}
    assert client.post(f"/recipes/{SLUG}/edit", data=data).status_code == 303
    assert "<li>cartes</li>" in text_of(client.get(f"/recipes/{SLUG}"))


def test_a_title_in_any_script_gets_an_address(client, login):
    token = login()
    for title, slug in (("Κοινός κήπος", "koinos-kepos"), ("共享花园", "gong-xiang-hua-yuan")):
        response = client.post("/recipes/new", data={"title": title, "body": "Texte.", "csrf_token": token})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/recipes/{slug}")
        assert title in text_of(client.get(f"/recipes/{slug}"))


def test_a_region_page_shows_readers_the_revision_the_recipe_shows(app, client, make_user):
    make_user("alice")
    make_user("tom", role="contributor")
    with domain_session(app) as session:
        regions.create_region(session, "Brest")
    slug = make_recipe(app, region="brest")
    with domain_session(app) as session:
        pending = editing.save_edit(
            session,
            slug,
            author=find_user(session, "tom"),
            body="En attente.\n",
            base_revision=1,
            render=render_markdown,
            review_policy="new-accounts",
        )
        assert pending.revision.status == "pending"
    assert "Revision 1 by alice" in text_of(client.get(f"/recipes/{slug}"))
    region_page = text_of(client.get("/regions/brest"))
    assert "revision 1" in region_page and "revision 2" not in region_page
