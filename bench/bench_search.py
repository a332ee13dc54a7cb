"""Search speed on 10,000 recipes (Whoosh, PostgreSQL) and 100,000 (PostgreSQL), rebuilds, edits found.

The recipes are generated: 2–5 KB of French (three in four) or English text drawn from a vocabulary
with a Zipf-like frequency, each about one of sixteen kinds of initiative (cartopartie, repair café,
shared garden …) whose words come back through the text, a title naming the kind and a place, tags,
a region, and one recipe in three a regional variant of the one before. They are inserted with SQL
in bulk (blobs compressed as ``store_blob`` would), then indexed by the real ``rebuild``: its
throughput is measured. Searches go through ``search_recipes`` (outbox check, search, grouping by
lineage, facets, snippets, "did you mean" when nothing matches), over a set of reader queries.

PostgreSQL's 10,000 recipes are made as above in a scratch database, rebuilt, and searched.
PostgreSQL's 100,000 recipes: 10,000 made as above and rebuilt, then 90,000 search documents of
the same kind written straight by the backend's bulk writer to stub recipes, since rebuilding
100,000 would take longer than the whole benchmark may. Writing them still takes minutes, so that
corpus is kept in a database of its own on the server (``levain_bench_search_<fingerprint>``) and
reused by the next run when its fingerprint (schema version and corpus recipe) and its number of
documents say it is complete; the rebuild and edit measures use a scratch database every time.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import os
import random
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import (
    POSTGRES_URL_VARIABLE,
    Row,
    Scratch,
    backends,
    guarded,
    make_authors,
    ms,
    percentile,
    progress,
    scratch,
    spread,
    verdict,
)
from bench.serving import THREADS, WORKERS, check_page, served, wiki_environment
from recipes.community.regions import create_region
from recipes.database import make_engine, make_session_factory
from recipes.history.editing import save_edit
from recipes.models import Blob, Recipe, RecipeTag, Revision, utcnow
from recipes.schema import MIGRATIONS_DIR, upgrade_database
from recipes.search import SearchIndex, make_request, open_index, postgres_tsqueries, search_recipes
from recipes.search.documents import SearchDocument
from recipes.search.models import SearchDocumentRow
from recipes.search.postgres_backend import PostgresIndex

WHOOSH_RECIPES, POSTGRES_RECIPES, POSTGRES_REBUILT = 10_000, 100_000, 10_000
KEPT_PREFIX = "levain_bench_search_"
GOAL_P95, GOAL_VISIBLE = 0.040, 1.0
GOAL_WHOOSH_REBUILD_PER_SECOND = 150
WARMUP_ROUNDS, MEASURED_ROUNDS, EDITS = 2, 3, 5
INSERT_BATCH = 1_000
# The vocabulary: this many words, the first FUNCTION_WORDS of COMMON first, its other words one in
# CONTENT_WORD_SPACING among made-up words (see _words).
VOCABULARY_SIZE, FUNCTION_WORDS, CONTENT_WORD_SPACING = 15_000, 40, 10
# One kind of initiative a line: title in French | in English | its words in French | in English.
KINDS = [tuple(part.strip() for part in line.split("|")) for line in """
    Cartopartie | Mapping party | cartopartie carte cartographier relevés | map mapping survey GPS
    Repair café | Repair café | réparation outils grille-pain soudure | repair fixers tools toaster
    Jardin partagé | Shared garden | jardin parcelle potager semis arrosage | garden plot vegetables watering
    Copy party | Copy party | copie logiciels libres clé fichiers licence | copy free software stick files
    Grainothèque | Seed library | graines semences variétés sachets troc | seeds varieties packets heirloom
    Disco soupe | Disco soup | soupe légumes invendus épluchage musique | soup vegetables unsold peeling music
    Gratiferia | Free market | gratuité dons objets marché | free giving objects market
    Fresque du climat | Climate fresco | climat fresque cartes animateur | climate fresco cards facilitator
    Bourse aux vélos | Bike swap | vélos bourse occasion pneus freins | bikes swap used tyres brakes
    Atelier couture | Sewing circle | couture machine tissu ourlet patron | sewing machine fabric hem pattern
    Café tricot | Knitting café | tricot laine aiguilles pelote maille | knitting wool needles yarn stitch
    Boîte à livres | Book box | livres boîte lecture étagère | books box reading shelf
    Compost de quartier | Community composting | compost composteur déchets bac | compost composter waste bin
    Troc de plantes | Plant swap | plantes boutures troc pots | plants cuttings swap pots
    Ciné-débat | Film debate | film projection débat salle | film screening debate room
    Vélorution | Critical mass | vélorution manifestation vélo parcours | ride demonstration bicycle route
