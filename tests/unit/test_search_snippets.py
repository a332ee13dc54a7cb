"""Snippets: windows of text around the matched words, escaped, the matches in <mark>."""

from recipes.search.snippets import LEAD, SNIPPET_LENGTH, marked_snippet


def spans_of(text: str, *words: str) -> list[tuple[int, int]]:
    return [(text.index(word), text.index(word) + len(word)) for word in words]


def test_matches_are_marked_and_the_rest_escaped():
    text = "Apporter <b>des outils</b> & du réseau."
    assert marked_snippet(text, spans_of(text, "réseau", "outils")) == (
        "Apporter &lt;b&gt;des <mark>outils</mark>&lt;/b&gt; &amp; du <mark>réseau</mark>."
    )


def test_a_long_text_shows_windows_around_the_matches():
    text = " ".join(f"mot{n}" for n in range(400)) + " compost " + " ".join(f"fin{n}" for n in range(400))
    snippet = marked_snippet(text, spans_of(text, "compost"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>compost</mark>" in snippet
    assert len(snippet) <= SNIPPET_LENGTH + len("<mark></mark>……")
    assert snippet.index("<mark>") <= LEAD + 1


def test_two_distant_matches_make_two_windows():
    filler = " ".join(["bla"] * 200)
    text = f"jardin {filler} compost {filler}"
    snippet = marked_snippet(text, spans_of(text, "jardin", "compost"))
    assert snippet.count(" … ") == 1
    assert "<mark>jardin</mark>" in snippet and "<mark>compost</mark>" in snippet


def test_without_matches_the_beginning_is_shown():
    assert marked_snippet("Court.", []) == "Court."
    long_text = "<" * (SNIPPET_LENGTH + 10)
    assert marked_snippet(long_text, []) == "&lt;" * SNIPPET_LENGTH + "…"
