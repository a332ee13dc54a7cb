"""JSON API for a recipe's credit: the ready-to-paste attribution (title, authors, source, licence)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from recipes import queries
from recipes.licences.attribution import attribution

from ..db import get_session
from ..licensing import attribution_html, attribution_text
from .common import checked_slug
from .schemas.recipes import Attribution
from .spec import endpoint

bp = Blueprint("api_licences", __name__)


@bp.get("/recipes/<slug>/attribution")
@endpoint("recipes", {200: Attribution})
def get_attribution(slug: str):
    """Give the credit to paste under a copied or printed recipe, as text and as HTML."""
    session = get_session()
    credits = attribution(session, queries.get_recipe(session, checked_slug(slug)))
    return jsonify({"text": attribution_text(credits), "html": str(attribution_html(credits))})