""".strip().splitlines()]
COMMON = {
    "fr": """de la le et les des à un une pour en du que avec qui dans sur par au pas est sont on nous
        vous il elle ils plus ce cette mais ou aussi tout tous faire peut bien chaque même temps jour
        quartier bénévoles association atelier réunion matériel salle mairie voisins habitants
        public participants organiser prévoir préparer accueillir annoncer inviter animer ranger
        nettoyer affiche tract réseau liste courriel téléphone date heure lieu budget subvention
        assurance responsabilité sécurité accessibilité enfants familles âgés débutants expérience
        conseils étape première deuxième ensuite enfin avant après pendant besoin important simple
        facile table chaises café gâteau boissons tables rallonge électricité eau clé local école
        marché centre social bibliothèque médiathèque maison commune ville village région printemps
        été automne hiver samedi dimanche matin après-midi soir mois année rencontre fête bilan
        photos merci idées questions réponses règles charte licence partager apprendre transmettre""",
    "en": """the of and to a in for is on that with as it be are at this by from or you your we they
        can will all more each time day neighbourhood volunteers association workshop meeting
        equipment hall council neighbours residents public participants organise plan prepare
        welcome announce invite host tidy clean poster leaflet network list email phone date hour
        place budget grant insurance liability safety accessibility children families elderly
        beginners experience tips step first second then finally before after during need important
        simple easy table chairs coffee cake drinks extension electricity water key venue school
        market community library house town village region spring summer autumn winter saturday
        sunday morning afternoon evening month year gathering party review photos thanks ideas
        questions answers rules charter licence share learn pass""",
}
PLACES = """Brest Lyon Genève Lorient Nantes Rennes Lille Grenoble Dijon Tours Quimper Montréal Namur Liège
    Bordeaux Toulouse Marseille Nancy Metz Caen""".split()
QUERIES = [
    "cartopartie", "cartoparties quartier", "repair café", "repair cafe insurance", "jardins partagés",
    "jardin partagé compost", "comment organiser une cartopartie", '"jardin partagé"',
    "grainothèque semences", "disco soupe", "vélo -électrique", "copy party OR gratiferia",
    "shared garden watering", "seed library", "bike swap", "climate fresco facilitator", "reseau benevoles",
    "assurance salle mairie", "cartopartei", "book box", "knitting wool", "compost", "association subvention",
    "volunteers", "free software licence", "soupe OR compost", "fresque climat", "troc plantes", "ciné débat",
    "couture ourlet",
]


def main() -> list[Row]:
    rows = guarded(f"search, Whoosh, {WHOOSH_RECIPES:,} recipes", _whoosh)
    if "postgres" in backends():
        return rows + guarded(f"search, PostgreSQL, {POSTGRES_RECIPES:,} recipes", _postgres)
    return rows + [("search, PostgreSQL backend", f"not measured: set {POSTGRES_URL_VARIABLE}", "—")]


def _whoosh() -> list[Row]:
    with scratch("sqlite") as bench, bench.session() as session:
        _populate(session, WHOOSH_RECIPES)
        index = open_index("whoosh", folder=bench.folder / "search", dialect="sqlite")
        rows = [_rebuild_row(session, index, "Whoosh", WHOOSH_RECIPES)]
        session.commit()
        rows.append(_rebuild_alone_row(bench.instance))
        rows.append(_worker_memory_row(bench))
        rows.append(_latency_row(session, index, f"Whoosh search, {WHOOSH_RECIPES:,} recipes (SQLite)"))
        rows.append(_visibility_row(session, index, "Whoosh"))
    return rows


def _postgres() -> list[Row]:
    with scratch("postgres") as bench, bench.session() as session:
        _populate(session, POSTGRES_REBUILT)
        index = open_index("postgres", folder=bench.folder / "search", dialect="postgresql")
        rows = [_rebuild_row(session, index, "PostgreSQL", POSTGRES_REBUILT)]
        rows.append(_latency_row(session, index, f"PostgreSQL search, {POSTGRES_REBUILT:,} recipes"))
        rows.append(_visibility_row(session, index, "PostgreSQL"))
    with _kept_corpus() as session:
        measure = f"PostgreSQL search, {POSTGRES_RECIPES:,} recipes"
        rows.append(_latency_row(session, PostgresIndex(), measure))
    return rows


def _corpus_fingerprint() -> str:
    """What the kept corpus depends on: the schema version, and the code that makes its documents."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    makers = (_populate, _bulk_documents, _recipe_text, _words, postgres_tsqueries.vector_of)
    sizes = (POSTGRES_RECIPES, POSTGRES_REBUILT)
    recipe = "".join(map(inspect.getsource, makers)) + repr((KINDS, COMMON, PLACES, sizes))
    return hashlib.sha256(f"{head}\n{recipe}".encode()).hexdigest()[:12]


