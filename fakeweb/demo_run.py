"""`howardshome demo`: start the bundled web, crawl it into fresh SQLite, serve the portal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from fakeweb.demo import sources_yaml
from fakeweb.launcher import FakeWeb
from models.settings import Settings


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_demo(settings: Settings, host: str, port: int, db_path: str) -> int:
    # `kill` (SIGTERM) stops the demo as Ctrl-C does: subprocess.run kills the crawl or the
    # portal it waits for, and the demo web stops below. Without this, both outlived the demo.
    signal.signal(signal.SIGTERM, _interrupt)
    db = Path(db_path).resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    web = FakeWeb("fakeweb.demo:build")
    try:
        print(f"demo web: {len(web.sites)} sites on loopback port {web.port}", flush=True)
        with tempfile.NamedTemporaryFile(
            "w", suffix=".yaml", prefix="demo-sources-", delete=False, encoding="utf-8"
        ) as fh:
            fh.write(sources_yaml(web.sites))
            sources = fh.name
        env = dict(
            os.environ,
            HOWARDSHOME_DATABASE_URL=f"sqlite:///{db}",
            HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
            HOWARDSHOME_DOWNLOAD_DELAY="0",
            HOWARDSHOME_AUTOTHROTTLE="false",
            HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN="4",
            HOWARDSHOME_THEMES=str(Path(settings.themes).resolve()),
        )
        # The crawl runs in its own process: Twisted's reactor cannot be restarted.
        crawl = subprocess.run(
            [sys.executable, "-m", "cli", "crawl", "--sources", sources], env=env, check=False
        )
        if crawl.returncode != 0:
            print("demo: the crawl failed", file=sys.stderr)
            return crawl.returncode
        print(f"portal: http://{host}:{port}/  (Ctrl-C stops)", flush=True)
        serve = subprocess.run(
            [sys.executable, "-m", "cli", "serve", "--host", host, "--port", str(port)],
            env=env,
            check=False,
        )
        return serve.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        web.stop()
