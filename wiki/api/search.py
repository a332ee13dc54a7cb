"""JSON API for full-text search."""

from flask import Blueprint

bp = Blueprint("api_search", __name__)