@contextmanager
def _kept_corpus() -> Iterator[Session]:
    """A session on the 100,000-recipe corpus: reused if a complete one is on the server, else made."""
    server = make_url(os.environ[POSTGRES_URL_VARIABLE])
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"{KEPT_PREFIX}{_corpus_fingerprint()}"
    try:
        with admin.connect() as connection:
            existing = set(connection.scalars(text("SELECT datname FROM pg_database")))
            for stale in {db for db in existing if db.startswith(KEPT_PREFIX) and db != name}:
                connection.execute(text(f'DROP DATABASE "{stale}" WITH (FORCE)'))
        engine = make_engine(server.set(database=name).render_as_string(hide_password=False))
        try:
            with make_session_factory(engine)() as session:
                if name not in existing or not _complete(session):
                    session.close()
                    _make_corpus(admin, engine, name)
                yield session
        finally:
            engine.dispose()
    finally:
        admin.dispose()


def _complete(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(SearchDocumentRow)) == POSTGRES_RECIPES


def _make_corpus(admin, engine, name: str) -> None:
    """Make the kept corpus anew: 5,000 recipes rebuilt into the index, then the other documents in bulk."""
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        _populate(session, POSTGRES_REBUILT)
        PostgresIndex().rebuild(session)
        _bulk_documents(session, engine, POSTGRES_REBUILT, POSTGRES_RECIPES)


def _rebuild_row(session: Session, index: SearchIndex, name: str, count: int) -> Row:
    progress(f"search: rebuilding the {name} index of {count:,} recipes…")
    started = time.perf_counter()
    indexed = index.rebuild(session)
    seconds = time.perf_counter() - started
    figure = f"{indexed / seconds:,.0f} recipes/s ({indexed:,} in {seconds:.1f} s)"
    if name != "Whoosh":
        return (f"{name} index rebuild", figure, "reported")
    rate = indexed / seconds
    goal = verdict(f"≥ {GOAL_WHOOSH_REBUILD_PER_SECOND} recipes/s", rate >= GOAL_WHOOSH_REBUILD_PER_SECOND)
    return (f"{name} index rebuild", figure, goal)


