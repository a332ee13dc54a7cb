"""Content-addressed, delta-compressed blobs: stored once, loaded in two steps at most."""

import random

from recipes.blobs import blob_id, load_blob, store_blob, store_blobs, stored_size
from recipes.models import Blob

WORDS = "atelier voisins copie libre carte réseau jardin graines outils café réparer fête commun".split()


def paragraphs(n: int, variant: int = 0) -> str:
    """A text of ``n`` varied paragraphs; ``variant`` changes only the fourth one."""
    rng = random.Random(42)
    texts = [" ".join(rng.choice(WORDS) for _ in range(25)) for _ in range(n)]
    texts[3] += f" (version {variant})"
    return "\n\n".join(texts)


def test_a_blob_is_addressed_by_its_content(session, render):
    first = store_blob(session, "Bonjour", render)
    again = store_blob(session, "Bonjour", render)
    assert first == again == blob_id("Bonjour")
    assert session.query(Blob).count() == 1


def test_a_blob_keeps_its_text_and_the_html_rendered_when_stored(session):
    calls = []

    def render(text):
        calls.append(text)
        return f"<p>{text}</p>"

    id_ = store_blob(session, "Réseau à Brest", render)
    store_blob(session, "Réseau à Brest", render)
    content = load_blob(session, id_)
    assert (content.text, content.html) == ("Réseau à Brest", "<p>Réseau à Brest</p>")
    assert calls == ["Réseau à Brest"], "the HTML is rendered once per blob"


def test_a_similar_text_is_stored_as_a_small_delta_against_a_whole_base(session, render):
    base = store_blob(session, paragraphs(80), render)
    edited = store_blob(session, paragraphs(80, variant=1), render, hint=base)
    row = session.get(Blob, edited)
    assert row.base_id == base
    assert stored_size(session, [edited]) < stored_size(session, [base]) / 5
    assert load_blob(session, edited).text == paragraphs(80, variant=1)


def test_a_delta_is_always_against_a_whole_blob_so_loading_is_bounded(session, render):
    previous = store_blob(session, paragraphs(40), render)
    for version in range(1, 30):
        previous = store_blob(session, paragraphs(40, variant=version), render, hint=previous)
        row = session.get(Blob, previous)
        assert row.base_id is None or session.get(Blob, row.base_id).base_id is None
    assert load_blob(session, previous).text == paragraphs(40, variant=29)


def test_an_unrelated_text_is_stored_whole(session, render):
    base = store_blob(session, paragraphs(40), render)
    other = store_blob(session, "Tout autre chose, sans rapport.\n" * 3, render, hint=base)
    assert session.get(Blob, other).base_id is None


def test_a_history_of_texts_is_stored_at_once_as_each_would_be(session):
    calls = []

    def render(text):
        calls.append(text)
        return f"<p>{text}</p>"

    history = [paragraphs(40, variant) for variant in (0, 1, 1, 2, 0)]
    first = store_blob(session, history[0], render)
    ids = store_blobs(session, history, render, hint=first)
    assert ids == [blob_id(text) for text in history]
    assert calls == [history[0], history[1], history[3]], "each new text is rendered once"
    assert [load_blob(session, id_).text for id_ in ids] == history
    rows = {blob.id: blob for blob in session.query(Blob)}
    assert rows[ids[1]].base_id == rows[ids[3]].base_id == first, "new texts are deltas of a whole base"
    assert stored_size(session, ids[1:2]) < stored_size(session, ids[:1]) / 5
    assert store_blobs(session, history, render) == ids and len(calls) == 3
