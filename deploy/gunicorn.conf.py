"""gunicorn's configuration for Levain: ``gunicorn --config deploy/gunicorn.conf.py 'wsgi:app'``.

Anything here can be changed on the command line (``--bind``, ``--workers`` …) or in
``GUNICORN_CMD_ARGS``. What it adds to gunicorn's defaults:
- an access log on standard output, one line per request, ending with the request id that the app
  sends back in ``X-Request-Id`` and stamps on its own log lines (``request_id=…``), and the
  ``X-Forwarded-For`` chain a proxy in front sent;
- the Prometheus client's multiprocess mode: every worker writes its counts into
  ``PROMETHEUS_MULTIPROC_DIR`` (a new temporary folder unless set), from which ``/metrics`` adds
  them up; the folder is emptied when gunicorn starts and a dead worker's gauges are dropped.
This file imports nothing from Levain: the app is loaded by each worker, after the folder is set.
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30

# No control socket (gunicornc): its default path is one per user, which several servers would share.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}o)s"
)

_made_metrics_folder = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _made_metrics_folder:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="levain-metrics-")


def on_starting(server):
    """Start the counts afresh: files left by an earlier run would add to this one's."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.db"):
        leftover.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_metrics_folder:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
