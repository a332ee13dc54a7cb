"""The demo wiki: a handful of recipes with their history, forks in several regions, and their authors.

``load_demo`` fills an empty wiki; ``load_demo_whole`` does it in one transaction, so that a failure
midway (a missing file, a full disk) leaves the wiki as empty as it was. Each revision's text is a
file of ``recipes/demo/``: ``<slug>.<n>.md`` is revision n of the recipe ``<slug>``. A fork's
revision 1 is the copy the fork makes, so its files start at 2. ``HISTORY`` replays the saves in the
order they happened, so that the recent changes look like a living wiki and the Brest copy party is
one revision behind its upstream.

May import: every other group of ``recipes`` (the demo is built through them, like a person would).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from recipes.community.accounts import create_user, find_user
from recipes.community.regions import create_region, list_regions
from recipes.database import WRITE_OPTION
from recipes.demo.events import load_demo_events
from recipes.errors import Invalid
from recipes.history.editing import Renderer, SaveOutcome, create_recipe, save_edit
from recipes.licences.rules import BY_SA
from recipes.lineage.forks import fork_recipe
from recipes.models import Recipe, User
from recipes.slugs import slugify

DEMO_DIR = Path(__file__).resolve().parent
# Trusted roles, so that the demo edits are live whatever the review policy.
DEMO_USERS = {"camille": "moderator", "yann": "editor", "ines": "editor", "marc": "editor", "sam": "editor"}
DEMO_REGIONS = ("La Roche-sur-Yon", "Brest", "Paris", "Genève", "Lyon", "Plouarzel")


@dataclass(frozen=True)
class DemoRecipe:
    title: str
    language: str
    region: str
    tags: tuple[str, ...]
    # The licence its text states (each says "CC BY-SA 4.0" in its Licence section), whatever the
    # instance offers for new recipes; forks keep it, as share-alike asks.
    licence: str = BY_SA


RECIPES = {
    "copy-party": DemoRecipe("Copy party", "fr", "la-roche-sur-yon", ("culture libre", "logiciel libre")),
    "cartopartie": DemoRecipe("Cartopartie", "fr", "plouarzel", ("cartographie", "openstreetmap")),
    "repair-cafe": DemoRecipe("Repair café", "fr", "lyon", ("réparation", "réemploi")),
    "jardin-partage": DemoRecipe("Jardin partagé", "fr", "paris", ("jardin", "quartier")),
    "fete-des-communs": DemoRecipe("Fête des communs", "fr", "brest", ("communs", "festival")),
    "running-a-repair-cafe": DemoRecipe("Running a Repair Café", "en", "geneve", ("repair", "reuse")),
}


@dataclass(frozen=True)
class Save:
    """The next revision of ``slug`` (its first one creates the recipe from ``RECIPES``)."""

    slug: str
    author: str
    summary: str


@dataclass(frozen=True)
class Fork:
    """A copy of ``source`` made for ``region`` under a new slug and title."""

    source: str
    slug: str
    region: str
    title: str
    author: str


HISTORY: tuple[Save | Fork, ...] = (
    Save("copy-party", "camille", "Première version, d'après la copy party de la bibliothèque"),
    Save("copy-party", "yann", "Correction de fautes de frappe"),
    Save("cartopartie", "ines", "Première version, après la cartopartie du GR34"),
    Save("repair-cafe", "camille", "Première version"),
    Save("copy-party", "ines", "Ajout d'un tableau des coûts"),
    Save("cartopartie", "marc", "Nouvelle étape : la saisie dans l'éditeur iD"),
    Save("jardin-partage", "yann", "Première version"),
    Save("repair-cafe", "marc", "Liste des outils et des consommables par table"),
    Save("cartopartie", "yann", "Coquilles"),
    Save("fete-des-communs", "marc", "Première version, d'après le Temps des communs"),
    Save("copy-party", "marc", "Nouvelle étape : tout tester la veille ; une clé de démarrage"),
    Save("jardin-partage", "ines", "Fautes d'orthographe"),
    Fork("copy-party", "copy-party-brest", "brest", "Copy party à Brest", "marc"),
    Save("copy-party-brest", "yann", "Version brestoise : annonces bilingues, avec le repair café"),
    Save("running-a-repair-cafe", "sam", "First version, for the English-speaking Geneva group"),
    Save("cartopartie", "camille", "Tableau du matériel et des coûts"),
    Fork("cartopartie", "cartopartie-geneve", "geneve", "Cartopartie à Genève", "marc"),
    Save("cartopartie-geneve", "sam", "Version genevoise : la cartopartie de l'accessibilité"),
    Save("jardin-partage", "camille", "Nouvelle étape : la convention d'occupation"),
    Save("fete-des-communs", "camille", "Ajout d'un programme type sur une semaine"),
    Fork("copy-party-brest", "copy-party-paris", "paris", "Copy party à Paris", "camille"),
    Save("copy-party-paris", "ines", "Version parisienne : une journée entière, sur inscription"),
    Save("running-a-repair-cafe", "ines", "Fix typos"),
    Save("repair-cafe", "ines", "Section « Responsabilité » reformulée, plus simple"),
    Save("copy-party", "camille", "« Ce que dit la loi » reformulé : licences libres et copie privée"),
    Save("jardin-partage", "marc", "Lien vers la future recette de grainothèque"),
    Save("fete-des-communs", "yann", "Liens vers les autres recettes du programme"),
    Save("running-a-repair-cafe", "sam", "Add a safety kit to the checklist"),
)


@dataclass(frozen=True)
class DemoReport:
    """What ``load_demo`` made."""

    recipes: int
    forks: int
    revisions: int
    users: tuple[str, ...]
    regions: tuple[str, ...]


def is_empty(session: Session) -> bool:
    """Return whether the wiki has no recipe yet (the only state the demo loads into)."""
    return session.scalar(select(Recipe.id).limit(1)) is None


def load_demo(session: Session, *, render: Renderer) -> DemoReport:
    """Load the demo users, regions, recipes, revisions and forks into an empty wiki."""
    if not is_empty(session):
        raise Invalid("The wiki already has recipes; the demo loads only into an empty wiki.")
    users = {name: _demo_user(session, name, role) for name, role in DEMO_USERS.items()}
    known = {region.slug for region in list_regions(session)}
    regions = tuple(slugify(name) for name in DEMO_REGIONS)
    for name in DEMO_REGIONS:
        if slugify(name) not in known:
            create_region(session, name)
    heads: dict[str, int] = {}
    for step in HISTORY:
        outcome = _replay(session, step, users, heads, render)
        heads[outcome.recipe.slug] = outcome.revision.number
    load_demo_events(session, users, render=render)
    forks = sum(isinstance(step, Fork) for step in HISTORY)
    return DemoReport(len(heads), forks, sum(heads.values()), tuple(users), regions)


def load_demo_whole(engine: Engine, *, render: Renderer) -> DemoReport:
    """Load the demo in a single write transaction: all of it, or nothing if anything fails.

    The saves commit as they go (each is a transaction of its own); here their session is joined to
    one outer transaction, so that each of their commits only releases a savepoint.
    """
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE, for the whole load
        with connection.begin(), Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            return load_demo(session, render=render)


def _demo_user(session: Session, name: str, role: str) -> User:
    """The demo author of this name; a new one gets a random password nobody knows."""
    return find_user(session, name) or create_user(session, name, secrets.token_urlsafe(24), role=role)


def _replay(
    session: Session, step: Save | Fork, users: dict[str, User], heads: dict[str, int], render: Renderer
) -> SaveOutcome:
    author = users[step.author]
    if isinstance(step, Fork):
        return fork_recipe(
            session, step.source, author=author, region=step.region, render=render, title=step.title,
            new_slug=step.slug,
        )
    head = heads.get(step.slug, 0)
    body = (DEMO_DIR / f"{step.slug}.{head + 1}.md").read_text(encoding="utf-8")
    if head:
        return save_edit(
            session, step.slug, author=author, body=body, base_revision=head, render=render,
            summary=step.summary,
        )
    recipe = RECIPES[step.slug]
    return create_recipe(
        session, author=author, title=recipe.title, body=body, render=render, summary=step.summary,
        tags=list(recipe.tags), language=recipe.language, region=recipe.region,
        licence=recipe.licence, offered_licences=(recipe.licence,),
    )
