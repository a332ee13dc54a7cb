"""JSON API for regions, forks, lineage, upstream sync, compare and proposals."""

from flask import Blueprint

bp = Blueprint("api_forks", __name__)
