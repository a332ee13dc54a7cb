"""The permission matrix over HTTP: every state-changing route × role × protected or not, web and API.

Roles: A anonymous, B blocked (a moderator under a block), C contributor, E editor, M moderator,
D admin. "Protected" means every recipe is protected at the moderator level. Each case gets a fresh
wiki in which every request would succeed if allowed, and checks the answer: a refusal is a redirect
to the login page (web) or 401 (API) for anonymous visitors and 403 for everyone else, and nothing
changes in the database; an allowed request succeeds.
"""

from __future__ import annotations

import hashlib
import io

import pytest

from recipes import queries
from recipes.community import accounts, regions
from recipes.events.recording import record_event
from recipes.history import editing
from recipes.history.images import upload_image
from recipes.lineage import forks, proposals
from recipes.moderation import blocks, renaming
from recipes.moderation.protection import protect_recipe
from tests.conftest import PASSWORD, csrf_token_of, plain_render
from tests.http.test_security import database_state, unsafe_routes

# Where anyone may post: logging in and out, registering, choosing the interface language.
OPEN_ROUTES = {"auth.login", "auth.register", "auth.logout", "pages.language"}
# A person's own settings (their API tokens): any account, blocked or not, acts only on its own;
# tests/http/test_finishing_work.py shows who may and what another's token answers.
OWN_ACCOUNT_ROUTES = {"account.create_token", "account.revoke_token"}
# The licence form: tests/http/test_licence_pages.py shows an editor refused (403), a moderator
# allowed, and a change the licence rules forbid refused (409), since each needs a licence of its own.
LICENCE_ROUTES = {"moderation.relicense"}
# Forms that answer a refusal by going back where they were, the reason flashed.
REFUSED_BY_REDIRECT = {"forks.add_region"}

# endpoint: (letters allowed on an unprotected wiki, letters allowed when every recipe is protected)
EXPECTED = {
    "recipes.new": ("CEMD", "CEMD"),
    "recipes.edit": ("CEMD", "MD"),
    "recipes.revert": ("CEMD", "MD"),
    "forks.fork": ("CEMD", "CEMD"),
    "forks.add_region": ("CEMD", "CEMD"),
    "forks.sync_page": ("CEMD", "MD"),
    "forks.recipe_proposals": ("CEMD", "CEMD"),
    "forks.comment": ("CEMD", "CEMD"),
    "forks.accept": ("EMD", "MD"),
    "forks.decline": ("EMD", "MD"),
    "changes.patrol": ("EMD", "EMD"),
    "changes.rename": ("EMD", "MD"),
    "changes.delete": ("MD", "MD"),
    "changes.restore": ("MD", "MD"),
    "watchlist.watch_recipe": ("BCEMD", "BCEMD"),
    "watchlist.unwatch_recipe": ("BCEMD", "BCEMD"),
    "watchlist.watch_region": ("BCEMD", "BCEMD"),
    "watchlist.unwatch_region": ("BCEMD", "BCEMD"),
    "moderation.approve": ("MD", "MD"),
    "moderation.reject": ("MD", "MD"),
    "moderation.protect": ("MD", "MD"),
    "moderation.rollback_recipe": ("MD", "MD"),
    "moderation.block": ("MD", "MD"),
    "moderation.unblock": ("MD", "MD"),
    "moderation.rollback_user": ("MD", "MD"),
    "moderation.change_role": ("D", "D"),
    "moderation.change_role_by_name": ("D", "D"),
    "api_recipes.create_recipe": ("CEMD", "CEMD"),
    "api_recipes.update_recipe": ("CEMD", "MD"),
    "api_recipes.revert": ("CEMD", "MD"),
    "api_recipes.preview": ("CEMD", "CEMD"),
    "api_forks.create_region": ("CEMD", "CEMD"),
    "api_forks.fork": ("CEMD", "CEMD"),
    "api_forks.sync_from_upstream": ("CEMD", "MD"),
    "api_forks.propose": ("CEMD", "CEMD"),
    "api_forks.comment": ("CEMD", "CEMD"),
    "api_forks.accept": ("EMD", "MD"),
    "api_forks.decline": ("EMD", "MD"),
    "api_images.upload": ("CEMD", "CEMD"),
    "api_images.upload_to_recipe": ("CEMD", "MD"),
    "api_images.delete_picture": ("MD", "MD"),
    "api_forks.delete_region": ("MD", "MD"),
    "api_changes.patrol": ("EMD", "EMD"),
    "api_changes.rename": ("EMD", "MD"),
    "api_changes.delete": ("MD", "MD"),
    "api_changes.restore": ("MD", "MD"),
    "api_moderation.approve": ("MD", "MD"),
    "api_moderation.reject": ("MD", "MD"),
    "api_moderation.protect": ("MD", "MD"),
    "api_moderation.rollback_recipe": ("MD", "MD"),
    "api_moderation.rollback_user": ("MD", "MD"),
    "api_moderation.block": ("MD", "MD"),
    "api_moderation.unblock": ("MD", "MD"),
    "api_moderation.change_role": ("D", "D"),
    "events.recipe_events": ("CEMD", "CEMD"),
    "events.edit": ("EMD", "EMD"),
    "events.delete": ("MD", "MD"),
    "events.approve": ("MD", "MD"),
    "api_events.create_event": ("CEMD", "CEMD"),
    "api_events.update_event": ("EMD", "EMD"),
    "api_events.remove_event": ("MD", "MD"),
    "api_events.approve": ("MD", "MD"),
    "api_events.create_event_series": ("CEMD", "CEMD"),
    "api_events.place_on_map": ("CEMD", "CEMD"),
}

