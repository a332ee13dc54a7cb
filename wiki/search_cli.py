"""``levain search rebuild|check``: the search index from the command line."""

import click

search_group = click.Group("search", help="Rebuild or check the search index.")
