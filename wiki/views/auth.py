"""Accounts in the browser: register, log in, log out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
