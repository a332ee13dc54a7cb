"""Review of pending revisions: the queue, approving, rejecting with a reason.

Glossary:
- *pending* revision: saved under the review policy; it moved the recipe's head but not its published
  revision, so readers do not see it yet.
- *approving* revision N publishes N: readers now see it, and the pending revisions before it in the
  chain (whose changes N's text holds) are approved with it. A moderator never approves their own edit.
- *rejecting* revision N marks it rejected, tells its author why, and takes its change out of the head
  by a three-way merge (base: N, ours: the head, theirs: N's parent), saved as an *undo* revision.
  Revisions saved between N and its undo still hold N's change: they are *tainted*, never published;
  approving one is refused, and approving a later one rejects them with a reason saying so.
- After ``EDITS_TO_BECOME_EDITOR`` approved edits, a contributor becomes an editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.database import write_transaction
from recipes.errors import N_, EditConflict, Forbidden, Invalid, Label, MergeConflict
from recipes.history.merge import merge3
from recipes.history.revisions import Renderer, append_revision, recipe_for_writing
from recipes.journal.changes import record_change
from recipes.models import Recipe, Revision, RevisionReview, SearchOutbox, User
from recipes.moderation.sanctions import clean_reason
from recipes.queries import clamp_limit, get_revision
from recipes.summaries import automatic

EDITS_TO_BECOME_EDITOR = 5


@dataclass(frozen=True)
class Rejection:
    """A rejected revision and the undo revision that took its change out of the head (None: none needed)."""

    revision: Revision
    undo: Revision | None


def review_queue(session: Session, viewer: User | None, *, limit: int | None = None) -> list[Revision]:
    """Revisions awaiting review, oldest first, for moderators."""
    require(viewer, "review")
    query = (
        select(Revision)
        .options(joinedload(Revision.recipe), joinedload(Revision.author))
        .where(Revision.status == "pending")
        .order_by(Revision.created_at, Revision.id)
        .limit(clamp_limit(limit))
    )
    return list(session.scalars(query))


def reviews_of(session: Session, revisions: list[Revision]) -> dict[int, RevisionReview]:
    """The decisions taken on these revisions, by revision id."""
    ids = [revision.id for revision in revisions if revision.status != "pending"]
    if not ids:
        return {}
    query = (
        select(RevisionReview)
        .options(joinedload(RevisionReview.reviewer), joinedload(RevisionReview.undo_revision))
        .where(RevisionReview.revision_id.in_(ids))
    )
    return {review.revision_id: review for review in session.scalars(query)}


def rejections_for(
    session: Session, recipe: Recipe, author: User | None, limit: int = 5
) -> list[RevisionReview]:
    """The latest rejections of ``author``'s revisions of the recipe: what their page tells them."""
    if author is None:
        return []
    query = (
        select(RevisionReview)
        .join(Revision, Revision.id == RevisionReview.revision_id)
        .options(joinedload(RevisionReview.revision), joinedload(RevisionReview.reviewer))
        .where(Revision.recipe_id == recipe.id, Revision.author_id == author.id)
        .where(RevisionReview.decision == "rejected")
        .order_by(Revision.number.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def approve_revision(
    session: Session, slug: str, number: object, *, reviewer: User, seen_published: object = None
) -> Revision:
    """Publish pending revision ``number`` (and the pending ones before it); return it.

    ``seen_published`` is the published revision the reviewer compared it with (0: none); if readers'
    text changed since, the approval is refused (EditConflict) rather than made on a stale diff.
    """
    require(reviewer, "review")
    number = validation.clean_revision_number(number)
    with write_transaction(session):
        recipe, revision = _pending_revision(session, slug, number, reviewer)
        published_number = recipe.published_revision.number if recipe.published_revision else 0
        if seen_published not in (None, "") and _seen_number(seen_published) != published_number:
            raise EditConflict(
                "Readers' version of this recipe changed since you looked; review the difference again.",
                head_revision=recipe.head_number,
            )
        chain = _chain(session, recipe, published_number, number)
        _refuse_own(reviewer, [r for r in chain if r.status == "pending"], N_("approve"))
        tainted = _tainted(session, recipe, chain, number)
        for earlier in chain:
            if earlier.status == "pending":
                decision, reason = _approval_of(earlier, tainted, number)
                # A tainted revision's own change is published with ``revision``, free of the rejected one.
                undo = revision if decision == "rejected" else None
                _decide(session, earlier, reviewer, decision, reason, undo)
        if number > published_number:
            publish(session, recipe, revision)
        record_change(
            session,
            type="approve",
            user=reviewer,
            recipe=recipe,
            revision=revision,
            summary=automatic("approve", number=number),
        )
        for author in {r.author for r in chain if r.status == "approved"}:
            _promote_if_trusted(session, author)
    return revision


def _seen_number(value: object) -> int:
    if value in (0, "0"):
        return 0
    return validation.clean_revision_number(value, "published revision you compared with")


def _approval_of(revision: Revision, tainted: dict[int, int], number: int) -> tuple[str, str]:
    """The decision on a pending revision of an approved chain: approved, or rejected if tainted."""
    if revision.id in tainted:
        return "rejected", (
            f"Cette révision contenait la modification rejetée de la révision {tainted[revision.id]} ; "
            f"sa propre modification a été publiée avec la révision {number}."
        )
    return "approved", ""


def reject_revision(
    session: Session, slug: str, number: object, *, reviewer: User, reason: object, render: Renderer
) -> Rejection:
    """Reject pending revision ``number`` with a reason its author is told, and take it out of the head.

    A change that later edits overlap cannot be taken out by merging: MergeConflict, nothing saved.
    """
    require(reviewer, "review")
    number = validation.clean_revision_number(number)
    reason = clean_reason(reason)
    with write_transaction(session):
        recipe, revision = _pending_revision(session, slug, number, reviewer)
        _refuse_own(reviewer, [revision], N_("reject"))
        undo = _take_out(session, recipe, revision, reviewer, render)
        _decide(session, revision, reviewer, "rejected", reason, undo)
        record_change(
            session,
            type="reject",
            user=reviewer,
            recipe=recipe,
            revision=revision,
            summary=automatic("reject", number=number),
            reason=reason,
        )
    return Rejection(revision, undo)


def publish(session: Session, recipe: Recipe, revision: Revision) -> None:
    """Make ``revision`` the one readers see (its title the recipe's), and refresh the search index."""
    session.execute(
        update(Recipe)
        .where(Recipe.id == recipe.id)
        .values(published_revision_id=revision.id, title=revision.title)
        .execution_options(synchronize_session=False)
    )
    session.add(SearchOutbox(recipe_id=recipe.id))
    session.flush()
    session.refresh(recipe)


def _pending_revision(session: Session, slug: str, number: int, reviewer: User) -> tuple[Recipe, Revision]:
    recipe = recipe_for_writing(session, slug)
    require(reviewer, "review", recipe)
    revision = get_revision(session, recipe, number)
    if revision.status != "pending":
        raise Invalid(
            "Revision {number} is {status}: only a revision awaiting review is reviewed.",
            values={"number": number, "status": Label("status", revision.status)},
        )
    return recipe, revision


def _refuse_own(reviewer: User, revisions: list[Revision], verb: str) -> None:
    """Refuse a moderator their own pending edit; ``verb`` is marked with ``N_`` (the reader's word)."""
    own = [r.number for r in revisions if r.author_id == reviewer.id]
    if own:
        raise Forbidden(
            "You may not {verb} your own edit (revision {value}); another moderator reviews it.",
            values={"verb": Label("phrase", verb), "value": own[0]},
        )


def _chain(session: Session, recipe: Recipe, published_number: int, number: int) -> list[Revision]:
    """The revisions an approval of ``number`` decides: those after the published one up to it."""
    low = published_number if number > published_number else number - 1
    query = (
        select(Revision)
        .options(joinedload(Revision.author))
        .where(Revision.recipe_id == recipe.id, Revision.number > low, Revision.number <= number)
        .order_by(Revision.number)
    )
    return list(session.scalars(query))


def _tainted(session: Session, recipe: Recipe, chain: list[Revision], number: int) -> dict[int, int]:
    """Pending revisions of the chain still holding a rejected change: id -> the rejected number.

    A rejected revision's change stays in the revisions saved after it up to its undo revision (any
    rejected revision before ``number`` counts, also one the published revision already left behind).
    Refuses the approval when revision ``number`` itself still holds a rejected change.
    """
    rejected = list(
        session.scalars(
            select(Revision).where(
                Revision.recipe_id == recipe.id, Revision.status == "rejected", Revision.number < number
            )
        )
    )
    reviews = reviews_of(session, rejected)
    tainted: dict[int, int] = {}
    for bad in rejected:
        undo = reviews[bad.id].undo_revision if bad.id in reviews else None
        if undo is None or undo.number > number:
            values = {"number": number, "rejected": bad.number}
            if undo is None:
                raise Invalid(
                    "Revision {number} still holds the rejected change of revision {rejected}: "
                    "it cannot be published.",
                    values=values,
                )
            raise Invalid(
                "Revision {number} still holds the rejected change of revision {rejected}: "
                "approve revision {undo} or a later one.",
                values={**values, "undo": undo.number},
            )
        tainted.update({r.id: bad.number for r in chain if bad.number < r.number < undo.number})
    return tainted


def _decide(
    session: Session,
    revision: Revision,
    reviewer: User,
    decision: str,
    reason: str,
    undo: Revision | None = None,
) -> None:
    """Record the decision on a pending revision, if no one decided first (a compare-and-set)."""
    decided = session.execute(
        update(Revision)
        .where(Revision.id == revision.id, Revision.status == "pending")
        .values(status=decision)
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        raise Invalid("Revision {number} was reviewed in the meantime.", values={"number": revision.number})
    undo_id = undo.id if undo is not None else None
    session.add(
        RevisionReview(
            revision_id=revision.id,
            decision=decision,
            reviewer_id=reviewer.id,
            reason=reason,
            undo_revision_id=undo_id,
        )
    )
    session.flush()
    session.refresh(revision)


def _take_out(
    session: Session, recipe: Recipe, revision: Revision, reviewer: User, render: Renderer
) -> Revision | None:
    """Append the head without ``revision``'s change; return the revision whose text is free of it."""
    if revision.parent_id is None:
        return None  # a new recipe's first revision: the recipe stays hidden
    parent = session.get(Revision, revision.parent_id)
    head = recipe.head_revision
    texts = (load_blob(session, r.blob_id).text for r in (revision, head, parent))
    merge = merge3(*texts)
    if not merge.clean:
        raise MergeConflict(
            "Later edits changed the same lines as this revision: its change cannot be taken out "
            "automatically. Edit the recipe by hand, then reject it.",
            conflicts=list(merge.conflicts),
            head_revision=head.number,
        )
    title = parent.title if head.title == revision.title != parent.title else head.title
    if merge.text == load_blob(session, head.blob_id).text and title == head.title:
        return head
    return append_revision(
        session,
        recipe,
        head,
        author=reviewer,
        title=title,
        body=merge.text,
        # The reason is told to the author alone (``rejections_for``), not written in public history.
        summary=automatic("reject_revision", number=revision.number),
        kind="revert",
        render=render,
        status="pending" if _others_pending(session, recipe, revision) else "approved",
    )


def _others_pending(session: Session, recipe: Recipe, rejected: Revision) -> bool:
    """Whether revisions after the published one, besides ``rejected``, await review (the head holds them)."""
    published_number = recipe.published_revision.number if recipe.published_revision else 0
    query = select(func.count()).where(
        Revision.recipe_id == recipe.id,
        Revision.status == "pending",
        Revision.number > published_number,
        Revision.id != rejected.id,
    )
    return session.scalar(query) > 0


def _promote_if_trusted(session: Session, author: User) -> None:
    """Make a contributor an editor once EDITS_TO_BECOME_EDITOR of their revisions were approved."""
    if author.role != "contributor":
        return
    approved = session.scalar(
        select(func.count())
        .select_from(RevisionReview)
        .join(Revision, Revision.id == RevisionReview.revision_id)
        .where(Revision.author_id == author.id, RevisionReview.decision == "approved")
    )
    if approved >= EDITS_TO_BECOME_EDITOR:
        author.role = "editor"
        session.flush()
        record_change(
            session,
            type="role",
            user=None,
            target_user=author,
            summary=automatic("promotion", previous="contributor", role="editor", count=approved),
        )


def reject_rolled_back(
    session: Session, revisions: list[Revision], moderator: User, reason: str, undo: Revision
) -> None:
    """Reject the revisions of a rolled-back run that still awaited review: ``undo`` took them out."""
    for revision in revisions:
        if revision.status == "pending":
            _decide(session, revision, moderator, "rejected", reason, undo)
