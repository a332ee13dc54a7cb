"""Lineage: where a recipe comes from, what came from it, and how far it is from its upstream.

Glossary:
- *parent* / *upstream*: the recipe a fork was copied from. *Ancestors*: the parent, its parent …
  up to the *origin*, a recipe with no parent. *Descendants*: the forks, their forks … as a tree.
- *fork point*: the parent revision a fork was copied from (``Recipe.fork_revision_id``).
- *merge record*: a fork's revision that took in the parent's text up to a parent revision
  (``Revision.upstream_revision_id``); the first revision of a fork records the fork point.
- *base*: the last parent revision taken in (the fork point at first): where the next sync starts.
- *behind*: parent revisions since the base up to the parent's published revision, what a sync would
  take in (revisions awaiting review are not counted). *ahead*: the fork's revisions since its last
  merge record.

Everything here is derived from those stored facts by queries; nothing is stored as a guess. Ancestors
and descendants are recursive CTEs, which SQLite and PostgreSQL both run, so a lineage of a thousand
variants ten levels deep is read in a handful of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from recipes.community.regions import get_region
from recipes.errors import Invalid
from recipes.models import Recipe, Region, Revision
from recipes.queries import ancestors_cte, get_recipe, get_recipe_id, get_revision

# Forks are made one at a time from existing recipes, so lineage has no cycles; the bound only keeps
# a damaged database (a hand-edited parent_id) from looping.
MAX_DEPTH = 1000


@dataclass
class LineageNode:
    """A recipe as the lineage shows it: where it is, when it changed, how it stands to its parent."""

    id: int
    slug: str
    title: str
    region_slug: str | None
    region_name: str | None
    parent_id: int | None
    parent_slug: str | None
    head_number: int
    published_number: int | None  # the revision readers see (the head may await review)
    updated_at: datetime
    fork_revision: int | None  # the parent revision it was copied from
    base: int | None  # the last parent revision taken in
    behind: int | None
    ahead: int | None
    depth: int
    children: list[LineageNode] = field(default_factory=list)


@dataclass(frozen=True)
class Ancestor:
    """An ancestor, and its revision that the line below was copied from."""

    node: LineageNode
    revision: int


@dataclass(frozen=True)
class Lineage:
    """A recipe, its ancestors (parent first) and the tree of its descendants."""

    recipe: LineageNode
    ancestors: list[Ancestor]
    descendants: list[LineageNode]

    def count_descendants(self) -> int:
        pending, count = list(self.descendants), 0
        while pending:
            node = pending.pop()
            count += 1
            pending.extend(node.children)
        return count

    def recipe_ids(self) -> list[int]:
        """The ids of every recipe of the lineage: the recipe, its ancestors and its descendants."""
        ids = [self.recipe.id] + [ancestor.node.id for ancestor in self.ancestors]
        pending = list(self.descendants)
        while pending:
            node = pending.pop()
            ids.append(node.id)
            pending.extend(node.children)
        return ids


@dataclass(frozen=True)
class UpstreamStatus:
    """How a fork stands to its parent: the base it last took in, the parent's head, behind, ahead."""

    recipe: Recipe
    parent: Recipe
    base: Revision
    upstream_head: Revision
    behind: int
    ahead: int


def _merge_records(members) -> Select:
    """Per recipe among ``members``: its newest merge record and the newest parent revision taken in."""
    upstream = aliased(Revision)
    return (
        select(
            Revision.recipe_id.label("recipe_id"),
            func.max(Revision.number).label("merge_number"),
            func.max(upstream.number).label("base_number"),
        )
        .join(upstream, upstream.id == Revision.upstream_revision_id)
        .where(Revision.recipe_id.in_(select(members.c.id)))
        .group_by(Revision.recipe_id)
    )


def _nodes_query(members) -> Select:
    """The lineage nodes' columns of the recipes in ``members`` (a selectable of ``id`` and ``depth``,
    and ``kind`` if it has one, selected last)."""
    merges = _merge_records(members).subquery()
    parent, fork_point, parent_published = aliased(Recipe), aliased(Revision), aliased(Revision)
    published = aliased(Revision)
    return (
        select(
            Recipe.id,
            Recipe.slug,
            Recipe.title,
            Region.slug,
            Region.name,
            Recipe.parent_id,
            parent.slug,
            Recipe.head_number,
            published.number,
            Recipe.updated_at,
            fork_point.number,
            parent_published.number,
            merges.c.merge_number,
            merges.c.base_number,
            members.c.depth,
            *([members.c.kind] if "kind" in members.c else []),
        )
        .join(members, members.c.id == Recipe.id)
        .outerjoin(Region, Region.id == Recipe.region_id)
        .outerjoin(parent, parent.id == Recipe.parent_id)
        .outerjoin(published, published.id == Recipe.published_revision_id)
        .outerjoin(fork_point, fork_point.id == Recipe.fork_revision_id)
        .outerjoin(parent_published, parent_published.id == parent.published_revision_id)
        .outerjoin(merges, merges.c.recipe_id == Recipe.id)
        .where(Recipe.head_revision_id.is_not(None))
        .order_by(members.c.depth, Recipe.slug)
    )


