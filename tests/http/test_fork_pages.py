"""The fork pages through the test client: fork, regions, lineage, sync, compare, proposals."""

from __future__ import annotations

import re

import pytest

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import regions
from recipes.community.accounts import find_user
from recipes.events.recording import record_event
from recipes.history import editing
from recipes.lineage import forks, proposals
from tests.conftest import csrf_token_of
from wiki.markdown import render_markdown

TEXT = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def domain(app):
    """Run domain functions on the app's database: ``domain(lambda session: …)``."""

    def run(action):
        with app.extensions["levain.sessions"]() as session:
            return action(session)

    return run


@pytest.fixture
def family(domain, make_user):
    """copy-party and its Brest variant, by camille (an editor); regions Brest and Paris."""
    camille = make_user("camille", role="editor")
    domain(lambda s: [regions.create_region(s, name) for name in ("Brest", "Paris")])
    domain(
        lambda s: editing.create_recipe(
            s, author=camille, title="Copy party", body=TEXT, render=render_markdown
        )
    )
    domain(
        lambda s: forks.fork_recipe(s, "copy-party", author=camille, region="brest", render=render_markdown)
    )


def edit(domain, slug, old, new):
    def save(session):
        recipe = queries.get_recipe(session, slug)
        body = load_blob(session, recipe.head_revision.blob_id).text.replace(old, new)
        author = find_user(session, "camille")
        return editing.save_edit(
            session, slug, author=author, body=body, base_revision=recipe.head_number, render=render_markdown
        )

    return domain(save)


def text_of(domain, slug):
    return domain(lambda s: load_blob(s, queries.get_recipe(s, slug).head_revision.blob_id).text)


