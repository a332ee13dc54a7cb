"""Proposals: a variant's local changes offered back to its parent recipe.

A *proposal* freezes the variant's head (the *source revision*) and the parent revision the variant
last took in (the *base revision*); its changes are relative to the text both share (see ``bases``:
that revision, or the variant's revision the parent last accepted, if that met later). The
parent's editors review it as the diff from that text to the source, discuss it in *comments*, and
either *accept* it (merged three-way into the parent: that text, ours = the parent's head, theirs =
the source; conflicts resolved by a person as in a sync) or *decline* it with a reason. A decided
proposal stays decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from recipes import validation
from recipes.blobs import load_blob
from recipes.community.policy import require
from recipes.community.visibility import can_see_revision
from recipes.database import write_transaction
from recipes.errors import Invalid, Label, NotFound
from recipes.history.merge import MergeResult, merge3
from recipes.history.revisions import Renderer, append_revision, has_unreviewed_head, lock_recipe
from recipes.journal.changes import record_change
from recipes.licences.rules import check_flow
from recipes.lineage.bases import proposal_base_text
from recipes.lineage.sync import require_head, resolved_text
from recipes.lineage.tree import upstream_status
from recipes.models import Proposal, ProposalComment, Revision, User, utcnow
from recipes.queries import clamp_limit, get_recipe
from recipes.summaries import automatic

PROPOSAL_STATUSES = ("open", "accepted", "declined")
MAX_COMMENT_LENGTH = 5_000


@dataclass(frozen=True)
class ProposalDetail:
    """A proposal with its texts, its comments, and (while open) what accepting it now would merge."""

    proposal: Proposal
    base_text: str
    source_text: str
    comments: list[ProposalComment]
    merge: MergeResult | None
    # The variant's revision whose text is shown: the proposed one, or, for someone who may not see text
    # awaiting review, the newest reviewed revision before it (None: none, the base text is shown).
    shown_revision: Revision | None


def create_proposal(session: Session, slug: str, *, author: User, summary: str) -> Proposal:
    """Propose the local changes of variant ``slug`` (since it last took in its parent's) to its parent."""
    require(author, "propose")
    summary = validation.clean_summary(summary)
    if not summary:
        raise Invalid("Say in a few words what the proposal brings.")
    with write_transaction(session):
        status = upstream_status(session, slug)
        require(author, "propose", status.recipe)
        source = status.recipe.head_revision
        base = proposal_base_text(
            session,
            variant_id=status.recipe.id,
            parent_id=status.parent.id,
            taken_in=status.base,
            source=source,
        )
        if load_blob(session, source.blob_id).text == base:
            raise Invalid(
                "{slug!r} has no local changes to propose: its text is its upstream's.", values={"slug": slug}
            )
        _refuse_duplicate(session, status.recipe.id, source)
        proposal = Proposal(
            source_id=status.recipe.id,
            target_id=status.parent.id,
            source_revision_id=source.id,
            base_revision_id=status.base.id,
            author_id=author.id,
            summary=summary,
            status="open",
        )
        session.add(proposal)
        session.flush()
        record_change(
            session,
            type="proposal",
            user=author,
            recipe=status.parent,
            summary=automatic("proposal_accept", id=proposal.id, slug=status.recipe.slug, summary=summary),
        )
    return proposal


def _refuse_duplicate(session: Session, source_id: int, source: Revision) -> None:
    query = select(Proposal.id).where(
        Proposal.source_id == source_id, Proposal.source_revision_id == source.id, Proposal.status == "open"
    )
    existing = session.scalar(query)
    if existing is not None:
        raise Invalid(
            "Revision {number} is already proposed (proposal {existing}).",
            values={"number": source.number, "existing": existing},
        )


def list_proposals(
    session: Session,
    *,
    target: str | None = None,
    status: str | None = None,
    recipe: str | None = None,
    limit: int | None = None,
) -> list[Proposal]:
    """Proposals, newest first: to recipe ``target``, from or to ``recipe``, of one ``status``."""
    query = (
        select(Proposal)
        .options(joinedload(Proposal.source), joinedload(Proposal.target), joinedload(Proposal.author))
        .order_by(Proposal.id.desc())
        .limit(clamp_limit(limit))
    )
    if status:
        if status not in PROPOSAL_STATUSES:
            raise Invalid(
                "A proposal's status is one of {choices}.", values={"choices": ", ".join(PROPOSAL_STATUSES)}
            )
        query = query.where(Proposal.status == status)
    if target:
        query = query.where(Proposal.target_id == get_recipe(session, target).id)
    if recipe:
        recipe_id = get_recipe(session, recipe).id
        query = query.where(or_(Proposal.source_id == recipe_id, Proposal.target_id == recipe_id))
    return list(session.scalars(query))


def open_proposal_count(session: Session, recipe_id: int) -> int:
    """How many open proposals a recipe sends to its parent or receives from its variants."""
    query = select(func.count(Proposal.id)).where(
        Proposal.status == "open", or_(Proposal.source_id == recipe_id, Proposal.target_id == recipe_id)
    )
    return session.scalar(query) or 0


def get_proposal(session: Session, proposal_id: object) -> Proposal:
    """The proposal numbered so (int or text): a malformed number is Invalid, a missing one NotFound."""
    number = validation.clean_revision_number(proposal_id, "proposal number")
    proposal = session.get(Proposal, number)
    if proposal is None:
        raise NotFound("There is no proposal {number}.", values={"number": number})
    return proposal


def proposal_detail(session: Session, proposal_id: object, viewer: User | None = None) -> ProposalDetail:
    """A proposal with its base and source texts, its comments, and the merge accepting it would make.

    ``viewer`` (None: anonymous) sees the proposed text only if they may see that revision: a proposal
    made from an edit awaiting review must not publish it. Others see the newest reviewed text of the
    variant up to it, and no merge.
    """
    proposal = get_proposal(session, proposal_id)
    shown = _shown_source(session, proposal, viewer)
    comments = session.scalars(
        select(ProposalComment)
        .options(joinedload(ProposalComment.author))
        .where(ProposalComment.proposal_id == proposal.id)
        .order_by(ProposalComment.id)
    )
    whole = shown is proposal.source_revision
    merge = _acceptance_merge(session, proposal) if proposal.status == "open" and whole else None
    base_text = _base_text(session, proposal)
    return ProposalDetail(
        proposal=proposal,
        base_text=base_text,
        source_text=load_blob(session, shown.blob_id).text if shown is not None else base_text,
        comments=list(comments),
        merge=merge,
        shown_revision=shown,
    )


def _shown_source(session: Session, proposal: Proposal, viewer: User | None) -> Revision | None:
    """The proposed revision if ``viewer`` may see it, else the variant's newest approved one before it."""
    source = proposal.source_revision
    if can_see_revision(viewer, source):
        return source
    return session.scalar(
        select(Revision)
        .where(
            Revision.recipe_id == source.recipe_id,
            Revision.number < source.number,
            Revision.status == "approved",
        )
        .order_by(Revision.number.desc())
        .limit(1)
    )


def _acceptance_merge(session: Session, proposal: Proposal) -> MergeResult:
    """base: the text both already share; ours: the parent's head; theirs: the proposal."""
    ours, theirs = (
        load_blob(session, revision.blob_id).text
        for revision in (proposal.target.head_revision, proposal.source_revision)
    )
    return merge3(_base_text(session, proposal), ours, theirs)


def _base_text(session: Session, proposal: Proposal) -> str:
    """The text the proposal's changes are relative to: what the parent and the variant share."""
    return proposal_base_text(
        session,
        variant_id=proposal.source_id,
        parent_id=proposal.target_id,
        taken_in=proposal.base_revision,
        source=proposal.source_revision,
        proposal_id=proposal.id,
    )


def comment_on_proposal(session: Session, proposal_id: object, *, author: User, body: str) -> ProposalComment:
    """Add a comment to the discussion of a proposal (open or decided)."""
    require(author, "comment")
    body = _clean_text(body, "A comment")
    with write_transaction(session):
        proposal = get_proposal(session, proposal_id)
        comment = ProposalComment(proposal_id=proposal.id, author_id=author.id, body=body)
        session.add(comment)
        session.flush()
    return comment


def accept_proposal(
    session: Session,
    proposal_id: object,
    *,
    author: User,
    render: Renderer,
    resolutions: Sequence[str] | None = None,
    head_revision: object = None,
    comment: str | None = None,
) -> Proposal:
    """Merge an open proposal into its parent recipe, as a new revision of kind "proposal".

    ``head_revision``, when given, is the parent's head the reviewer saw (a stale one is refused).
    Conflicts without ``resolutions``: MergeConflict with the conflicts and the head, nothing saved.
    """
    require(author, "decide_proposal")
    comment = _clean_text(comment, "A comment", required=False)
    with write_transaction(session):
        proposal = _open_proposal(session, proposal_id, author)
        lock_recipe(session, proposal.target)
        target, head = proposal.target, proposal.target.head_revision
        check_flow(proposal.source.licence, target.licence)  # the variant's text comes under the parent's
        if head_revision not in (None, ""):
            require_head(head, validation.clean_revision_number(head_revision, "head revision"))
        text = resolved_text(_acceptance_merge(session, proposal), resolutions, head_revision=head.number)
        summary = automatic(
            "proposal_revision",
            id=proposal.id,
            title=proposal.source.title,
            author=proposal.author.name,
            summary=proposal.summary,
        )
        revision = append_revision(
            session,
            target,
            head,
            author=author,
            title=head.title,
            body=text,
            summary=summary,
            kind="proposal",
            render=render,
            # Accepting is the editor's review of the proposal; text awaiting review on the head is not.
            status="pending" if has_unreviewed_head(target) else "approved",
        )
        _decide(session, proposal, author, "accepted", comment, revision)
    return proposal


def decline_proposal(session: Session, proposal_id: object, *, author: User, comment: str) -> Proposal:
    """Decline an open proposal, saying why."""
    require(author, "decide_proposal")
    comment = _clean_text(comment, "The reason for declining")
    with write_transaction(session):
        proposal = _open_proposal(session, proposal_id, author)
        _decide(session, proposal, author, "declined", comment)
        record_change(session, type="decline", user=author, recipe=proposal.target, summary=comment or "")
    return proposal


def _open_proposal(session: Session, proposal_id: object, author: User) -> Proposal:
    """The proposal, if this user may decide on it and it is still open."""
    proposal = get_proposal(session, proposal_id)
    require(author, "decide_proposal", proposal.target)
    if proposal.status != "open":
        raise Invalid(
            "Proposal {id} is already {status}.",
            values={"id": proposal.id, "status": Label("proposal", proposal.status)},
        )
    return proposal


def _decide(
    session: Session,
    proposal: Proposal,
    author: User,
    status: str,
    comment: str | None,
    target_revision: Revision | None = None,
) -> None:
    """Record the decision, if no one decided first (a compare-and-set on the status)."""
    decided = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == "open")
        .values(
            status=status,
            decided_by_id=author.id,
            decided_at=utcnow(),
            decision_comment=comment,
            target_revision_id=target_revision.id if target_revision is not None else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if decided != 1:
        raise Invalid("Proposal {id} was decided in the meantime.", values={"id": proposal.id})
    session.refresh(proposal)


def _clean_text(value: object, what: str, *, required: bool = True) -> str | None:
    """A comment's text, trimmed; ``what`` names it in the error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid("{what} cannot be empty.", values={"what": Label("phrase", what)})
        return None
    if not isinstance(value, str):
        raise Invalid("{what} must be a text.", values={"what": Label("phrase", what)})
    if len(value) > MAX_COMMENT_LENGTH:
        raise Invalid(
            "{what} has at most {most:,} characters.",
            values={"what": Label("phrase", what), "most": MAX_COMMENT_LENGTH},
        )
    return value.strip().replace("\r\n", "\n").replace("\x00", "")