def _node(
    id_,
    slug,
    title,
    region_slug,
    region_name,
    parent_id,
    parent_slug,
    head_number,
    published_number,
    updated_at,
    fork_number,
    parent_published,
    merge_number,
    base_number,
    depth,
) -> LineageNode:
    is_fork = parent_id is not None
    base = (base_number or fork_number) if is_fork else None
    return LineageNode(
        id=id_,
        slug=slug,
        title=title,
        region_slug=region_slug,
        region_name=region_name,
        parent_id=parent_id,
        parent_slug=parent_slug,
        head_number=head_number,
        published_number=published_number,
        updated_at=updated_at,
        fork_revision=fork_number,
        base=base,
        behind=parent_published - base if is_fork and base is not None else None,
        ahead=head_number - (merge_number or 1) if is_fork else None,
        depth=depth,
    )


def _ancestor_ids():
    """A recursive CTE of the ancestors' ids of recipe ``:recipe_id``, with their distance (parent: 1)."""
    return ancestors_cte(Recipe.id == bindparam("recipe_id"), name="ancestors", depth_limit=MAX_DEPTH)


def _descendant_ids():
    """A recursive CTE of the descendants' ids of recipe ``:recipe_id``, with their distance (fork: 1)."""
    start = select(Recipe.id.label("id"), literal(1).label("depth")).where(
        Recipe.parent_id == bindparam("recipe_id")
    )
    descendants = start.cte("descendants", recursive=True)
    step = (
        select(Recipe.id, descendants.c.depth + 1)
        .join(descendants, Recipe.parent_id == descendants.c.id)
        .where(descendants.c.depth < MAX_DEPTH)
    )
    return descendants.union_all(step)


def _members(condition):
    """The recipes meeting a condition, as ``members`` for ``_nodes_query`` (all at depth 0)."""
    return select(Recipe.id.label("id"), literal(0).label("depth")).where(condition).subquery()


# The kinds of member of a lineage.
ITSELF, ANCESTOR, DESCENDANT = 0, 1, 2


def _lineage_members():
    """Recipe ``:recipe_id``, its ancestors and its descendants, each with its distance and kind:
    one statement, planned once, rather than one for each."""
    ancestors, descendants = _ancestor_ids(), _descendant_ids()
    itself = select(Recipe.id.label("id"), literal(0).label("depth"), literal(ITSELF).label("kind"))
    return union_all(
        itself.where(Recipe.id == bindparam("recipe_id")),
        select(ancestors.c.id, ancestors.c.depth, literal(ANCESTOR)),
        select(descendants.c.id, descendants.c.depth, literal(DESCENDANT)),
    ).subquery()


# Built once: making these statements costs more than running them, and the compiled SQL is cached.
_ITSELF = _nodes_query(_members(Recipe.id == bindparam("recipe_id")))
_LINEAGE = _nodes_query(_lineage_members())
# A region's page lists its recipes that readers may see: not the deleted ones.
_IN_REGION = _nodes_query(
    _members(and_(Recipe.region_id == bindparam("region_id"), Recipe.deleted_at.is_(None)))
)


def _nodes(session: Session, query: Select, **params: int) -> list[LineageNode]:
    # Plain rows through the connection, fetched at once: the ORM's result machinery, or a fetch per
    # row, would cost more than the query.
    return [_node(*row) for row in session.connection().execute(query, params).all()]


def lineage(session: Session, slug: str) -> Lineage:
    """The recipe's ancestors up to the origin and the whole tree of its descendants."""
    recipe_id = get_recipe_id(session, slug)
    members: tuple[list[LineageNode], ...] = ([], [], [])
    for *columns, kind in session.connection().execute(_LINEAGE, {"recipe_id": recipe_id}).all():
        members[kind].append(_node(*columns))
    (itself,), ancestors, descendants = members
    # Each ancestor's revision that the line below it was copied from: the fork point of its child.
    copied = [itself.fork_revision] + [node.fork_revision for node in ancestors]
    return Lineage(
        recipe=itself,
        ancestors=[Ancestor(node, revision) for node, revision in zip(ancestors, copied, strict=False)],
        descendants=_tree(recipe_id, descendants),
    )


def _tree(root_id: int, nodes: list[LineageNode]) -> list[LineageNode]:
    """Hang each node under its parent (nodes come by depth, so parents come first)."""
    by_id = {node.id: node for node in nodes}
    top: list[LineageNode] = []
    for node in nodes:
        (top if node.parent_id == root_id else by_id[node.parent_id].children).append(node)
    return top


def upstream_status(session: Session, slug: str) -> UpstreamStatus:
    """How a fork stands to its parent; a recipe that is no fork has no upstream (Invalid)."""
    recipe = get_recipe(session, slug)
    parent = recipe.parent
    if parent is None:
        raise Invalid(
            "The recipe {slug!r} is not a fork of another recipe: it has no upstream.", values={"slug": slug}
        )
    node = _nodes(session, _ITSELF, recipe_id=recipe.id)[0]
    return UpstreamStatus(
        recipe=recipe,
        parent=parent,
        base=get_revision(session, parent, node.base),
        upstream_head=parent.published_revision,  # a variant takes in only what readers see
        behind=node.behind,
        ahead=node.ahead,
    )


@dataclass(frozen=True)
class RegionRecipes:
    """A region and its recipes, each with its parent and how far behind it is."""

    region: Region
    recipes: list[LineageNode]


def region_recipes(session: Session, slug: str) -> RegionRecipes:
    """A region's page: its recipes, origins and variants alike, in slug order."""
    region = get_region(session, slug)
    return RegionRecipes(region, _nodes(session, _IN_REGION, region_id=region.id))