# endpoint: (path, fields); the order is the order of the requests (a block comes before its unblock).
REQUESTS = {
    "recipes.new": ("/recipes/new", {"title": "Nouvelle", "body": "Texte.\n"}),
    "recipes.edit": (
        "/recipes/pain/edit",
        {"title": "Pain", "body": "Farine.\nEau.\nSel.\nLevain.\n", "base_revision": 3},
    ),
    "recipes.revert": ("/recipes/pain/revert", {"revision": 1}),
    "forks.fork": ("/recipes/pain/fork", {"region": "pays-de-brest"}),
    "forks.add_region": ("/regions", {"name": "Vallée de la Bruche"}),
    "forks.sync_page": ("/recipes/pain-finistere/sync", {"base_revision": 1}),
    "forks.recipe_proposals": ("/recipes/soupe-c/proposals", {"summary": "Des épices"}),
    "forks.comment": ("/proposals/1/comments", {"body": "Bien vu."}),
    "forks.accept": ("/proposals/1/accept", {}),
    "forks.decline": ("/proposals/2/decline", {"reason": "Non merci.", "comment": "Non merci."}),
    "changes.patrol": ("/changes/1/patrol", {}),
    "changes.rename": ("/recipes/rename-me/rename", {"title": "Renommée"}),
    "changes.delete": ("/recipes/delete-me/delete", {"reason": "doublon"}),
    "changes.restore": ("/recipes/deleted/restore", {"reason": "erreur"}),
    "watchlist.watch_recipe": ("/recipes/pain/watch", {}),
    "watchlist.unwatch_recipe": ("/recipes/pain/unwatch", {}),
    "watchlist.watch_region": ("/regions/pays-de-brest/watch", {}),
    "watchlist.unwatch_region": ("/regions/pays-de-brest/unwatch", {}),
    "moderation.approve": ("/recipes/approve-me/revisions/2/approve", {}),
    "moderation.reject": ("/recipes/reject-me/revisions/2/reject", {"reason": "hors sujet"}),
    "moderation.rollback_recipe": ("/recipes/rollback-me/rollback", {"user": "vandal"}),
    "moderation.block": ("/users/target/block", {"reason": "spam"}),
    "moderation.unblock": ("/users/target/unblock", {}),
    "moderation.rollback_user": ("/users/spammer/rollback", {}),
    "moderation.change_role": ("/users/target/role", {"role": "editor"}),
    "moderation.change_role_by_name": ("/roles", {"name": "vandal", "role": "editor"}),
    "moderation.protect": ("/recipes/pain/protect", {"level": "editor", "reason": "guerre d'édition"}),
    "api_recipes.create_recipe": ("/api/v1/recipes", {"title": "Nouvelle", "body": "Texte.\n"}),
    "api_recipes.update_recipe": (
        "/api/v1/recipes/pain",
        {"body": "Farine.\nEau.\nSel.\nLevain.\n", "base_revision": 3},
    ),
    "api_recipes.revert": ("/api/v1/recipes/pain/revert", {"revision": 1}),
    "api_recipes.preview": ("/api/v1/preview", {"body": "# Titre"}),
    "api_forks.create_region": ("/api/v1/regions", {"name": "Vallée de la Bruche"}),
    "api_forks.fork": ("/api/v1/recipes/pain/forks", {"region": "pays-de-brest"}),
    "api_forks.sync_from_upstream": ("/api/v1/recipes/pain-finistere/sync", {"base_revision": 1}),
    "api_forks.propose": ("/api/v1/recipes/soupe-c/proposals", {"summary": "Des épices"}),
    "api_forks.comment": ("/api/v1/proposals/1/comments", {"body": "Bien vu."}),
    "api_forks.accept": ("/api/v1/proposals/1/accept", {}),
    "api_forks.decline": ("/api/v1/proposals/2/decline", {"comment": "Non merci."}),
    "api_images.upload": ("/api/v1/images", None),
    "api_images.upload_to_recipe": ("/api/v1/recipes/pain/images", None),
    # The picture ada sent (build_wiki): only a moderator deletes a picture someone else sent.
    "api_images.delete_picture": ("/api/v1/images/{picture}", {}),
    "api_forks.delete_region": ("/api/v1/regions/unused", {}),
    "api_changes.patrol": ("/api/v1/changes/1/patrol", {}),
    "api_changes.rename": ("/api/v1/recipes/rename-me/rename", {"title": "Renommée"}),
    "api_changes.delete": ("/api/v1/recipes/delete-me/delete", {"reason": "doublon"}),
    "api_changes.restore": ("/api/v1/recipes/deleted/restore", {"reason": "erreur"}),
    "api_moderation.approve": ("/api/v1/recipes/approve-me/revisions/2/approve", {}),
    "api_moderation.reject": ("/api/v1/recipes/reject-me/revisions/2/reject", {"reason": "hors sujet"}),
    "api_moderation.rollback_recipe": ("/api/v1/recipes/rollback-me/rollback", {"user": "vandal"}),
    "api_moderation.rollback_user": ("/api/v1/users/spammer/rollback", {}),
    "api_moderation.block": ("/api/v1/users/target/block", {"reason": "spam"}),
    "api_moderation.unblock": ("/api/v1/users/target/unblock", {}),
    "api_moderation.change_role": ("/api/v1/users/target/role", {"role": "editor"}),
    "api_moderation.protect": (
        "/api/v1/recipes/pain/protect",
        {"level": "editor", "reason": "guerre d'édition"},
    ),
    "events.recipe_events": ("/recipes/pain/events", {"starts_at": "2026-05-14", "place": "Brest"}),
    "events.edit": ("/events/1/edit", {"report": "Bien."}),
    "events.delete": ("/events/2/delete", {}),
    "events.approve": ("/events/3/approve", {}),
    "api_events.create_event": ("/api/v1/recipes/pain/events", {"starts_at": "2026-05-14", "place": "Brest"}),
    "api_events.update_event": ("/api/v1/events/1", {"report": "Bien."}),
    "api_events.remove_event": ("/api/v1/events/2", {}),
    "api_events.approve": ("/api/v1/events/3/approve", {}),
    "api_events.create_event_series": (
        "/api/v1/series",
        {"name": "Festival", "starts_on": "2026-10-01", "ends_on": "2026-10-15"},
    ),
    "api_events.place_on_map": ("/api/v1/regions/pays-de-brest", {"latitude": 48.4, "longitude": -4.5}),
}
METHODS = {
    "api_recipes.update_recipe": "PUT",
    "api_events.update_event": "PUT",
    "api_events.remove_event": "DELETE",
    "api_events.place_on_map": "PUT",
    "api_images.delete_picture": "DELETE",
    "api_forks.delete_region": "DELETE",
}
ROLE_OF_LETTER = {
    "A": None,
    "B": "moderator",
    "C": "contributor",
    "E": "editor",
    "M": "moderator",
    "D": "admin",
}


