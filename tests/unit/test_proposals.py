"""Proposals: a fork's local changes offered to its parent, discussed, accepted or declined."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipes import queries
from recipes.blobs import load_blob
from recipes.community import accounts, regions
from recipes.errors import EditConflict, Forbidden, Invalid, MergeConflict, NotFound, Unauthorized
from recipes.history import editing
from recipes.lineage import forks, proposals, sync
from recipes.lineage import tree as lineage
from recipes.models import Proposal, Revision

TEXT = "Louer une salle.\n\nApporter des clés USB.\n\nCopier des logiciels libres.\n"


@pytest.fixture
def lea(session, render):
    """A contributor who forked copy-party into Brest and changed a line there."""
    regions.create_region(session, "Brest")
    user = accounts.create_user(session, "lea", "password123", role="contributor")
    editing.create_recipe(session, author=user, title="Copy party", body=TEXT, render=render)
    forks.fork_recipe(session, "copy-party", author=user, region="brest", render=render)
    edit(session, user, render, "copy-party-brest", "logiciels libres", "distributions libres")
    return user


@pytest.fixture
def editor(session):
    return accounts.create_user(session, "camille", "password123", role="editor")


def edit(session, author, render, slug, old, new):
    recipe = queries.get_recipe(session, slug)
    body = load_blob(session, recipe.head_revision.blob_id).text.replace(old, new)
    return editing.save_edit(
        session, slug, author=author, body=body, base_revision=recipe.head_number, render=render
    )


def propose(session, author, slug="copy-party-brest", summary="Des distributions"):
    return proposals.create_proposal(session, slug, author=author, summary=summary)


def text_of(session, slug):
    return load_blob(session, queries.get_recipe(session, slug).head_revision.blob_id).text


def test_a_proposal_freezes_the_forks_head_and_its_base(session, lea):
    proposal = propose(session, lea)
    assert (proposal.status, proposal.source.slug, proposal.target.slug) == (
        "open",
        "copy-party-brest",
        "copy-party",
    )
    assert (proposal.source_revision.number, proposal.base_revision.number) == (2, 1)
    detail = proposals.proposal_detail(session, proposal.id)
    assert (detail.base_text, detail.source_text) == (TEXT, TEXT.replace("logiciels", "distributions"))
    assert detail.merge.clean and detail.comments == []


@pytest.mark.parametrize(
    "slug, summary, error",
    [
        ("copy-party", "Rien", Invalid),  # no parent
        ("copy-party-brest", "", Invalid),
        ("copy-party-brest", "  ", Invalid),
        ("copy-party-brest", "x" * 501, Invalid),
        ("nulle-part", "Rien", NotFound),
    ],
)
def test_bad_proposals_are_refused(session, lea, slug, summary, error):
    with pytest.raises(error):
        propose(session, lea, slug, summary)
    assert session.query(Proposal).count() == 0


def test_a_fork_without_local_changes_has_nothing_to_propose(session, lea, render):
    forks.fork_recipe(session, "copy-party", author=lea, region="brest", render=render)
    with pytest.raises(Invalid):
        propose(session, lea, "copy-party-brest-2")


def test_the_same_revision_is_proposed_once_while_open(session, lea):
    propose(session, lea)
    with pytest.raises(Invalid):
        propose(session, lea)


def test_accepting_merges_into_the_parent_as_a_revision(session, lea, editor, render):
    edit(session, editor, render, "copy-party", "une salle", "une grande salle")
    proposal = propose(session, lea)
    accepted = proposals.accept_proposal(
        session, proposal.id, author=editor, render=render, comment="Merci !"
    )
    assert (accepted.status, accepted.decided_by.name, accepted.decision_comment) == (
        "accepted",
        "camille",
        "Merci !",
    )
    revision = accepted.target_revision
    assert (revision.number, revision.kind, revision.author.name) == (3, "proposal", "camille")
    assert revision.summary == "Proposal 1 from Copy party (Brest) (lea): Des distributions"
    assert revision.summary_kind == "proposal_revision"
    assert revision.summary_values["summary"] == "Des distributions"
    assert text_of(session, "copy-party") == TEXT.replace("une salle", "une grande salle").replace(
        "logiciels", "distributions"
    )


def test_a_proposal_is_decided_once(session, lea, editor, render):
    proposal = propose(session, lea)
    proposals.accept_proposal(session, proposal.id, author=editor, render=render)
    for decide in (
        lambda: proposals.accept_proposal(session, proposal.id, author=editor, render=render),
        lambda: proposals.decline_proposal(session, proposal.id, author=editor, comment="Non"),
    ):
        with pytest.raises(Invalid):
            decide()
    assert queries.get_recipe(session, "copy-party").head_number == 2


def test_after_acceptance_the_fork_syncs_cleanly(session, lea, editor, render):
    proposals.accept_proposal(session, propose(session, lea).id, author=editor, render=render)
    assert lineage.upstream_status(session, "copy-party-brest").behind == 1
    outcome = sync.sync(session, "copy-party-brest", author=lea, base_revision=2, render=render)
    assert outcome.revision.blob_id == queries.get_recipe(session, "copy-party").head_revision.blob_id


CREPES = "# Crêpes\n\n## Résumé\n\n\n- 250 g de farine\n"


def crepes_forked_with_salt(session, lea, editor, render) -> Proposal:
    """Crêpes forked by Léa, who adds salt and proposes it; upstream removes its summary meanwhile."""
    editing.create_recipe(session, author=editor, title="Crêpes", body=CREPES, render=render)
    forks.fork_recipe(session, "crepes", author=lea, region="brest", new_slug="crepes-brest", render=render)
    edit(session, lea, render, "crepes-brest", "- 250 g", "- 1 pincée de sel\n- 250 g")
    edit(session, editor, render, "crepes", "## Résumé\n\n", "")
    return propose(session, lea, slug="crepes-brest", summary="Du sel")


def test_after_acceptance_a_sync_takes_the_parents_text_without_taking_a_line_twice(
    session, lea, editor, render
):
    proposal = crepes_forked_with_salt(session, lea, editor, render)
    proposals.accept_proposal(session, proposal.id, author=editor, render=render)
    parent_text = text_of(session, "crepes")
    assert parent_text == "# Crêpes\n\n\n- 1 pincée de sel\n- 250 g de farine\n"
    sync.sync(session, "crepes-brest", author=lea, base_revision=2, render=render)
    assert text_of(session, "crepes-brest") == parent_text


def test_a_second_proposal_offers_only_what_is_new_since_the_first_was_accepted(session, lea, editor, render):
    proposal = crepes_forked_with_salt(session, lea, editor, render)
    proposals.accept_proposal(session, proposal.id, author=editor, render=render)
    with pytest.raises(Invalid):
        propose(session, lea, slug="crepes-brest", summary="Encore du sel")
    edit(session, lea, render, "crepes-brest", "- 250 g de farine", "- 250 g de farine de blé noir")
    second = propose(session, lea, slug="crepes-brest", summary="Blé noir")
    detail = proposals.proposal_detail(session, second.id)
    assert detail.base_text == text_of(session, "crepes-brest").replace(" de blé noir", "")
    proposals.accept_proposal(session, second.id, author=editor, render=render)
    first = proposals.proposal_detail(session, proposal.id)
    assert (first.base_text, first.source_text) == (
        CREPES,
        CREPES.replace("- 250", "- 1 pincée de sel\n- 250"),
    )
    assert text_of(session, "crepes") == "# Crêpes\n\n\n- 1 pincée de sel\n- 250 g de farine de blé noir\n"


def test_syncs_and_proposals_in_turn_converge(session, lea, editor, render):
    proposal = crepes_forked_with_salt(session, lea, editor, render)
    sync.sync(session, "crepes-brest", author=lea, base_revision=2, render=render)
    proposals.accept_proposal(session, proposal.id, author=editor, render=render)
    edit(session, editor, render, "crepes", "# Crêpes", "# Crêpes de Plouarzel")
    head = queries.get_recipe(session, "crepes-brest").head_number
    sync.sync(session, "crepes-brest", author=lea, base_revision=head, render=render)
    assert text_of(session, "crepes-brest") == text_of(session, "crepes")


def test_conflicts_on_acceptance_are_resolved_like_a_sync(session, lea, editor, render):
    proposal = propose(session, lea)
    edit(session, editor, render, "copy-party", "des logiciels libres", "du logiciel libre")
    with pytest.raises(MergeConflict) as raised:
        proposals.accept_proposal(session, proposal.id, author=editor, render=render)
    assert raised.value.details["head_revision"] == 2
    [conflict] = raised.value.details["conflicts"]
    assert (conflict.ours, conflict.theirs) == (
        "Copier du logiciel libre.\n",
        "Copier des distributions libres.\n",
    )
    assert session.get(Proposal, proposal.id).status == "open"
    proposals.accept_proposal(
        session,
        proposal.id,
        author=editor,
        render=render,
        resolutions=["Copier des distributions gratuites.\n"],
        head_revision=2,
    )
    assert text_of(session, "copy-party").endswith("Copier des distributions gratuites.\n")


def test_accepting_from_a_stale_view_of_the_parent_is_a_conflict(session, lea, editor, render):
    proposal = propose(session, lea)
    edit(session, editor, render, "copy-party", "une salle", "une grande salle")
    with pytest.raises(EditConflict):
        proposals.accept_proposal(session, proposal.id, author=editor, render=render, head_revision=1)
    assert session.query(Revision).count() == 4


def test_only_editors_decide(session, lea, render):
    proposal = propose(session, lea)
    with pytest.raises(Forbidden):
        proposals.accept_proposal(session, proposal.id, author=lea, render=render)
    with pytest.raises(Forbidden):
        proposals.decline_proposal(session, proposal.id, author=lea, comment="Non")
    with pytest.raises(Unauthorized):
        proposals.accept_proposal(session, proposal.id, author=None, render=render)


def test_declining_needs_a_reason(session, lea, editor):
    proposal = propose(session, lea)
    with pytest.raises(Invalid):
        proposals.decline_proposal(session, proposal.id, author=editor, comment=" ")
    declined = proposals.decline_proposal(session, proposal.id, author=editor, comment="Hors sujet.")
    assert (declined.status, declined.decision_comment, declined.target_revision_id) == (
        "declined",
        "Hors sujet.",
        None,
    )
    assert proposals.proposal_detail(session, proposal.id).merge is None


def test_people_discuss_a_proposal_in_comments(session, lea, editor):
    proposal = propose(session, lea)
    proposals.comment_on_proposal(session, proposal.id, author=editor, body="Pourquoi ?\r\n")
    proposals.comment_on_proposal(session, str(proposal.id), author=lea, body="Plus simple.")
    comments = proposals.proposal_detail(session, proposal.id).comments
    assert [(c.author.name, c.body) for c in comments] == [("camille", "Pourquoi ?"), ("lea", "Plus simple.")]
    for body in ("", None, 5, "x" * 5001):
        with pytest.raises(Invalid):
            proposals.comment_on_proposal(session, proposal.id, author=lea, body=body)
    with pytest.raises(Unauthorized):
        proposals.comment_on_proposal(session, proposal.id, author=None, body="Anonyme")


def test_proposals_are_listed_by_target_recipe_and_status(session, lea, editor, render):
    first = propose(session, lea)
    proposals.decline_proposal(session, first.id, author=editor, comment="Non")
    second = propose(session, lea)
    assert [p.id for p in proposals.list_proposals(session)] == [second.id, first.id]
    assert [p.id for p in proposals.list_proposals(session, status="open")] == [second.id]
    assert [p.id for p in proposals.list_proposals(session, target="copy-party")] == [second.id, first.id]
    assert proposals.list_proposals(session, target="copy-party-brest") == []
    assert len(proposals.list_proposals(session, recipe="copy-party-brest")) == 2
    with pytest.raises(Invalid):
        proposals.list_proposals(session, status="maybe")
    with pytest.raises(NotFound):
        proposals.list_proposals(session, target="nulle-part")


@pytest.mark.parametrize("number, error", [("abc", Invalid), (0, Invalid), (99, NotFound), (2**40, Invalid)])
def test_unknown_or_malformed_proposal_numbers(session, lea, number, error):
    with pytest.raises(error):
        proposals.get_proposal(session, number)


def test_a_proposal_of_an_edit_awaiting_review_does_not_publish_it(session, lea, editor, render):
    # Fork, edit the fork (the edit waits for review), propose: the pending text must not leak that way.
    recipe = queries.get_recipe(session, "copy-party-brest")
    body = text_of(session, "copy-party-brest").replace("Louer", "Réserver")
    editing.save_edit(
        session,
        "copy-party-brest",
        author=lea,
        body=body,
        base_revision=recipe.head_number,
        render=render,
        review_policy="all",
    )
    proposal = propose(session, lea)
    assert proposal.source_revision.status == "pending"
    for stranger in (None, accounts.create_user(session, "sam", "password123", role="contributor")):
        hidden = proposals.proposal_detail(session, proposal.id, stranger)
        assert "Réserver" not in hidden.source_text and "distributions" in hidden.source_text
        assert hidden.shown_revision.number == 2 and hidden.merge is None
    for reviewer in (lea, editor):
        whole = proposals.proposal_detail(session, proposal.id, reviewer)
        assert "Réserver" in whole.source_text and whole.merge is not None


# Rounds of edits, syncs and accepted proposals between a parent and its fork. The parent edits the
# even paragraphs, the fork the odd ones and adds lines to them, each paragraph a line (and the
# lines added after it) beside the others. An edit keeps the words of its line ("Paragraphe 2."
# becomes "Paragraphe 2. Tour 3."): the edits border each other but never touch, so every sync and
# acceptance merges cleanly only if each knows what the other side already took in. After
# a last proposal and sync, both texts are the base with every edit made, each once.
PARAGRAPHS = 6
rounds = st.lists(
    st.one_of(
        st.tuples(st.just("parent edits"), st.integers(0, PARAGRAPHS // 2 - 1)),
        st.tuples(st.just("fork edits"), st.integers(0, PARAGRAPHS // 2 - 1)),
        st.tuples(st.just("fork adds"), st.integers(0, PARAGRAPHS // 2 - 1)),
        st.tuples(st.just("fork syncs"), st.just(0)),
        st.tuples(st.just("parent accepts"), st.just(0)),
    ),
    max_size=8,
)
recipes_made = itertools.count()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=rounds)
def test_rounds_of_syncs_and_accepted_proposals_converge_on_every_edit_once(session, render, steps):
    people = _people(session)
    expected = [f"Paragraphe {number}." for number in range(PARAGRAPHS)]
    parent = editing.create_recipe(
        session,
        author=people["editor"],
        title=f"Copy party {next(recipes_made)}",
        body=_text(expected),
        render=render,
    ).recipe.slug
    fork = forks.fork_recipe(session, parent, author=people["lea"], region="brest", render=render).recipe.slug
    for step, (action, number) in enumerate(steps):
        if action == "fork syncs":
            _sync(session, people["lea"], render, fork)
        elif action == "parent accepts":
            _propose_and_accept(session, people, render, fork)
        else:
            slug, author = (parent, people["editor"]) if action == "parent edits" else (fork, people["lea"])
            at = 2 * number if action == "parent edits" else 2 * number + 1
            paragraphs = _paragraphs(text_of(session, slug))
            added = f"{paragraphs[at]}\nLigne ajoutée au tour {step}."
            paragraphs[at] = expected[at] = (
                added if action == "fork adds" else f"Paragraphe {at}. Tour {step}."
            )
            head = queries.get_recipe(session, slug).head_number
            editing.save_edit(
                session, slug, author=author, body=_text(paragraphs), base_revision=head, render=render
            )
    _propose_and_accept(session, people, render, fork)
    _sync(session, people["lea"], render, fork)

    assert text_of(session, parent) == text_of(session, fork) == _text(expected)


def _text(paragraphs):
    return "\n".join(paragraphs) + "\n"


def _paragraphs(text):
    """The text's paragraphs: a "Paragraphe" line and the lines added after it."""
    paragraphs = []
    for line in text.splitlines():
        if line.startswith("Paragraphe"):
            paragraphs.append(line)
        else:
            paragraphs[-1] += f"\n{line}"
    return paragraphs


def _people(session):
    """The editor of the parent and lea, who edits the fork in Brest (made once per database)."""
    found = {name: accounts.find_user(session, name) for name in ("camille", "lea")}
    if found["lea"] is None:
        regions.create_region(session, "Brest")
        found = {
            "camille": accounts.create_user(session, "camille", "password123", role="editor"),
            "lea": accounts.create_user(session, "lea", "password123", role="contributor"),
        }
    return {"editor": found["camille"], "lea": found["lea"]}


def _sync(session, author, render, fork):
    head = queries.get_recipe(session, fork).head_number
    sync.sync(session, fork, author=author, base_revision=head, render=render)


def _propose_and_accept(session, people, render, fork):
    try:
        proposal = propose(session, people["lea"], slug=fork, summary="Un tour")
    except Invalid as refused:
        assert "no local changes" in refused.message
        return
    proposals.accept_proposal(session, proposal.id, author=people["editor"], render=render)
