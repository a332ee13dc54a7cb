"""Content-addressed, delta-compressed blobs: stored once, loaded in three steps at most."""

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


def depth(session, id_: str) -> int:
    """How many deltas stand between a blob and the whole blob under it."""
    row = session.get(Blob, id_)
    return 0 if row.base_id is None else 1 + depth(session, row.base_id)


def prose(n: int) -> str:
    """A text of ``n`` paragraphs that compresses like prose (a wide vocabulary, unlike ``paragraphs``)."""
    rng = random.Random(3)
    letters = "aeiourstlnmcdpb"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(800)]
    return "\n\n".join(" ".join(rng.choice(vocabulary) for _ in range(60)) for _ in range(n))


def small_edits(text: str, count: int) -> list[str]:
    """The texts after each of ``count`` one-word edits, as people make them."""
    rng, texts = random.Random(7), [text]
    for _ in range(count):
        words = texts[-1].split(" ")
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        texts.append(" ".join(words))
    return texts[1:]


def test_a_run_of_small_edits_is_mostly_deep_deltas_and_any_blob_loads_in_three_steps(session, render):
    previous = store_blob(session, prose(12), render)
    texts = small_edits(prose(12), 60)
    ids = []
    for text in texts:
        previous = store_blob(session, text, render, hint=previous)
        ids.append(previous)
    depths = [depth(session, id_) for id_ in ids]
    assert max(depths) == 2, "a delta stands on a whole blob or on a delta of one, never deeper"
    assert depths.count(2) > len(ids) / 2, "most small edits are deep deltas of a recent text"
    session.expire_all()
    assert [load_blob(session, id_).text for id_ in ids] == texts
    assert stored_size(session, ids) < len("".join(texts).encode()) * 0.07


def test_a_history_stored_at_once_takes_the_same_bases_as_one_save_at_a_time(session, render):
    first = store_blob(session, prose(12), render)
    texts = small_edits(prose(12), 30)
    ids = store_blobs(session, texts, render, hint=first)
    bulk = {id_: session.get(Blob, id_).base_id for id_ in ids}
    session.query(Blob).filter(Blob.id.in_(ids)).delete()
    previous = first
    for text in texts:
        previous = store_blob(session, text, render, hint=previous)
    assert {id_: session.get(Blob, id_).base_id for id_ in ids} == bulk


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
    assert rows[ids[1]].base_id == first, "a new text is a delta of the whole base before it"
    assert rows[ids[3]].base_id in {first, ids[1]}, "the next stands on that base or on that delta"
    assert stored_size(session, ids[1:2]) < stored_size(session, ids[:1]) / 5
    assert store_blobs(session, history, render) == ids and len(calls) == 3
