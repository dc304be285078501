"""Distributed crawls: a Redis database per test, workers and the coordinator as subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, require

REDIS = os.environ.get("HOWARDSHOME_TEST_REDIS", "redis://127.0.0.1:6379")


def _redis_problem() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"Redis not available at {REDIS}: {exc}"


@pytest.fixture
def redis_url():
    """A Redis database of its own (emptied) for one test; the numbers 10-15 are the tests'."""
    require(_redis_problem())
    import redis

    for number in range(10, 16):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        # Claim a database nobody else's test holds (a concurrent suite on the same server).
        if client.set("tests:claimed", os.getpid(), nx=True, ex=600):
            for key in client.scan_iter("howardshome:*"):
                client.delete(key)
            try:
                yield f"{REDIS}/{number}"
            finally:
                client.delete("tests:claimed")
            return
    pytest.fail("no free Redis database among 10-15 for this test")


class Process:
    """A `howardshome` command running in its own process group (killed as a machine dies)."""

    def __init__(self, args: list[str], env: dict[str, str], log):
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            env=env,
            cwd=str(ROOT),
            stdout=open(log, "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.proc.poll() is not None and text not in self.output():
                raise AssertionError(f"exited {self.proc.returncode}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} after {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.1)

    def wait(self, timeout: float = 120) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            tail = self.output()[-3000:]
            raise AssertionError(f"still running after {timeout} s:\n{tail}") from None

    def kill(self) -> None:
        """SIGKILL the whole group: the worker and its extraction processes, at once."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)


@pytest.fixture
def processes(tmp_path):
    """Start `howardshome` commands; whatever is still running at the end is killed."""
    started: list[Process] = []

    def start(args: list[str], env: dict[str, str], name: str) -> Process:
        process = Process(args, env, tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        if process.proc.poll() is None:
            process.kill()


@pytest.fixture(scope="session")
def discovery_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("discovery") / "requests.jsonl"
    with FakeWeb("tests.webs.discovery:build", log=log, first=100) as web:
        yield web
