"""The search page: results grouped by lineage, with snippets, facets, pages and "did you mean"."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template, request, url_for

from recipes.errors import Invalid
from recipes.search import SearchRequest, search_recipes
from recipes.search.interface import DEFAULT_PER_PAGE
from recipes.search.query import MAX_QUERY_LENGTH

from ..db import get_session
from ..search import SEARCH_RATE_LIMIT, get_index, request_from_args
from ..security import limiter

bp = Blueprint("search", __name__)


@bp.get("/search")
@limiter.limit(SEARCH_RATE_LIMIT)
def search():
    """Search the recipes."""
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    try:
        search_request = request_from_args()
        results = search_recipes(get_session(), get_index(), search_request)
    except Invalid as error:
        # The form comes back with the query and a sentence, rather than a bare error page.
        page = render_template(
            "search/results.html",
            query=query,
            error=error.message,
            results=None,
            link=_links(SearchRequest(text=query)),
        )
        return page, 400
    return render_template(
        "search/results.html", query=query, error=None, results=results, link=_links(search_request)
    )


def _links(current: SearchRequest) -> Callable[..., str]:
    """``link(**changes)``: the address of this search with some parameters changed (None removes one)."""
    parameters = {
        "q": current.text,
        "region": current.region,
        "tag": current.tag,
        "language": current.language,
        "licence": current.licence,
        "sort": None if current.sort == "relevance" else current.sort,
        "limit": None if current.per_page == DEFAULT_PER_PAGE else current.per_page,
    }

    def link(**changes) -> str:
        merged = {**parameters, "page": None, **changes}
        return url_for("search.search", **{name: value for name, value in merged.items() if value})

    return link