# ``levain search rebuild`` in a process of its own, which then says how much memory it held at most.
_REBUILD_ALONE = """
import resource, sys
from wiki.cli import main
sys.argv = ["levain", "search", "rebuild"]
try:
    main()
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
REBUILD_MEMORY_GOAL_MB = 300
WORKER_MEMORY_GOAL_MB = 150
PAGES, SERVED_ROUNDS = 100, 3  # recipe pages spread over the corpus; rounds of searches and pages


def _rebuild_alone_row(instance: Path) -> Row:
    """The memory a Whoosh rebuild needs: ``levain search rebuild`` alone on the corpus's instance."""
    progress("search: rebuilding the Whoosh index again, with levain search rebuild alone…")
    environment = {name: value for name, value in os.environ.items() if not name.startswith("LEVAIN_")}
    environment |= {"LEVAIN_INSTANCE_PATH": str(instance), "LEVAIN_SECRET_KEY": "bench"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _REBUILD_ALONE], env=environment, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024  # Linux counts ru_maxrss in KiB
    figure = f"peak {peak_mb:,.0f} MB ({WHOOSH_RECIPES:,} recipes in {seconds:.1f} s, process start included)"
    goal = verdict(f"< {REBUILD_MEMORY_GOAL_MB} MB", peak_mb < REBUILD_MEMORY_GOAL_MB)
    return (f"memory of levain search rebuild, Whoosh, {WHOOSH_RECIPES:,} recipes", figure, goal)


