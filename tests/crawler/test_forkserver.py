"""crawler.forkserver: the extraction workers' fork server is warm for them and gone after."""

import multiprocessing.forkserver
import os

from pebble import ProcessPool

from crawler import forkserver


def _worker_state():
    import gc
    import sys

    return "crawler.warm" in sys.modules, gc.get_freeze_count() > 0


def _server_pid():
    return multiprocessing.forkserver._forkserver._forkserver_pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_ends_a_server_still_warming_up():
    forkserver.start()
    pid = _server_pid()
    assert pid is not None and _alive(pid)
    forkserver.stop()  # at once: the warm-up takes seconds
    assert not _alive(pid)
    assert _server_pid() is None


def test_workers_come_warm_and_the_server_goes_after():
    with forkserver.running():
        with ProcessPool(max_workers=1, context=forkserver.context()) as pool:
            warmed, frozen = pool.schedule(_worker_state).result(timeout=120)
        pid = _server_pid()
    assert warmed and frozen
    assert not _alive(pid)
