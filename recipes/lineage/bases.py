"""Merge bases: the text a variant and its parent already share, where a sync or a proposal starts.

Like git's merge base, it is read from the meetings of the two lines of revisions, never guessed
from the texts:

- a *merge record* of the variant (its fork, a sync, a resolved sync) took in a parent revision:
  that parent text is in both from then on;
- an *accepted proposal* made a parent revision that took in a variant revision (its source): that
  variant text is in both from then on.

The newer meeting (the one whose parent revision is later) is the base (after a criss-cross, the
two merged). So after the parent accepts
a proposal, the variant's next sync does not take its own lines in a second time, and its next
proposal does not offer again what the parent already accepted.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from recipes.blobs import load_blob
from recipes.history.merge import merge3
from recipes.lineage.tree import UpstreamStatus
from recipes.models import Proposal, Revision


def sync_base_text(session: Session, status: UpstreamStatus, upstream: Revision) -> str:
    """The text a sync taking in parent revision ``upstream`` starts from."""
    accepted = _last_accepted(session, status.recipe.id, status.parent.id, parent_until=upstream.number)
    return _shared_text(session, status.recipe.id, status.base, accepted)


def proposal_base_text(
    session: Session,
    *,
    variant_id: int,
    parent_id: int,
    taken_in: Revision,
    source: Revision,
    proposal_id: int | None = None,
) -> str:
    """The text the changes of variant revision ``source`` are offered (and merged) from.

    ``taken_in`` is the parent revision the variant had last taken in when ``source`` was saved;
    ``proposal_id`` the proposal itself, once made (its own acceptance is not a base for itself).
    """
    accepted = _last_accepted(
        session, variant_id, parent_id, source_until=source.number, other_than=proposal_id
    )
    return _shared_text(session, variant_id, taken_in, accepted, source_until=source.number)


def _shared_text(
    session: Session,
    variant_id: int,
    taken_in: Revision,
    accepted: Proposal | None,
    source_until: int | None = None,
) -> str:
    """The text of the newer meeting; after a criss-cross, both meetings merged over the older one.

    Criss-cross: the parent accepted a variant revision older than the variant's last sync, while that
    sync took in a parent revision older than the acceptance. Each meeting then lacks the other's
    text; like git's recursive merge, the base is their merge over where the proposal started.
    """
    if accepted is None or accepted.target_revision.number <= taken_in.number:
        return _text(session, taken_in)
    source = accepted.source_revision
    taken_at = _merge_record_number(session, variant_id, taken_in, source_until)
    if taken_at is None or source.number >= taken_at:
        return _text(session, source)
    merged = merge3(*(_text(session, revision) for revision in (accepted.base_revision, taken_in, source)))
    return merged.text if merged.clean else _text(session, source)


def _text(session: Session, revision: Revision) -> str:
    return load_blob(session, revision.blob_id).text


def _merge_record_number(
    session: Session, variant_id: int, taken_in: Revision, source_until: int | None
) -> int | None:
    """The number of the variant's revision that took ``taken_in`` in (the last one, up to a bound)."""
    query = select(func.max(Revision.number)).where(
        Revision.recipe_id == variant_id, Revision.upstream_revision_id == taken_in.id
    )
    if source_until is not None:
        query = query.where(Revision.number <= source_until)
    return session.scalar(query)


def _last_accepted(
    session: Session,
    variant_id: int,
    parent_id: int,
    *,
    parent_until: int | None = None,
    source_until: int | None = None,
    other_than: int | None = None,
) -> Proposal | None:
    """The variant's proposal to its parent accepted last (by the parent revision it became)."""
    source, target = aliased(Revision), aliased(Revision)
    query = (
        select(Proposal)
        .join(source, source.id == Proposal.source_revision_id)
        .join(target, target.id == Proposal.target_revision_id)
        .where(
            Proposal.source_id == variant_id,
            Proposal.target_id == parent_id,
            Proposal.status == "accepted",
        )
        .order_by(target.number.desc())
        .limit(1)
    )
    if parent_until is not None:
        query = query.where(target.number <= parent_until)
    if source_until is not None:
        query = query.where(source.number <= source_until)
    if other_than is not None:
        query = query.where(Proposal.id != other_than)
    return session.scalar(query)
