"""JSON API for recipes and revisions: list, create, read, update, history, diff, revert."""

from flask import Blueprint

bp = Blueprint("api_recipes", __name__)