def page(client, path, status=200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def post(client, path, data, token, status=303):
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


def conflicting(domain):
    edit(domain, "copy-party", "des clés USB", "des disques durs")
    edit(domain, "copy-party-brest", "des clés USB", "des DVD")


# Forking and regions


def test_the_fork_form_lists_the_regions_and_makes_a_variant(client, family, login):
    token = login("lea", role="contributor")
    html = page(client, "/recipes/copy-party/fork")
    assert 'value="brest"' in html and 'value="paris"' in html
    response = post(client, "/recipes/copy-party/fork", {"region": "paris", "title": "", "slug": ""}, token)
    assert response.headers["Location"].endswith("/recipes/copy-party-paris")
    assert "Adapted from" in page(client, "/recipes/copy-party-paris")


def test_a_refused_fork_keeps_the_form(client, family, login):
    token = login("lea", role="contributor")
    response = post(
        client, "/recipes/copy-party/fork", {"region": "atlantide", "title": "Ma copie"}, token, 400
    )
    html = response.get_data(as_text=True)
    assert "There is no region" in html and 'value="Ma copie"' in html
    post(client, "/recipes/copy-party/fork", {"region": "paris", "slug": "copy-party"}, token, 400)


def test_forking_needs_an_account_and_the_csrf_token(client, family, login):
    assert client.get("/recipes/copy-party/fork").status_code == 302
    anonymous = csrf_token_of(client)
    assert (
        client.post("/recipes/copy-party/fork", data={"region": "paris", "csrf_token": anonymous}).status_code
        == 302
    )
    login("lea", role="contributor")
    assert client.post("/recipes/copy-party/fork", data={"region": "paris"}).status_code == 400
    page(client, "/recipes/nulle-part/fork", 404)


def test_regions_are_listed_added_and_shown_with_their_recipes(client, family, login):
    assert "Brest" in page(client, "/regions")
    html = page(client, "/regions/brest")
    assert "Copy party (Brest)" in html and "up to date with upstream" in html
    page(client, "/regions/atlantide", 404)
    token = login("lea", role="contributor")
    response = post(client, "/regions", {"name": "Lyon", "next": "/recipes/copy-party/fork"}, token)
    assert response.headers["Location"].endswith("/recipes/copy-party/fork")
    assert 'value="lyon"' in page(client, "/recipes/copy-party/fork")
    post(client, "/regions", {"name": "Lyon", "next": "https://evil.example/"}, token)
    assert "exists already" in page(client, "/regions")


# Lineage


def test_the_lineage_is_drawn_with_regions_and_behind_counts(client, family, domain):
    edit(domain, "copy-party", "une salle", "une grande salle")
    html = page(client, "/recipes/copy-party/lineage")
    assert 'class="lineage"' in html and "Copy party (Brest)" in html
    assert "1 upstream change not yet in" in html
    leaf = page(client, "/recipes/copy-party-brest/lineage")
    assert leaf.index("Copy party</a>") < leaf.index("aria-current=page")
    assert "/recipes/copy-party-brest/sync" in leaf
    page(client, "/recipes/nulle-part/lineage", 404)


def test_the_lineage_shows_how_often_each_recipe_was_done(client, family, domain):
    def did_it(slug, starts_at):
        domain(
            lambda s: record_event(
                s,
                slug,
                {"starts_at": starts_at, "place": "Brest"},
                author=find_user(s, "camille"),
                render=render_markdown,
            )
        )

    did_it("copy-party-brest", "2026-05-14")
    did_it("copy-party-brest", "2026-06-02")
    html = page(client, "/recipes/copy-party/lineage")
    origin, variant = (
        re.search(rf'href="/recipes/{slug}/events" data-events="(\d+)">([^<]+)</a>', html).groups()
        for slug in ("copy-party", "copy-party-brest")
    )
    assert origin == ("0", "not done yet") and variant == ("2", "done 2 times")
    lineage_link = r'href="/recipes/copy-party/events\?lineage=true">done 2 times in the whole lineage'
    assert re.search(lineage_link, html)
    did_it("copy-party", "2026-07-01")
    leaf = page(client, "/recipes/copy-party-brest/lineage")
    assert 'href="/recipes/copy-party/events" data-events="1">done 1 time</a>' in leaf
    assert "done 3 times in the whole lineage" in leaf


# Sync


def test_an_up_to_date_variant_says_so(client, family):
    assert "Your variant is up to date" in page(client, "/recipes/copy-party-brest/sync")


def test_a_clean_sync_is_previewed_then_saved(client, family, domain, login):
    edit(domain, "copy-party", "une salle", "une grande salle")
    token = login("lea", role="contributor")
    html = page(client, "/recipes/copy-party-brest/sync")
    assert "1 upstream change not yet in your variant" in html
    assert "<ins>grande </ins>" in html or "grande" in html
    data = {"base_revision": "1", "upstream_revision": "2", "summary": ""}
    response = post(client, "/recipes/copy-party-brest/sync", data, token)
    assert response.headers["Location"].endswith("/recipes/copy-party-brest")
    assert text_of(domain, "copy-party-brest") == TEXT.replace("une salle", "une grande salle")


def test_conflicts_are_shown_with_base_ours_theirs_and_a_box_prefilled_with_ours(
    client, family, domain, login
):
    conflicting(domain)
    token = login("lea", role="contributor")
    html = page(client, "/recipes/copy-party-brest/sync")
    assert "Apporter des clés USB." in html and "Apporter des disques durs." in html
    assert '<textarea id="resolution-0" name="resolution"' in html
    assert "\nApporter des DVD.\n</textarea>" in html
    data = {
        "base_revision": "2",
        "upstream_revision": "2",
        "resolution": "Apporter des DVD et des disques.\n",
    }
    post(client, "/recipes/copy-party-brest/sync", data, token)
    assert "Apporter des DVD et des disques." in text_of(domain, "copy-party-brest")


def test_a_sync_from_a_stale_preview_shows_the_new_merge_and_keeps_what_was_typed(
    client, family, domain, login
):
    conflicting(domain)
    token = login("lea", role="contributor")
    edit(domain, "copy-party-brest", "logiciels", "jeux")
    data = {"base_revision": "2", "upstream_revision": "2", "resolution": "Mon choix à moi\n"}
    response = post(client, "/recipes/copy-party-brest/sync", data, token, 409)
    html = response.get_data(as_text=True)
    assert "Mon choix à moi" in html and 'name="base_revision" value="3"' in html
    assert "Apporter des DVD" in text_of(domain, "copy-party-brest")


@pytest.mark.parametrize(
    "path, status",
    [
        ("/recipes/copy-party/sync", 400),
        ("/recipes/nulle-part/sync", 404),
        ("/recipes/copy-party-brest/sync?upstream=abc", 400),
        ("/recipes/copy-party-brest/sync?upstream=7", 400),
        ("/recipes/copy-party-brest/sync?upstream=" + "9" * 5000, 400),
    ],
)
def test_bad_sync_pages(client, family, path, status):
    page(client, path, status)


def test_bad_sync_posts(client, family, domain, login):
    conflicting(domain)
    assert (
        client.post("/recipes/copy-party-brest/sync", data={"base_revision": "2"}).status_code == 400
    )  # no CSRF
    anonymous = csrf_token_of(client)
    response = client.post(
        "/recipes/copy-party-brest/sync", data={"base_revision": "2", "csrf_token": anonymous}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = login("lea", role="contributor")
    post(client, "/recipes/copy-party-brest/sync", {"base_revision": "abc"}, token, 400)
    html = post(client, "/recipes/copy-party-brest/sync", {"base_revision": "2"}, token, 409).get_data(
        as_text=True
    )
    assert "overlap" in html
    post(client, "/recipes/copy-party/sync", {"base_revision": "1"}, token, 400)


# Compare


def test_compare_shows_any_two_recipes_inline_or_side_by_side(client, family, domain):
    edit(domain, "copy-party-brest", "logiciels", "distributions")
    assert 'name="a"' in page(client, "/compare")
    html = page(client, "/compare?a=copy-party&b=copy-party-brest")
    assert "<ins>distributions</ins>" in html and "<del>logiciels</del>" in html
    assert "diff--side" in page(client, "/compare?a=copy-party@1&b=copy-party-brest@2&view=side")
    page(client, "/compare?a=copy-party", 400)
    page(client, "/compare?a=copy-party&b=copy-party@9", 404)
    page(client, "/compare?a=copy-party&b=nulle-part", 404)


# Proposals


def test_a_variant_proposes_its_changes_and_an_editor_accepts_them(client, family, domain, login):
    edit(domain, "copy-party-brest", "logiciels", "distributions")
    token = login("lea", role="contributor")
    assert "Propose upstream" in page(client, "/recipes/copy-party-brest/proposals")
    response = post(client, "/recipes/copy-party-brest/proposals", {"summary": "Des distributions"}, token)
    proposal_page = response.headers["Location"]
    html = page(client, proposal_page)
    assert "<ins>distributions</ins>" in html and "Accept and merge" not in html
    assert "From the text the variant and Copy party last shared" in html
    post(client, f"{proposal_page}/comments", {"body": "Qu'en dites-vous ?"}, token)
    assert "Qu&#39;en dites-vous ?" in page(client, proposal_page)
    post(client, f"{proposal_page}/accept", {}, token, 403)
    client.post("/logout", data={"csrf_token": token})
    token = login("zoe", role="editor")
    assert "Accept and merge" in page(client, proposal_page)
    post(client, f"{proposal_page}/accept", {"head_revision": "1", "comment": "Merci"}, token)
    assert text_of(domain, "copy-party") == TEXT.replace("logiciels", "distributions")
    html = page(client, proposal_page)
    assert "Accepted by zoe" in html and "Merci" in html
    post(client, f"{proposal_page}/accept", {}, token, 400)
    assert "accepted" in page(client, "/recipes/copy-party/proposals")


def test_accepting_with_conflicts_takes_the_editors_resolutions(client, family, domain, login):
    edit(domain, "copy-party-brest", "des clés USB", "des DVD")
    domain(
        lambda s: proposals.create_proposal(
            s, "copy-party-brest", author=find_user(s, "camille"), summary="DVD"
        )
    )
    edit(domain, "copy-party", "des clés USB", "des disques durs")
    token = login("zoe", role="editor")
    html = page(client, "/proposals/1")
    assert 'name="resolution"' in html and 'name="head_revision" value="2"' in html
    post(client, "/proposals/1/accept", {"head_revision": "2"}, token, 409)
    post(client, "/proposals/1/accept", {"head_revision": "2", "resolution": "Apporter des DVD.\n"}, token)
    assert "Apporter des DVD." in text_of(domain, "copy-party")


def test_declining_needs_a_reason_and_keeps_what_was_typed(client, family, domain, login):
    edit(domain, "copy-party-brest", "logiciels", "distributions")
    domain(
        lambda s: proposals.create_proposal(
            s, "copy-party-brest", author=find_user(s, "camille"), summary="x"
        )
    )
    token = login("zoe", role="editor")
    post(client, "/proposals/1/decline", {"reason": " "}, token, 400)
    html = post(client, "/proposals/1/comments", {"body": ""}, token, 400).get_data(as_text=True)
    assert "cannot be empty" in html
    post(client, "/proposals/1/decline", {"reason": "Hors sujet"}, token)
    assert "Declined by zoe" in page(client, "/proposals/1")


def test_bad_proposal_pages(client, family, login):
    page(client, "/proposals/abc", 400)
    page(client, "/proposals/99", 404)
    page(client, "/proposals/" + "9" * 5000, 400)
    page(client, "/recipes/nulle-part/proposals", 404)
    token = login("lea", role="contributor")
    html = post(client, "/recipes/copy-party-brest/proposals", {"summary": "Rien"}, token, 400).get_data(
        as_text=True
    )
    assert "no local changes" in html and 'value="Rien"' in html
    post(client, "/recipes/copy-party/proposals", {"summary": "Rien"}, token, 400)
    assert client.post("/proposals/1/comments", data={"body": "x"}).status_code == 400  # no CSRF token
