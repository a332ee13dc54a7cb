"""Regions, forks, lineage, sync, compare and proposals in the browser."""

from flask import Blueprint

bp = Blueprint("forks", __name__)