def _worker_memory_row(bench: Scratch) -> Row:
    """The memory of each gunicorn worker serving the wiki and its Whoosh index of the corpus, once it
    answered searches and pages: the resident set, read from /proc."""
    progress("search: serving the wiki with gunicorn, searches and pages…")
    pages = [f"/recipes/recette-{number}" for number in range(1, WHOOSH_RECIPES + 1, WHOOSH_RECIPES // PAGES)]
    searches = [f"/search?{urlencode({'q': query})}" for query in QUERIES]
    with served("wsgi:app", wiki_environment(bench), bench.folder / "wiki.log") as server:
        # Each request opens a connection of its own, which either worker may take: both serve some.
        # As many at once as the workers have threads: each thread searching holds a searcher.
        with ThreadPoolExecutor(WORKERS * THREADS) as clients:
            for _ in range(SERVED_ROUNDS):
                list(clients.map(partial(check_page, server.port), searches + pages))
        resident = [_resident_mb(pid) for pid in server.worker_pids()]
    largest = max(resident)
    each = " and ".join(f"{mb:,.0f}" for mb in resident)
    figure = (
        f"{largest:,.0f} MB, the larger of {WORKERS} gthread workers ({each} MB) after {SERVED_ROUNDS} "
        f"rounds of {len(searches)} searches and {len(pages)} pages, {WORKERS * THREADS} at a time"
    )
    return (f"memory of a gunicorn worker, Whoosh index of {WHOOSH_RECIPES:,} recipes", figure,
            verdict(f"< {WORKER_MEMORY_GOAL_MB} MB", largest < WORKER_MEMORY_GOAL_MB))


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # in KiB
    raise RuntimeError(f"no resident set size for process {pid}")


def _latency_row(session: Session, index: SearchIndex, measure: str) -> Row:
    # Warm up as a running server is: caches filled, and the driver's prepared statements made (it
    # prepares a statement on its fifth run; the first run after that pays for the preparation).
    for _ in range(WARMUP_ROUNDS):
        for query in QUERIES:
            search_recipes(session, index, make_request(query))
    timings = []
    for _ in range(MEASURED_ROUNDS):
        for query in QUERIES:
            started = time.perf_counter()
            search_recipes(session, index, make_request(query))
            timings.append(time.perf_counter() - started)
    p95 = percentile(timings, 0.95)
    figure = f"p95 {ms(p95)}, median {ms(percentile(timings, 0.5))} ({len(timings)} searches)"
    return (measure, figure, verdict(f"p95 < {ms(GOAL_P95)}", p95 < GOAL_P95))


def _visibility_row(session: Session, index: SearchIndex, name: str) -> Row:
    """From the start of a save to a search finding its new word: the save, the outbox writer, the search."""
    author = session.get(Recipe, 1).published_revision.author
    delays = []
    for edit in range(EDITS):
        word = f"zorglub{edit}x"
        recipe = session.get(Recipe, 3 * edit + 1)
        started = time.perf_counter()
        save_edit(session, recipe.slug, author=author, base_revision=recipe.head_number,
                  body=f"Nouveau : {word}.", render=_paragraphs_html, summary="bench")
        index.apply_outbox(session, lock_timeout=1.0)
        while search_recipes(session, index, make_request(word)).total == 0:
            if time.perf_counter() - started > 5 * GOAL_VISIBLE:
                raise AssertionError(f"the edit of {recipe.slug} was not found")
        delays.append(time.perf_counter() - started)
    worst = max(delays)
    return (f"{name}: an edit found by search after saving", f"{spread(delays)}, worst {ms(worst)}",
            verdict(f"< {GOAL_VISIBLE:.0f} s", worst < GOAL_VISIBLE))


def _paragraphs_html(body: str) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in body.split("\n\n"))


def _words(language: str) -> tuple[list[str], list[float]]:
    """A vocabulary of ``VOCABULARY_SIZE`` words and its cumulated Zipf weights (1 / rank).

    Function words rank first; the other real words are spread over the first few thousand ranks
    among made-up words, as the content words of a real corpus are among its many rarer words: a
    word like "assurance" is then in a few percent of the recipes, as it would be, not in all.
    """
    real = COMMON[language].split()
    rng, made = random.Random(language), set()
    while len(made) < VOCABULARY_SIZE - len(real):
        syllables = rng.randint(2, 4)
        made.add("".join(rng.choice("bcdfglmnprstv") + rng.choice("aeiou") for _ in range(syllables)))
    rare = sorted(made - set(real))
    rng.shuffle(rare)
    words = real[:FUNCTION_WORDS] + rare
    for rank, word in enumerate(real[FUNCTION_WORDS:]):
        words.insert(FUNCTION_WORDS + CONTENT_WORD_SPACING * rank, word)
    return words, list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))


def _recipe_text(rng: random.Random, kind: tuple, language: str, vocabulary) -> tuple[str, str]:
    """A title and a 2–5 KB body about one kind of initiative, in one language."""
    title = f"{kind[0] if language == 'fr' else kind[1]} {rng.choice(PLACES)}"
    kind_words = (kind[2] if language == "fr" else kind[3]).split()
    target, paragraphs, size = rng.randint(2_000, 5_000), [], 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            words = rng.choices(vocabulary[0], cum_weights=vocabulary[1], k=rng.randint(8, 20))
            words[rng.randrange(len(words))] = rng.choice(kind_words)
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return title, "\n\n".join(paragraphs)


