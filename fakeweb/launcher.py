"""Start a fake web in a subprocess and learn its addresses (as Scrapy's MockServer does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class FakeWeb:
    """A running fake web; use as a context manager or call stop()."""

    def __init__(self, spec: str, log: str | Path | None = None, first: int = 2, env=None):
        cmd = [sys.executable, "-m", "fakeweb.server", "--web", spec, "--first", str(first)]
        if log:
            cmd += ["--log", str(log)]
        self.log = Path(log) if log else None
        environment = dict(os.environ, **(env or {}))
        environment["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), environment.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, text=True, cwd=str(ROOT), env=environment
        )
        assert self.process.stdout is not None  # stdout=PIPE
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(5)
            raise RuntimeError(f"fake web {spec} did not start (exit {self.process.returncode})")
        info = json.loads(line)
        self.sites: dict[str, str] = info["sites"]
        self.port: int = info["port"]

    def requests(self) -> list[dict]:
        """Every request the server logged so far. A line is complete once its newline is
        written: a read that meets the server halfway through a line leaves that line for the
        next call (it had failed a test with a JSONDecodeError)."""
        if not self.log or not self.log.exists():
            return []
        complete = self.log.read_text().rpartition("\n")[0]
        return [json.loads(line) for line in complete.splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
