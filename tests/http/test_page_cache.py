"""Recipe pages kept for readers not logged in: every change visible on a page shows on the next view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import template_rendered
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update

from recipes.events.recording import approve_event, change_event, delete_event, record_event
from recipes.history import editing, images
from recipes.lineage import forks
from recipes.models import Recipe
from recipes.moderation import protection, relicensing, renaming
from tests.conftest import close_app
from wiki.markdown import render_markdown
from wiki.page_cache import EXTENSION, SHELF_FOLDER, KeptPage, PageShelf, PageStore

from .test_images import picture_bytes

SLUG = "copy-party"
BODY = "## Avant\n\nUn local, des prises.\n"


def domain_session(app):
    return app.extensions["levain.sessions"]()


@pytest.fixture
def moderator(make_user):
    return make_user("camille", role="moderator")


@pytest.fixture
def recipe(app, moderator):
    """A recipe, its page read twice by a reader so that the page is kept."""
    with domain_session(app) as session:
        editing.create_recipe(
            session, author=moderator, title="Copy party", body=BODY, render=render_markdown, tags=["atelier"]
        )
        session.commit()
    for _ in range(2):
        assert read(app).status_code == 200
    assert kept_pages(app) == 1
    return SLUG


def read(app, slug: str = SLUG):
    """The page as a new reader (no cookie) sees it."""
    return app.test_client().get(f"/recipes/{slug}", headers={"Accept-Language": "en"})


def kept_pages(app) -> int:
    return len(app.extensions[EXTENSION]._pages)


def edit(app, moderator, **changes):
    with domain_session(app) as session:
        head = session.query(Recipe).filter_by(slug=SLUG).one().head_number
        arguments = {"body": BODY, "base_revision": head, "render": render_markdown} | changes
        outcome = editing.save_edit(session, SLUG, author=moderator, **arguments)
        session.commit()
    return outcome


def test_a_readers_second_view_is_the_kept_page(app, recipe):
    first, second = read(app), read(app)
    assert kept_pages(app) == 1
    without_token = re.compile(r'name="csrf-token" content="[^"]+"|name="csrf_token" value="[^"]+"')
    assert without_token.sub("", first.get_data(as_text=True)) == without_token.sub(
        "", second.get_data(as_text=True)
    )


@pytest.fixture
def second_process(app):
    """Another app serving the same database from the same instance folder: another worker."""
    from wiki import create_app

    settings = {key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY", "REVIEW_POLICY")}
    other = create_app(
        {"TESTING": True, "INSTANCE_PATH": app.instance_path, "RATELIMIT_ENABLED": False, **settings}
    )
    yield other
    close_app(other)


def rendered_templates(app, view) -> list[str]:
    """The templates rendered while ``view()`` runs."""
    names: list[str] = []

    def note(sender, template, context, **extra):
        names.append(template.name)

    with template_rendered.connected_to(note, app):
        view()
    return names


def test_a_page_kept_by_one_process_is_shown_by_another_without_rendering(app, recipe, second_process):
    page = read(app).get_data(as_text=True)
    shown: list = []
    assert rendered_templates(second_process, lambda: shown.append(read(second_process))) == []
    assert shown[0].status_code == 200 and shown[0].get_data(as_text=True) == page
    assert shown[0].headers["ETag"] == read(app).headers["ETag"]


def test_a_kept_page_of_another_process_is_not_shown_once_the_recipe_changed(
    app, recipe, moderator, second_process
):
    edit(app, moderator, body=BODY + "\nEt des rallonges.\n")
    assert "Et des rallonges." in read(second_process).get_data(as_text=True)


def test_a_damaged_kept_page_file_is_rendered_anew(app, recipe, second_process):
    shelf = Path(app.instance_path) / SHELF_FOLDER
    [kept_file] = [path for path in shelf.rglob("*.json")]
    kept_file.write_text('{"html": "<p>à moitié', encoding="utf-8")
    page = read(second_process)
    assert page.status_code == 200 and "Un local, des prises." in page.get_data(as_text=True)


def test_pages_kept_by_another_release_are_cleared(app, recipe, second_process):
    shelves = Path(app.instance_path) / SHELF_FOLDER
    [current] = list(shelves.iterdir())
    older = shelves / "0.0.1-0123456789abcdef"
    (older / "ab").mkdir(parents=True)
    (older / "ab" / "page.json").write_text("{}", encoding="utf-8")
    assert read(second_process).status_code == 200
    assert list(shelves.iterdir()) == [current]


def test_a_readers_page_makes_no_session_and_its_language_switch_works(app, recipe):
    reader = app.test_client()
    page = reader.get(f"/recipes/{SLUG}")
    assert page.headers.get("Set-Cookie") is None
    assert '<meta name="csrf-token" content="">' in page.get_data(as_text=True)
    switch = {"language": "en", "next": f"/recipes/{SLUG}", "csrf_token": ""}
    answer = reader.post("/language", data=switch, headers={"Origin": "http://localhost"})
    assert answer.status_code == 303
    assert reader.get_cookie("levain_lang").value == "en"


@pytest.mark.parametrize(
    "address",
    ["/", "/regions", "/tags", "/changes", "/search?q=copy", f"/recipes/{SLUG}/history",
     f"/recipes/{SLUG}?rev=1", "/recipes/nowhere"],
)
def test_every_page_a_reader_reads_makes_no_session(app, recipe, address):
    reader = app.test_client()
    page = reader.get(address, headers={"Accept-Language": "en"})
    assert page.status_code in (200, 404)
    assert page.headers.get("Set-Cookie") is None
    assert '<meta name="csrf-token" content="">' in page.get_data(as_text=True)


@pytest.mark.parametrize("address", ["/login", "/register"])
def test_the_login_and_registration_pages_carry_a_token_for_their_form(app, address):
    visitor = app.test_client()
    page = visitor.get(address).get_data(as_text=True)
    [token] = re.findall(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert f'name="csrf_token" value="{token}"' in page
    # A session holding one keeps it; signed anew, it carries the second it was signed at.
    home = visitor.get("/").get_data(as_text=True)
    [kept] = re.findall(r'<meta name="csrf-token" content="([^"]+)"', home)
    assert home.count(kept) == 2 and _unsigned(app, kept) == _unsigned(app, token)


def _unsigned(app, token: str) -> str:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token)


def test_a_language_switch_without_a_token_from_another_site_is_refused(app, recipe):
    reader = app.test_client()
    switch = {"language": "en", "next": "/"}
    for sender in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/"}):
        assert reader.post("/language", data=switch, headers=sender).status_code == 400
    assert reader.get_cookie("levain_lang") is None


def test_a_reader_holding_the_current_page_gets_a_304(app, recipe, moderator):
    reader = app.test_client()
    first = reader.get(f"/recipes/{SLUG}")
    kept = reader.get(f"/recipes/{SLUG}")
    assert first.headers["ETag"] == kept.headers["ETag"] and "no-cache" in kept.headers["Cache-Control"]
    again = reader.get(f"/recipes/{SLUG}", headers={"If-None-Match": kept.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    edit(app, moderator, body=BODY + "\nEt du café.\n")
    changed = reader.get(f"/recipes/{SLUG}", headers={"If-None-Match": kept.headers["ETag"]})
    assert changed.status_code == 200 and "Et du café." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != kept.headers["ETag"]


def test_a_logged_in_reader_gets_a_page_of_their_own(app, recipe, client, login):
    login("alice")
    html = client.get(f"/recipes/{SLUG}").get_data(as_text=True)
    assert "alice" in html
    assert "alice" not in read(app).get_data(as_text=True)


def test_a_new_revision_shows(app, recipe, moderator):
    edit(app, moderator, body=BODY + "\nEt du café.\n")
    assert "Et du café." in read(app).get_data(as_text=True)


def test_a_new_title_shows(app, recipe, moderator):
    edit(app, moderator, title="Copy party du samedi")
    assert "Copy party du samedi" in read(app).get_data(as_text=True)


def test_new_tags_show(app, recipe, moderator):
    outcome = edit(app, moderator, tags=["atelier", "numérique"])
    assert not outcome.changed  # tags alone make no revision
    assert "<li>numérique</li>" in read(app).get_data(as_text=True)


def test_a_revision_awaiting_review_shows(app, recipe, make_user):
    newcomer = make_user("nina", role="contributor")
    edit(app, newcomer, body=BODY + "\nÀ relire.\n", review_policy="new-accounts")
    html = read(app).get_data(as_text=True)
    assert "A newer version awaits review." in html
    assert "À relire." not in html


def test_a_protection_and_its_lifting_show(app, recipe, moderator):
    with domain_session(app) as session:
        protection.protect_recipe(session, SLUG, moderator=moderator, level="editor", reason="vandalisme")
        session.commit()
    assert "vandalisme" in read(app).get_data(as_text=True)
    with domain_session(app) as session:
        protection.protect_recipe(session, SLUG, moderator=moderator, level="none", reason="calme")
        session.commit()
    assert "vandalisme" not in read(app).get_data(as_text=True)


def test_a_deletion_shows(app, recipe, moderator):
    with domain_session(app) as session:
        renaming.delete_recipe(session, SLUG, user=moderator, reason="doublon")
        session.commit()
    assert read(app).status_code == 404


def test_a_new_region_shows(app, recipe, moderator):
    with domain_session(app) as session:
        region = forks.add_region(session, author=moderator, name="Plouarzel")
        # No view moves a recipe to another region yet; the page must follow when one does.
        session.execute(update(Recipe).where(Recipe.slug == SLUG).values(region_id=region.id))
        session.commit()
    assert "Plouarzel" in read(app).get_data(as_text=True)


def test_an_uploaded_picture_shows(app, recipe, moderator):
    with domain_session(app) as session:
        images.upload_image(session, user=moderator, data=picture_bytes(), recipe_slug=SLUG)
        session.commit()
    assert 'class="pictures"' in read(app).get_data(as_text=True)


def test_a_link_to_a_recipe_created_since_shows_as_existing(app, moderator):
    with domain_session(app) as session:
        editing.create_recipe(
            session,
            author=moderator,
            title="Copy party",
            body="Voir [[Atelier vélo]].\n",
            render=render_markdown,
        )
        session.commit()
    assert 'class="wikilink missing"' in read(app).get_data(as_text=True)
    assert 'class="wikilink missing"' in read(app).get_data(as_text=True)
    with domain_session(app) as session:
        editing.create_recipe(
            session, author=moderator, title="Atelier vélo", body="Des vélos.\n", render=render_markdown
        )
        session.commit()
    html = read(app).get_data(as_text=True)
    assert 'class="wikilink missing"' not in html
    assert 'href="/recipes/atelier-velo"' in html


def test_the_lineage_shown_follows_the_parent(app, recipe, moderator):
    with domain_session(app) as session:
        forks.add_region(session, author=moderator, name="Brest")
        fork = forks.fork_recipe(session, SLUG, author=moderator, region="brest", render=render_markdown)
        fork_slug = fork.recipe.slug
        session.commit()
    for _ in range(2):
        assert "Copy party</a>" in read(app, fork_slug).get_data(as_text=True)
    with domain_session(app) as session:
        renaming.rename_recipe(
            session, SLUG, user=moderator, title="Copy party géante", render=render_markdown
        )
        session.commit()
    assert "Copy party géante</a>" in read(app, fork_slug).get_data(as_text=True)
    with domain_session(app) as session:
        renaming.delete_recipe(session, "copy-party-geante", user=moderator, reason="doublon")
        session.commit()
    assert "Adapted from a deleted recipe" in read(app, fork_slug).get_data(as_text=True)


def test_a_grandparents_new_licence_shows_in_the_grandchilds_credit(app, recipe, moderator):
    with domain_session(app) as session:
        forks.add_region(session, author=moderator, name="Brest")
        forks.add_region(session, author=moderator, name="Quimper")
        session.execute(update(Recipe).where(Recipe.slug == SLUG).values(licence="CC0-1.0"))
        child = forks.fork_recipe(
            session, SLUG, author=moderator, region="brest", render=render_markdown, licence="CC-BY-4.0"
        ).recipe.slug
        grandchild = forks.fork_recipe(
            session, child, author=moderator, region="quimper", render=render_markdown, licence="CC-BY-4.0"
        ).recipe.slug
        session.commit()
    for _ in range(2):
        assert "CC0 1.0" in read(app, grandchild).get_data(as_text=True)
    with domain_session(app) as session:
        relicensing.relicense_recipe(session, SLUG, moderator=moderator, licence="CC-BY-SA-4.0")
        session.commit()
    html = read(app, grandchild).get_data(as_text=True)
    assert "CC BY-SA 4.0" in html and "CC0 1.0" not in html


def record(app, author, review_policy="none", **fields):
    with domain_session(app) as session:
        event = record_event(
            session,
            SLUG,
            {"starts_at": "2026-05-14", "place": "Brest", **fields},
            author=session.merge(author),
            render=render_markdown,
            review_policy=review_policy,
        )
        session.commit()
        return event.id


def latest_events_listed(app) -> list[str]:
    html = read(app).get_data(as_text=True)
    section = html.partition('class="recipe-events"')[2].partition("</section>")[0]
    return re.findall(r'<a href="/events/\d+">([^<]+)</a>', section)


def test_the_latest_events_listed_follow_new_changed_approved_and_deleted_events(
    app, recipe, moderator, make_user
):
    first = record(app, moderator, title="Brest, mai")
    assert latest_events_listed(app) == ["Brest, mai"]
    for day in range(1, 6):  # five later events push the first off the short list
        record(app, moderator, title=f"Juin {day}", starts_at=f"2026-06-0{day}")
    assert latest_events_listed(app) == [f"Juin {day}" for day in (5, 4, 3, 2, 1)]
    with domain_session(app) as session:
        change_event(session, first, {"starts_at": "2026-07-01"}, user=moderator, render=render_markdown)
        session.commit()
    assert latest_events_listed(app)[0] == "Brest, mai"
    with domain_session(app) as session:
        change_event(session, first, {"title": "Brest, juillet"}, user=moderator, render=render_markdown)
        session.commit()
    assert latest_events_listed(app)[0] == "Brest, juillet"

    newcomer = make_user("nour", role="contributor")
    waiting = record(app, newcomer, "new-accounts", title="Quimper", starts_at="2026-08-01")
    assert "Quimper" not in latest_events_listed(app)
    with domain_session(app) as session:
        approve_event(session, waiting, user=moderator)
        session.commit()
    assert latest_events_listed(app)[0] == "Quimper"
    with domain_session(app) as session:
        delete_event(session, waiting, user=moderator)
        session.commit()
    assert latest_events_listed(app) == ["Brest, juillet", "Juin 5", "Juin 4", "Juin 3", "Juin 2"]


def test_a_process_keeps_pages_up_to_a_number_of_bytes_the_least_recently_read_dropped_first(tmp_path):
    store = PageStore(PageShelf(tmp_path / "shelf"), size=25)
    pages = {slug: KeptPage(1, f"<p>{slug}</p>".encode(), frozenset(), slug) for slug in ("un", "de", "xy")}
    for slug in ("un", "de"):  # 9 bytes each: both fit
        store.remember((slug, "fr"), pages[slug])
    assert store.get(("un", "fr")) == pages["un"]  # now read after "de"
    store.remember(("xy", "fr"), pages["xy"])  # 27 bytes: the least recently read goes
    assert store.get(("de", "fr")) is None  # neither in memory nor on the shelf (never written there)
    assert store.get(("un", "fr")) == pages["un"]
    assert store.get(("xy", "fr")) == pages["xy"]
