"""A bare Flask "hello world": the yardstick the wiki's page views are measured against.

``bench/bench_throughput.py`` serves it with the same gunicorn settings as ``wsgi:app`` and loads
both with the same client, so that the ratio of the two says what Levain's own work costs.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Say hello, and nothing else."""
    return "Hello, world!"
