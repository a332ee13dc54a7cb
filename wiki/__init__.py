"""Levain's web layer: the only package that imports Flask.

``create_app`` builds an application from configuration: defaults, then ``LEVAIN_*`` environment
variables, then the test configuration a test passes in. Extensions are created unbound in their
modules and bound here; importing any module of this package has no side effect.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Flask

from . import (
    api,
    auth,
    config,
    db,
    errors,
    health,
    i18n,
    licensing,
    metrics,
    search,
    security,
    serving,
    static_files,
    views,
)
from .cli import init_app as init_cli

# The templates are installed inside the package (setup.cfg maps templates/ to wiki.templates).
TEMPLATES_DIR = files("wiki.templates")


class Levain(Flask):
    """Flask, which asks whether a view or hook is a coroutine function once per function rather than
    at each of its calls: a page view calls some fifteen hooks, each asked anew every time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synchronous: dict = {}

    def ensure_sync(self, func):
        try:
            return self._synchronous[func]
        except KeyError:
            synchronous = self._synchronous[func] = super().ensure_sync(func)
            return synchronous


def create_app(test_config: dict | None = None) -> Flask:
    """Create a Levain application; ``test_config`` overrides everything else."""
    instance_path = config.instance_path(test_config)
    app = Levain(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=False,
        template_folder=str(TEMPLATES_DIR),
    )
    config.load(app, test_config)
    app.json.sort_keys = False  # answers keep the field order of the contract
    serving.init_app(app)  # first: every later hook and log line has the request id and the client
    db.init_app(app)
    metrics.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    licensing.init_app(app)
    static_files.init_app(app)
    errors.init_app(app)
    search.init_app(app)
    views.init_app(app)
    app.register_blueprint(health.bp)
    api.init_app(app)
    init_cli(app)
    return app
