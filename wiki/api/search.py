"""JSON API for full-text search: ``GET /api/v1/search``.

``total`` counts lineages (a recipe and its variants make one hit); each hit is the best-matching
recipe of its lineage, its ``snippet`` safe HTML with the matched words in ``<mark>``, and its
``variants`` the other recipes of the lineage that matched too (the first few; ``variant_count``
says how many). ``facets`` count matching recipes by region, tag, language and licence. When no recipe has
every word, ``relaxed`` is true: the words no recipe has are ``left_out``, or else the hits have
some of the words; ``suggestion`` is the query spelt as the index knows its words, if that finds
something.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from recipes.search import Hit, SearchResults, search_recipes
from recipes.search.interface import make_request

from ..db import get_session
from ..search import SEARCH_RATE_LIMIT, get_index
from ..security import limiter
from .schemas.search import SearchQuery
from .schemas.search import SearchResults as SearchAnswer
from .serializers import iso_time
from .spec import endpoint

bp = Blueprint("api_search", __name__)


@bp.get("/search")
@limiter.limit(SEARCH_RATE_LIMIT)
@endpoint("search", {200: SearchAnswer}, query=SearchQuery)
def search(query: SearchQuery):
    """Search the recipes: ``q``, by ``region``, ``tag``, ``language``, ``licence``; sorted, paged."""
    asked = make_request(
        query.q,
        region=query.region,
        tag=query.tag,
        language=query.language,
        licence=query.licence,
        sort=query.sort,
        page=query.page,
        per_page=query.limit,
    )
    results = search_recipes(get_session(), get_index(), asked)
    return jsonify(results_dict(results))


def results_dict(results: SearchResults) -> dict:
    return {
        "total": results.total,
        "page": results.request.page,
        "pages": results.pages,
        "hits": [hit_dict(hit) for hit in results.hits],
        "facets": results.facets,
        "suggestion": results.suggestion,
        "relaxed": results.relaxed,
        "left_out": list(results.left_out),
    }


def hit_dict(hit: Hit) -> dict:
    return {
        "slug": hit.slug,
        "title": hit.title,
        "region": hit.region_slug,
        "language": hit.language,
        "tags": list(hit.tags),
        "snippet": hit.snippet,
        "score": hit.score,
        "updated_at": iso_time(hit.updated_at),
        "variants": [
            {"slug": variant.slug, "title": variant.title, "region": variant.region_slug}
            for variant in hit.variants
        ],
        "variant_count": hit.variant_count,
    }
