"""The Jinja templates, one folder per area; installed as the package ``wiki.templates``."""
