"""Full-text search of the recipes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recipes.models import LANGUAGES
from recipes.search.interface import SORTS

from .common import Answer, Licence, Paging, QueryNumber, Slug, Tag, Time


class SearchQuery(Paging):
    q: str = Field("", description="Words; French and English match across accents, case and plurals.")
    region: Slug | None = None
    tag: Tag | None = None
    language: Literal[LANGUAGES] | None = None  # type: ignore[valid-type]
    licence: Licence | None = None
    sort: Literal[SORTS] | None = None  # type: ignore[valid-type]
    page: QueryNumber | None = None


class Variant(Answer):
    slug: str
    title: str
    region: str | None


class Hit(Answer):
    """The best-matching recipe of a lineage, with the other recipes of its lineage that matched."""

    slug: str
    title: str
    region: str | None
    language: str | None = None
    tags: list[str] = []
    snippet: str = Field(description="Safe HTML, the matched words in <mark>.")
    score: float
    updated_at: Time | None = None
    variants: list[Variant]
    variant_count: int | None = None


class SearchResults(Answer):
    total: int
    page: int | None = None
    pages: int | None = None
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(
        description="Matching recipes by region, tag, language and licence."
    )
    suggestion: str | None = None
    relaxed: bool | None = None
    left_out: list[str] = []
