"""The demo's events: times the demo recipes were done, in several regions, with accounts, and one series.

Regions are placed on the map; the Fête des communs is a series whose events several towns run over
the same fortnight. Events are recorded and their accounts written through ``recipes.events``, as a
person would.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from recipes.events.recording import change_event, record_event
from recipes.events.series import create_series, place_region
from recipes.history.editing import Renderer
from recipes.models import User

REGION_POINTS = {
    "la-roche-sur-yon": (46.6705, -1.4269),
    "brest": (48.3904, -4.4861),
    "paris": (48.8566, 2.3522),
    "geneve": (46.2044, 6.1432),
    "lyon": (45.764, 4.8357),
    "plouarzel": (48.4378, -4.7289),
}
SERIES = {
    "name": "Fête des communs 2026",
    "starts_on": "2026-10-05",
    "ends_on": "2026-10-18",
    "description": "Une quinzaine d'événements autour des communs, dans plusieurs villes à la fois.",
}


@dataclass(frozen=True)
class DemoEvent:
    recipe: str
    author: str
    fields: dict
    report: str = ""


EVENTS = (
    DemoEvent(
        "copy-party",
        "camille",
        {
            "starts_at": "2025-11-15",
            "place": "Médiathèque Benjamin-Rabier, La Roche-sur-Yon",
            "latitude": 46.6703,
            "longitude": -1.4265,
            "region": "la-roche-sur-yon",
            "participants": 35,
            "revision": 2,
        },
        "## Ce qui a marché\n\nLes clés USB préparées la veille : personne n'a attendu.\n\n"
        "## À changer\n\nPrévoir une table « premiers pas » : la moitié du public découvrait "
        "le logiciel libre.",
    ),
    DemoEvent(
        "copy-party-brest",
        "yann",
        {
            "starts_at": "2026-02-07",
            "place": "Les Capucins, Brest",
            "latitude": 48.3867,
            "longitude": -4.5024,
            "region": "brest",
            "participants": 48,
        },
        "Annonces bilingues appréciées. Le repair café voisin a attiré du monde : à refaire ensemble.",
    ),
    DemoEvent(
        "copy-party-paris",
        "ines",
        {
            "starts_at": "2026-03-21T10:00:00+01:00",
            "ends_at": "2026-03-21T18:00:00+01:00",
            "place": "Bibliothèque Václav-Havel, Paris",
            "latitude": 48.8895,
            "longitude": 2.3622,
            "region": "paris",
            "participants": 60,
            "url": "https://example.org/copy-party-paris",
        },
        "Une journée entière, c'est long : prévoir des pauses et un deuxième poste d'accueil.",
    ),
    DemoEvent(
        "cartopartie",
        "ines",
        {
            "starts_at": "2025-09-20",
            "place": "Sentier GR34, Plouarzel",
            "latitude": 48.4378,
            "longitude": -4.7289,
            "region": "plouarzel",
            "participants": 18,
        },
        "Le vent a emporté deux cartes papier : des pinces à dessin la prochaine fois.",
    ),
    DemoEvent(
        "cartopartie-geneve",
        "sam",
        {
            "starts_at": "2026-05-16",
            "place": "Plainpalais, Genève",
            "latitude": 46.1983,
            "longitude": 6.1423,
            "region": "geneve",
            "participants": 22,
        },
    ),
    DemoEvent(
        "repair-cafe",
        "marc",
        {
            "starts_at": "2026-10-10",
            "place": "MJC Presqu'île, Lyon",
            "latitude": 45.7578,
            "longitude": 4.8320,
            "region": "lyon",
            "series": "fete-des-communs-2026",
        },
    ),
    DemoEvent(
        "fete-des-communs",
        "marc",
        {
            "starts_at": "2026-10-05",
            "ends_at": "2026-10-18",
            "place": "Brest et alentours",
            "region": "brest",
            "series": "fete-des-communs-2026",
        },
    ),
    DemoEvent(
        "copy-party-brest",
        "yann",
        {
            "starts_at": "2026-10-12",
            "place": "Médiathèque des Capucins, Brest",
            "latitude": 48.3867,
            "longitude": -4.5024,
            "region": "brest",
            "series": "fete-des-communs-2026",
        },
    ),
)


def load_demo_events(session: Session, users: dict[str, User], *, render: Renderer) -> int:
    """Place the demo regions, create the series and record the events; return how many."""
    for slug, (latitude, longitude) in REGION_POINTS.items():
        place_region(session, slug, {"latitude": latitude, "longitude": longitude}, user=users["camille"])
    create_series(session, SERIES, author=users["marc"])
    for demo in EVENTS:
        author = users[demo.author]
        event = record_event(session, demo.recipe, demo.fields, author=author, render=render)
        if demo.report:
            change_event(session, event.id, {"report": demo.report}, user=author, render=render)
    return len(EVENTS)
