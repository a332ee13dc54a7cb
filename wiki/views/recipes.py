"""Recipes in the browser: home, read, create, edit, history, old revisions, diffs, revert."""

from flask import Blueprint

bp = Blueprint("recipes", __name__)