def a_picture() -> bytes:
    """A small PNG, made with Pillow (which checks uploads)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def build_wiki(session, *, protected: bool) -> None:
    """Everything the requests act on, so that each would succeed if allowed."""
    make = accounts.create_user
    ada = make(session, "ada", PASSWORD, role="admin")
    vandal, spammer = (make(session, name, PASSWORD, role="contributor") for name in ("vandal", "spammer"))
    make(session, "target", PASSWORD, role="contributor")
    regions.create_region(session, "Pays de Brest")
    regions.create_region(session, "Finistère")
    regions.create_region(session, "Unused")

    def create(title, body, author=ada):
        return editing.create_recipe(
            session, author=author, title=title, body=body, render=plain_render
        ).recipe

    def save(slug, body, author=ada, policy="none"):
        head = queries.get_recipe(session, slug).head_number
        editing.save_edit(
            session,
            slug,
            author=author,
            body=body,
            base_revision=head,
            render=plain_render,
            review_policy=policy,
        )

    create("Pain", "Farine.\n")
    save("pain", "Farine.\nEau.\n")
    forks.fork_recipe(session, "pain", author=ada, region="finistere", render=plain_render)
    save("pain", "Farine.\nEau.\nSel.\n")  # the variant is now behind
    create("Soupe", "Légumes.\n")
    for letter in "abc":
        slug = f"soupe-{letter}"
        forks.fork_recipe(
            session, "soupe", author=ada, region="pays-de-brest", render=plain_render, new_slug=slug
        )
        save(slug, f"Légumes.\nÉpice {letter}.\n")
        if letter != "c":
            proposals.create_proposal(session, slug, author=ada, summary=f"Épice {letter}")
    for slug in ("approve-me", "reject-me"):
        create(slug, "Texte.\n")
        save(slug, "Texte.\nAjout.\n", author=vandal, policy="new-accounts")
    create("rollback-me", "Texte.\n")
    save("rollback-me", "VANDALE\n", author=vandal)
    create("spam", "Texte.\n")
    save("spam", "SPAM\n", author=spammer)
    create("rename-me", "Texte.\n")
    create("delete-me", "Texte.\n")
    create("deleted", "Texte.\n")
    renaming.delete_recipe(session, "deleted", user=ada, reason="essai")
    for place in ("Brest", "Quimper"):  # events 1 and 2
        record_event(
            session, "pain", {"starts_at": "2026-05-14", "place": place}, author=ada, render=plain_render
        )
    record_event(  # event 3, waiting for review
        session,
        "pain",
        {"starts_at": "2026-05-15", "place": "Morlaix"},
        author=vandal,
        render=plain_render,
        review_policy="new-accounts",
    )
    upload_image(session, user=ada, data=a_picture(), recipe_slug="pain")
    if protected:
        for slug in queries.list_recipes(session, limit=200).items:
            protect_recipe(session, slug.slug, moderator=ada, level="moderator", reason="matrice")


def make_actor(session, letter: str) -> None:
    if letter == "A":
        return
    actor = accounts.create_user(session, "actor", PASSWORD, role=ROLE_OF_LETTER[letter])
    if letter == "B":
        blocks.block_user(session, actor.name, moderator=accounts.get_user(session, "ada"), reason="matrice")


def send(client, endpoint: str, headers: dict):
    path, fields = REQUESTS[endpoint]
    path = path.replace("{picture}", f"{hashlib.sha256(a_picture()).hexdigest()}.png")
    method = METHODS.get(endpoint, "POST")
    if fields is None:  # a picture upload
        return client.open(
            path, method=method, headers=headers, data={"file": (io.BytesIO(a_picture()), "p.png")}
        )
    if endpoint.startswith("api_"):
        return client.open(path, method=method, headers=headers, json=fields)
    return client.open(path, method=method, headers=headers, data=fields)


def test_the_matrix_covers_every_state_changing_route(app):
    covered_elsewhere = OPEN_ROUTES | OWN_ACCOUNT_ROUTES | LICENCE_ROUTES
    endpoints = {endpoint for endpoint, _, _ in unsafe_routes(app)} - covered_elsewhere
    assert endpoints == set(EXPECTED)
    assert set(REQUESTS) == set(EXPECTED)


@pytest.mark.parametrize("protected", [False, True], ids=["unprotected", "protected"])
@pytest.mark.parametrize("letter", list(ROLE_OF_LETTER))
@pytest.mark.parametrize("channel", ["web", "api"])
def test_each_role_may_do_what_the_matrix_says(app, client, letter, protected, channel):
    with app.extensions["levain.sessions"]() as session:
        build_wiki(session, protected=protected)
        make_actor(session, letter)
    headers = {}
    if letter != "A":
        client.post(
            "/login", data={"username": "actor", "password": PASSWORD, "csrf_token": csrf_token_of(client)}
        )
    # A visitor not logged in is handed a form token where there is a form to send: the login page.
    headers["X-CSRFToken"] = csrf_token_of(client, "/" if letter != "A" else "/login")
    for endpoint, expected in EXPECTED.items():
        if endpoint.startswith("api_") != (channel == "api"):
            continue
        may = letter in expected[protected]
        before = None if may else database_state(app)
        response = send(client, endpoint, headers)
        status, location = response.status_code, response.headers.get("Location", "")
        to_login = status in (302, 303) and "/login" in location
        case = (endpoint, letter, protected, status, response.get_data(as_text=True)[:300])
        assert status < 500, case
        if may:
            assert status in (200, 201, 202, 204, 303) and not to_login, case
            continue
        if letter == "A":
            assert to_login or status == 401, case
        else:
            assert status == 403 or (endpoint in REFUSED_BY_REDIRECT and status == 303), case
        assert database_state(app) == before, case
