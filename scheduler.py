"""Nightly job: runs `howardshome crawl` in a subprocess on a cron schedule (APScheduler)."""

from __future__ import annotations

import logging
import subprocess
import sys

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from models.logs import configure_logging
from models.settings import Settings, get_settings

log = logging.getLogger("howardshome.scheduler")


def run_crawl_job(settings: Settings) -> int:
    """One crawl in its own process (Scrapy's reactor cannot restart), bounded by a timeout."""
    command = [sys.executable, "-m", "cli", "crawl"]
    log.info("starting crawl: %s", " ".join(command))
    try:
        result = subprocess.run(command, timeout=settings.crawl_timeout, check=False)
    except subprocess.TimeoutExpired:
        log.error("crawl exceeded %.0f s and was stopped", settings.crawl_timeout)
        return -1
    log.info("crawl finished with exit status %s", result.returncode)
    return result.returncode


def build_scheduler(settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=settings.timezone)
    scheduler.add_job(
        run_crawl_job,
        CronTrigger.from_crontab(settings.schedule, timezone=settings.timezone),
        args=[settings],
        id="nightly-crawl",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3 * 3600,
    )
    return scheduler


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    log.info("scheduler: crawl on %r (%s)", settings.schedule, settings.timezone)
    build_scheduler(settings).start()


if __name__ == "__main__":
    main()
