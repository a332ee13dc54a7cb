"""Sync from upstream: a variant takes in what changed in its parent since it last did.

The merge is three-way: *base* is the text both already share (see ``bases``: the last parent
revision taken in, the fork point at first, or the variant's revision the parent last accepted
from it), *ours* the variant's head, *theirs* the parent revision being taken in (its head unless
one is named). Changes that do not overlap are combined; overlapping ones are conflicts that a
person resolves, one *resolution* (a text) per conflict, in order. The saved revision, of kind
"sync", records the parent revision it took in, so the next sync starts from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.database import write_transaction
from recipes.errors import EditConflict, Invalid, MergeConflict
from recipes.history.merge import MergeResult, merge3
from recipes.history.revisions import (
    Renderer,
    SaveOutcome,
    append_revision,
    has_unreviewed_head,
    recipe_for_writing,
    review_status,
)
from recipes.licences.rules import check_flow
from recipes.lineage.bases import sync_base_text
from recipes.lineage.tree import UpstreamStatus, upstream_status
from recipes.models import Revision, User
from recipes.queries import get_revision

# The sync page lists this many of the upstream changes not yet taken in, newest first.
MAX_LISTED_CHANGES = 50


@dataclass(frozen=True)
class SyncPreview:
    """What a sync would do: the upstream revision it takes in, the changes since the base, the merge."""

    status: UpstreamStatus
    upstream: Revision
    changes: list[Revision]
    merge: MergeResult
    ours: str  # the variant's text now, which the merge changes

    @property
    def pending(self) -> int:
        """How many upstream revisions this sync would take in."""
        return self.upstream.number - self.status.base.number


def preview_sync(session: Session, slug: str, *, upstream_revision: object = None) -> SyncPreview:
    """Merge the parent's changes into the variant without saving anything."""
    status = upstream_status(session, slug)
    upstream = _chosen_upstream(session, status, upstream_revision)
    base, ours, theirs = _texts(session, status, upstream)
    return SyncPreview(
        status, upstream, _changes(session, status, upstream), merge3(base, ours, theirs), ours
    )


def sync(
    session: Session,
    slug: str,
    *,
    author: User,
    base_revision: object,
    render: Renderer,
    upstream_revision: object = None,
    resolutions: Sequence[str] | None = None,
    summary: str = "",
    review_policy: str = "none",
) -> SaveOutcome:
    """Take the parent's changes into the variant, whose head must still be ``base_revision``.

    Nothing behind: no revision (``changed`` False). Conflicts without ``resolutions``: MergeConflict
    with the conflicts and the upstream revision, nothing saved.
    """
    require(author, "sync")
    base_revision = validation.clean_revision_number(base_revision, "base revision")
    summary = validation.clean_summary(summary)
    with write_transaction(session):
        recipe_for_writing(session, slug)  # locked first, so that the status reads the head as it is now
        status = upstream_status(session, slug)
        recipe, head = status.recipe, status.recipe.head_revision
        require(author, "sync", recipe)
        require_head(head, base_revision)
        upstream = _chosen_upstream(session, status, upstream_revision)
        if upstream.number == status.base.number:
            return SaveOutcome(recipe, head, changed=False)
        check_flow(status.parent.licence, recipe.licence)  # upstream's text comes under the variant's licence
        text = resolved_text(
            merge3(*_texts(session, status, upstream)),
            resolutions,
            upstream_revision=upstream.number,
            head_revision=head.number,
        )
        revision = append_revision(
            session,
            recipe,
            head,
            author=author,
            title=head.title,
            body=text,
            summary=summary or f"Synchronisation avec {status.parent.title}, révision {upstream.number}",
            kind="sync",
            render=render,
            upstream_revision_id=upstream.id,
            status=review_status(
                author, "sync", recipe, review_policy, unreviewed_text=has_unreviewed_head(recipe)
            ),
        )
    return SaveOutcome(recipe, revision, merged=True)


def require_head(head: Revision, base_number: int) -> None:
    """Refuse an action prepared on a head that is no longer the head (a stale base revision)."""
    if base_number > head.number:
        raise Invalid(f"Revision {base_number} does not exist yet; the latest is {head.number}.")
    if base_number != head.number:
        raise EditConflict(
            f"The recipe changed since revision {base_number}; look at it again before saving.",
            head_revision=head.number,
        )


def resolved_text(merge: MergeResult, resolutions: Sequence[str] | None, **conflict_details) -> str:
    """The merged text: clean, or each conflict replaced by a person's resolution, in order.

    Without resolutions, conflicts raise MergeConflict with ``conflicts`` and ``conflict_details``.
    """
    if resolutions is None:
        if merge.clean:
            return merge.text
        raise MergeConflict(
            f"{len(merge.conflicts)} change(s) overlap on both sides; choose what to keep in each.",
            conflicts=list(merge.conflicts),
            **conflict_details,
        )
    if not isinstance(resolutions, list | tuple) or not all(isinstance(text, str) for text in resolutions):
        raise Invalid("Resolutions are a list of texts, one per conflict.")
    if len(resolutions) != len(merge.conflicts):
        raise Invalid(
            f"The merge has {len(merge.conflicts)} conflict(s) but {len(resolutions)} resolution(s) came; "
            "look at the merge again."
        )
    return validation.clean_body(merge.resolve(resolutions))


def _chosen_upstream(session: Session, status: UpstreamStatus, number: object) -> Revision:
    """The parent revision to take in: the one named, from the base to the head, or the head."""
    if number is None or number == "":
        return status.upstream_head
    number = validation.clean_revision_number(number, "upstream revision")
    if not status.base.number <= number <= status.upstream_head.number:
        raise Invalid(
            f"Choose an upstream revision from {status.base.number} to {status.upstream_head.number}."
        )
    upstream = get_revision(session, status.parent, number)
    if upstream.status != "approved":
        raise Invalid(f"Revision {number} of {status.parent.slug!r} is not published; choose another.")
    return upstream


def _texts(session: Session, status: UpstreamStatus, upstream: Revision) -> tuple[str, str, str]:
    """base: the text both already share; ours: the variant's head; theirs: ``upstream``."""
    ours, theirs = (
        load_blob(session, revision.blob_id).text for revision in (status.recipe.head_revision, upstream)
    )
    return sync_base_text(session, status, upstream), ours, theirs


def _changes(session: Session, status: UpstreamStatus, upstream: Revision) -> list[Revision]:
    """The parent's revisions after the base up to ``upstream``, newest first."""
    query = (
        select(Revision)
        .options(joinedload(Revision.author))
        .where(
            Revision.recipe_id == status.parent.id,
            Revision.number > status.base.number,
            Revision.number <= upstream.number,
        )
        .order_by(Revision.number.desc())
        .limit(MAX_LISTED_CHANGES)
    )
    return list(session.scalars(query))
