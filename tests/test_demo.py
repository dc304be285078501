"""`howardshome demo`, the README's first command: crawls the bundled web, serves the portal,
and stops everything it started when it is stopped."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request

import psutil

from tests.conftest import ROOT, free_port


def test_demo_crawls_serves_and_stops_with_its_children(tmp_path):
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "cli", "demo", "--port", str(port), "--db", str(tmp_path / "d.db")],
        cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines, children = [], []
    try:
        for line in demo.stdout:  # the portal line comes after the crawl's summary
            lines.append(line)
            if line.startswith("portal: "):
                break
        output = "".join(lines)
        summary = re.search(r"completed; (\d+) new articles; (\d+) sources ok, 0 failing", output)
        assert summary and int(summary[1]) >= 40 and int(summary[2]) == 6, output
        children = psutil.Process(demo.pid).children(recursive=True)
        assert len(children) >= 2, children  # the demo web and the portal
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    body = page.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the portal never answered"
                time.sleep(0.2)
        assert "<title>Laatste nieuws" in body

        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
        gone, alive = psutil.wait_procs(children, timeout=15)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if demo.poll() is None:
            demo.kill()
        for child in children:  # only the demo's: this process has session-wide webs running
            if child.is_running():
                child.kill()
