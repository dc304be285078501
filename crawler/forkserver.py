"""The fork server the extraction workers come from: started first thing in a crawl, so it is
warm before the first page arrives.

Workers are forked from a small server that has imported only what they need (a worker forked
from the crawler itself would copy the crawler's memory page by page as its collector touches
every inherited object). The server also warms up (crawler.warm): about 3 s of CPU that every
worker would otherwise pay on its own.
Started before the crawler imports Scrapy and opens the database, the warm-up runs on the core
the crawler's start-up leaves idle; the pool (started at the first new page) then forks its
workers from a server that is ready. A crawl that finds nothing new stops the server unused
(`stop`), so it never outlives, or delays the end of, the crawl. This module imports nothing
heavy: it runs before everything else.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
from collections.abc import Iterator
from multiprocessing.context import BaseContext

PRELOAD = ["crawler.worker", "trafilatura", "crawler.warm"]  # crawler.warm last: it uses the rest


def context() -> BaseContext:
    """The multiprocessing context the worker pool uses."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the server in the background (returns at once; it imports and warms up alone)."""
    context()
    multiprocessing.forkserver.ensure_running()


def stop() -> None:
    """Stop the server, warm-up or not. Only once no pool uses it: call after the crawl.

    The standard library stops its server only when this process exits, and only after the
    server's imports are done; a crawl with nothing new is over sooner than that.
    """
    server = multiprocessing.forkserver._forkserver  # the standard library's one server
    pid = getattr(server, "_forkserver_pid", None)  # private: a newer Python may rename it
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(AttributeError, OSError):
        server._stop()  # type: ignore[attr-defined]  # reaps it, forgets it: a later pool starts anew


@contextlib.contextmanager
def running() -> Iterator[None]:
    """The fork server for the duration of a crawl."""
    start()
    try:
        yield
    finally:
        stop()