def _populate(session: Session, count: int, seed: int = 7) -> None:
    """``count`` published recipes, inserted in bulk; one in three is a regional variant of the one before."""
    progress(f"search: generating {count:,} recipes…")
    author = make_authors(session)[0]
    regions = [create_region(session, name) for name in PLACES]
    rng, vocabularies = random.Random(seed), {language: _words(language) for language in COMMON}
    moment, language = utcnow() - timedelta(days=365), "fr"
    for start in range(1, count + 1, INSERT_BATCH):
        recipes, blobs, revisions, tags = [], {}, [], []
        for number in range(start, min(start + INSERT_BATCH, count + 1)):
            variant = number % 3 == 0  # a variant is in the language of its parent, the recipe before
            language = language if variant else ("en" if rng.random() < 0.25 else "fr")
            kind = KINDS[(number - 1 if variant else number) % len(KINDS)]
            title, body = _recipe_text(rng, kind, language, vocabularies[language])
            blob = _blob(body)
            blobs[blob["id"]] = blob
            moment += timedelta(minutes=30)
            recipes.append({
                "id": number, "slug": f"recette-{number}", "title": title, "language": language,
                "region_id": rng.choice(regions).id, "head_number": 1,
                "parent_id": number - 1 if variant else None,
                "created_at": moment, "updated_at": moment,
            })
            revisions.append({
                "id": number, "recipe_id": number, "number": 1, "blob_id": blob["id"], "title": title,
                "author_id": author.id, "summary": "", "kind": "fork" if variant else "create",
                "status": "approved", "size": len(body), "size_delta": len(body), "created_at": moment,
                "upstream_revision_id": number - 1 if variant else None,
            })
            tags += [{"recipe_id": number, "tag": tag} for tag in {kind[1].lower(), language}]
        _insert_batch(session, recipes, list(blobs.values()), revisions, tags)
    _advance_sequences(session)


def _blob(body: str) -> dict:
    html = _paragraphs_html(body)
    return {"id": hashlib.sha256(body.encode()).hexdigest(), "size": len(body), "base_id": None,
            "text_z": zlib.compress(body.encode(), 9), "html_z": zlib.compress(html.encode(), 9)}


def _insert_batch(session: Session, recipes, blobs, revisions, tags) -> None:
    session.execute(insert(Blob), blobs)
    session.execute(insert(Recipe), recipes)
    session.execute(insert(Revision), revisions)
    session.execute(insert(RecipeTag), tags)
    ids = [row["id"] for row in recipes]
    session.execute(update(Recipe).where(Recipe.id.in_(ids)).values(
        head_revision_id=Recipe.id, published_revision_id=Recipe.id))
    # A variant's fork point is its parent's one revision, whose id is the parent's.
    variants = [row["id"] for row in recipes if row["parent_id"] is not None]
    session.execute(update(Recipe).where(Recipe.id.in_(variants)).values(fork_revision_id=Recipe.parent_id))
    session.commit()


def _advance_sequences(session: Session) -> None:
    """Ids were given explicitly: PostgreSQL's sequences must be told, or the next save would reuse one."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ("recipes", "revisions"):
            highest = f"(SELECT max(id) FROM {table})"
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {highest})"))
        session.commit()


def _bulk_documents(session: Session, engine: Engine, first: int, count: int, seed: int = 11) -> None:
    """Stub recipes ``first + 1`` … ``count`` and their search documents, written by the backend in bulk."""
    progress(f"search: writing {count - first:,} more PostgreSQL search documents…")
    rng, writer = random.Random(seed), PostgresIndex()
    vocabularies = {language: _words(language) for language in COMMON}
    for start in range(first + 1, count + 1, INSERT_BATCH):
        numbers = range(start, min(start + INSERT_BATCH, count + 1))
        session.execute(insert(Recipe), [
            {"id": number, "slug": f"recette-{number}", "title": "…", "language": "fr", "head_number": 0}
            for number in numbers
        ])
        documents = []
        for number in numbers:
            language = "en" if rng.random() < 0.25 else "fr"
            title, body = _recipe_text(rng, KINDS[number % len(KINDS)], language, vocabularies[language])
            place = rng.choice(PLACES)
            documents.append(SearchDocument(
                recipe_id=number, revision_id=number, root_id=number - 1 if number % 3 == 0 else number,
                slug=f"recette-{number}", title=title, language=language, region_slug=place.lower(),
                region_name=place, tags=(KINDS[number % len(KINDS)][1].lower(),),
                updated_at=utcnow() - timedelta(minutes=number), body=body,
            ))
        writer.write_documents(session, documents)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE search_documents"))
