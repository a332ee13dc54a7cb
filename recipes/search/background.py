"""The outbox writer of a process: a thread that brings saves into the search index after their answer.

A save's transaction writes its outbox row; once committed, the request only *notifies* the writer
and answers. The thread wakes, lets saves arriving together gather for ``GATHER_SECONDS``, and applies
the outbox in a session of its own. When another process's writer holds the lock, the rows stay in
the outbox and the thread tries again every ``RETRY_SECONDS`` while some wait; when the index or the
database fails, they wait for the next save's notification. A search applies waiting rows itself
before searching, so an edit is found at once either way.

``drain`` applies everything now (commands, tests and shutdown); ``stop`` ends the thread after
one last drain. The thread starts on the first notification in each process, so that a server
that forks its workers after loading the app (gunicorn's ``--preload``) gets one per worker, and
ends when idle, so that an app nobody stops (the tests make many) leaves no thread behind.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from . import outbox
from .interface import SearchIndex

log = logging.getLogger(__name__)
# Saves notified within this time of the first are applied together, in one index commit.
GATHER_SECONDS = 0.05
# While rows wait for another process's writer to release the lock, the writer tries again this often.
RETRY_SECONDS = 1.0
# How long the writer waits for another process's writer at each try.
LOCK_TIMEOUT = 2.0
# How long ``drain`` and ``stop`` keep trying to empty the outbox.
DRAIN_TIMEOUT = 30.0
# A thread with nothing to do for this long ends; the next notification starts another.
IDLE_SECONDS = 60.0


class OutboxWriter:
    """Applies the search outbox to ``index`` in a thread of its own, woken by ``notify``."""

    def __init__(self, index: SearchIndex, sessions: Callable[[], Session]):
        self.index = index
        self._sessions = sessions
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._start_lock = threading.Lock()
        # One apply at a time in this process: the thread's, or a drain's.
        self._apply_lock = threading.Lock()

    def notify(self) -> None:
        """Say that a transaction committed outbox rows; they are applied soon, in the thread."""
        if self._stopping:
            return
        self._ensure_thread()
        self._wake.set()

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> int:
        """Apply the outbox until it is empty, the index fails or ``timeout`` passed; return how many
        rows were applied."""
        deadline = time.monotonic() + timeout
        applied = 0
        while time.monotonic() < deadline:
            outcome = self._apply_once(lock_timeout=max(0.1, deadline - time.monotonic()))
            if outcome is None:
                break
            done, pending = outcome
            applied += done
            if not pending:
                break
            if not done:  # another process's writer has the lock
                time.sleep(0.02)
        return applied

    def stop(self) -> None:
        """End the thread, then apply what waits: nothing this process saved is left for later.

        A writer never notified in this process has nothing of its own to apply: it only stops.
        """
        if self._stopping:
            return
        self._stopping = True
        self._wake.set()
        with self._start_lock:
            thread, ours = self._thread, self._pid == os.getpid()
        if thread is not None and ours:
            thread.join()
        if ours:
            self.drain()

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()  # in a forked child, the parent's thread is not there
            self._thread = threading.Thread(target=self._run, name="levain-search-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        pending = False
        while not self._stopping:
            woken = self._wake.wait(timeout=RETRY_SECONDS if pending else IDLE_SECONDS)
            if self._stopping or (not woken and not pending and self._ended_idle()):
                return
            time.sleep(GATHER_SECONDS)
            self._wake.clear()
            outcome = self._apply_once(lock_timeout=LOCK_TIMEOUT)
            # After a failure (logged once), the next save or search tries again: an unreachable
            # database must not fill the log with a line a second.
            pending = outcome is not None and outcome[1]

    def _ended_idle(self) -> bool:
        """Forget this thread unless a notification came meanwhile; whether it should end."""
        with self._start_lock:
            if self._wake.is_set():
                return False
            self._thread = None
            return True

    def _apply_once(self, *, lock_timeout: float) -> tuple[int, bool] | None:
        """Apply the outbox once: how many rows were applied and whether some still wait; None on failure."""
        with self._apply_lock, self._sessions() as session:
            try:
                if not outbox.has_pending(session):
                    return 0, False
                applied = self.index.apply_outbox(session, lock_timeout=lock_timeout)
                return applied, outbox.has_pending(session)
            except Exception:  # noqa: BLE001 - the saves are committed; the outbox keeps what the index missed
                session.rollback()
                log.exception("could not update the search index; the outbox keeps the changes")
                return None
