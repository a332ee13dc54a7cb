"""MediaWiki revisions that overlap edits made in Levain, left for a person to merge.

When a new MediaWiki revision of a page and an edit made in Levain since the last import changed the
same lines, the import does not choose between them. It makes a *variant* of the recipe (slug
``<recipe>-mediawiki``, numbered when taken) that starts from the base (the converted text of the
last MediaWiki revision imported), appends the page's new revisions to it with their authors, times
and comments, and opens a *proposal* of the variant to the recipe. A person finds it among the
recipe's proposals (and in recent changes, and in the import's report) and merges it as any
proposal: the proposal's page shows the three-way merge, the person chooses in each conflict and
accepts, or declines it. Until then the page's newer MediaWiki revisions wait; the next import
after the decision merges them onto the recipe with the proposal's revisions as their base.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ... import validation
from ...history.editing import unique_slug
from ...history.revisions import append_revision
from ...journal.changes import record_change
from ...models import Proposal, Recipe, RecipeTag, Revision
from ...summaries import automatic
from .models import MediaWikiRevision
from .report import ParkedChanges

if TYPE_CHECKING:
    from .pages import ImportSettings, Incoming

VARIANT_NAME = "MediaWiki"  # the variant is "<recipe's title> (MediaWiki)", at "<recipe's slug>-mediawiki"


class Parking:
    """The variant taking the page's revisions in this import, from the first that overlapped."""

    def __init__(
        self,
        settings: ImportSettings,
        recipe: Recipe,
        base: MediaWikiRevision,
        base_text: str,
        first: Incoming,
    ):
        self.session = session = settings.session
        self.settings, self.recipe = settings, recipe
        self.fork_point = session.get(Revision, base.revision_id)
        self.author = first.author
        self.variant = self._variant(first)
        self.start = append_revision(
            session,
            self.variant,
            None,
            author=first.author,
            title=self.variant.title,
            body=base_text,
            summary=automatic("mediawiki_overlap", site=settings.links.site.name),
            kind="fork",
            render=settings.render,
            blob_hint=base.blob_id,
            upstream_revision_id=self.fork_point.id,
            created_at=first.at,
        )
        self.head = self.start
        self.base_blob = base.blob_id
        self.count = 0

    def _variant(self, first: Incoming) -> Recipe:
        title = f"{self.recipe.title} ({VARIANT_NAME})"
        variant = Recipe(
            slug=unique_slug(self.session, f"{self.recipe.slug}-{VARIANT_NAME}"),
            title=validation.clean_title(title[: validation.MAX_TITLE_LENGTH]),
            language=self.recipe.language,
            region_id=self.recipe.region_id,
            parent_id=self.recipe.id,
            fork_revision_id=self.fork_point.id,
            tags=[RecipeTag(tag=tag) for tag in self.recipe.tag_names],
            created_at=first.at,
            updated_at=first.at,
        )
        self.session.add(variant)
        self.session.flush()
        return variant

    def append(self, incoming: Incoming, append: Callable[..., Revision]) -> Revision:
        """Append a MediaWiki revision to the variant (its head holds the one before)."""
        self.head = append(self.variant, self.head, incoming, incoming.body, self.variant.title)
        self.count += 1
        return self.head

    def propose(self) -> ParkedChanges:
        """Open the proposal of the variant's revisions to the recipe, as a person proposes one."""
        # The proposal's base holds the base text: the fork point does, unless the last import itself
        # was merged with Levain edits; then the variant's first revision holds it.
        base = self.fork_point if self.fork_point.blob_id == self.base_blob else self.start
        summary = automatic("mediawiki_merge", site=self.settings.links.site.name, count=self.count)
        proposal = Proposal(
            source_id=self.variant.id,
            target_id=self.recipe.id,
            source_revision_id=self.head.id,
            base_revision_id=base.id,
            author_id=self.author.id,
            summary=summary,
            status="open",
        )
        self.session.add(proposal)
        self.session.flush()
        record_change(
            self.session,
            type="proposal",
            user=self.author,
            recipe=self.recipe,
            summary=automatic("proposal_accept", id=proposal.id, slug=self.variant.slug, summary=summary),
        )
        return ParkedChanges(self.recipe.slug, self.variant.slug, proposal.id, self.count)
