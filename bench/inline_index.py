"""Levain as it was before its outbox writer thread: each saving request writes the search index itself.

``bench/bench_http_save.py`` serves it beside ``wsgi:app`` so that one run shows what answering a
save before the index is written gains, on the same machine at the same moment.
"""

from flask import Response, request

from wiki import create_app
from wiki.search import refresh_index
from wiki.security import UNSAFE_METHODS

app = create_app()


@app.after_request
def write_the_index_before_answering(response: Response) -> Response:
    """Apply the outbox inside the request that saved, as every save did before."""
    if request.method in UNSAFE_METHODS and response.status_code < 500:
        refresh_index(app)
    return response
