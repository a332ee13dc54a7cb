"""A wiki worth exporting, and fresh databases to import it into: shared by the export tests."""

from __future__ import annotations

import io
import shutil
import uuid

from PIL import Image

from recipes import demo, queries
from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.database import make_engine, make_session_factory
from recipes.exchange import export_wiki
from recipes.history import editing, images
from recipes.lineage import proposals, sync
from recipes.moderation import blocks, protection
from tests.conftest import _empty_postgres

PASSWORD = "a long enough password"


def build_wiki(session, render) -> None:
    """The demo, then a sync, an accepted and a declined proposal with comments, a revert, more users."""
    demo.load_demo(session, render=render)
    users = {name: accounts.find_user(session, name) for name in demo.DEMO_USERS}
    accounts.create_user(session, "zoé", PASSWORD, email="zoe@example.org", role="admin")
    accounts.create_user(session, "Zed", PASSWORD, role="contributor")
    accounts.issue_token(session, "zoé")
    regions.create_region(session, "Île-de-Sein")
    brest = queries.get_recipe(session, "copy-party-brest")
    sync.sync(
        session,
        "copy-party-brest",
        author=users["yann"],
        base_revision=brest.head_number,
        render=render,
        summary="Mise à jour depuis la copy party",
    )
    accepted = proposals.create_proposal(
        session, "cartopartie-geneve", author=users["sam"], summary="L'accessibilité"
    )
    proposals.comment_on_proposal(session, accepted.id, author=users["ines"], body="Très bien « ça » !")
    proposals.accept_proposal(session, accepted.id, author=users["camille"], render=render, comment="Merci")
    declined = proposals.create_proposal(session, "copy-party-paris", author=users["ines"], summary="Paris")
    proposals.decline_proposal(session, declined.id, author=users["camille"], comment="Trop parisien")
    editing.create_recipe(
        session,
        author=users["marc"],
        title="Zèbre et Été",
        body="Un texte\navec « guillemets » et 🍞\n",
        render=render,
        tags=["Été", "éco", "zèbre", "Zoo", "a b"],
        language="fr",
        region=None,
    )
    garden = queries.get_recipe(session, "jardin-partage")
    body = load_blob(session, garden.head_revision.blob_id).text + "\nUne ligne de trop.\n"
    editing.save_edit(
        session,
        "jardin-partage",
        author=users["sam"],
        body=body,
        base_revision=garden.head_number,
        render=render,
        summary="Essai",
    )
    editing.revert(
        session, "jardin-partage", author=users["camille"], number=garden.head_number, render=render
    )
    add_moderation_and_pictures(session, users)


def add_moderation_and_pictures(session, users) -> None:
    """A protected recipe, a blocked account and a picture: moderation state and bytes to export."""
    protection.protect_recipe(
        session, "copy-party", moderator=users["camille"], level="editor", reason="Vandalisme"
    )
    blocks.block_user(session, "Zed", moderator=users["camille"], reason="Spam")
    picture = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 120, 40)).save(picture, format="PNG")
    images.upload_image(session, user=users["marc"], data=picture.getvalue(), recipe_slug="repair-cafe")


def export_text(session, **options) -> str:
    out = io.StringIO()
    export_wiki(session, out, **options)
    return out.getvalue()


class Databases:
    """Fresh, migrated, empty databases of one backend (PostgreSQL ones are emptied and reused)."""

    def __init__(self, db_url: str, sqlite_template: str, tmp_path):
        self.db_url, self.template, self.tmp_path = db_url, sqlite_template, tmp_path
        self.engines, self.sessions = [], []

    def empty_sqlite(self) -> str:
        path = self.tmp_path / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def empty(self) -> str:
        """An empty database of the backend under test (PostgreSQL: the same one, emptied)."""
        if self.db_url.startswith("sqlite"):
            return self.empty_sqlite()
        self.close()
        _empty_postgres(self.db_url)
        return self.db_url

    def session(self, url: str):
        engine = make_engine(url)
        self.engines.append(engine)
        self.sessions.append(make_session_factory(engine)())
        return self.sessions[-1]

    def close(self) -> None:
        for session in self.sessions:
            session.close()
        for engine in self.engines:
            engine.dispose()
