"""Nightly job: runs `howardshome crawl` in a subprocess on a cron schedule (APScheduler).

The crawl runs in its own process (Scrapy's reactor cannot restart) with a timeout. Each run is
recorded before the subprocess starts, so a run that is killed, or that cannot start because the
editorial files are broken, is still in the history. When an editor breaks sources.yaml or
themes.yaml, the crawl uses the last valid copies kept in HOWARDSHOME_STATE_DIR and the run
record carries the error. The crawl lock itself is taken by `howardshome crawl` (models/lock.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from models.db import ensure_schema, make_engine, session_factory, transaction
from models.errors import ConfigError, Problem
from models.logs import configure_logging
from models.settings import Settings, get_settings

log = logging.getLogger("howardshome.scheduler")

_CRONTAB_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_running: set[subprocess.Popen] = set()


def make_trigger(schedule: str, timezone: str) -> CronTrigger:
    """A CronTrigger from a crontab line; six fields put seconds first.

    Weekday numbers follow crontab (0 and 7 are Sunday), not APScheduler 3's own (0 is Monday).
    """
    fields = schedule.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"HOWARDSHOME_SCHEDULE={schedule!r}: expected 5 cron fields (or 6)")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, weekday = fields
    weekday = re.sub(r"(?<![/\d])[0-7](?!\d)", lambda m: _CRONTAB_WEEKDAYS[int(m[0])], weekday)
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                       day_of_week=weekday, timezone=timezone)  # fmt: skip


@dataclass
class ConfigChoice:
    sources: Path | None  # None: nothing valid to crawl with
    themes: Path | None
    error: str | None  # what is wrong with the editors' current files


def config_problems(sources: str | Path, themes: str | Path) -> list[Problem]:
    """What `howardshome crawl` would reject in these files (the same loaders)."""
    from models.catalog import load_catalog
    from models.taxonomy import load_taxonomy

    problems: list[Problem] = []
    known = None
    try:
        known = {t.slug for t in load_taxonomy(themes).themes}
    except ConfigError as exc:
        problems += exc.problems
    try:
        load_catalog(sources, known_themes=known)
    except ConfigError as exc:
        problems += exc.problems
    return problems


def choose_config(settings: Settings) -> ConfigChoice:
    """The editors' files when valid (saved as the last valid version), else the saved copies."""
    state = Path(settings.state_dir)
    saved_sources, saved_themes = state / "sources.yaml", state / "themes.yaml"
    problems = config_problems(settings.sources, settings.themes)
    if not problems:
        state.mkdir(parents=True, exist_ok=True)
        for original, saved in ((settings.sources, saved_sources), (settings.themes, saved_themes)):
            partial = saved.with_suffix(".partial")
            shutil.copyfile(original, partial)
            os.replace(partial, saved)  # atomic: a crash never leaves half a file
        return ConfigChoice(saved_sources, saved_themes, None)
    shown = "; ".join(str(p) for p in problems[:10])
    if len(problems) > 10:
        shown += f"; and {len(problems) - 10} more"
    if saved_sources.exists() and saved_themes.exists():
        saved_at = datetime.fromtimestamp(saved_sources.stat().st_mtime, UTC)
        return ConfigChoice(
            saved_sources,
            saved_themes,
            f"invalid configuration, crawled with the last valid version "
            f"(saved {saved_at:%Y-%m-%d %H:%M} UTC): {shown}",
        )
    return ConfigChoice(None, None, f"invalid configuration and no last valid version: {shown}")


def _stop(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM to the crawl's process group (Scrapy stops cleanly), SIGKILL after `grace`."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


def run_crawl_job(settings: Settings) -> str:
    """Record a scheduled run, crawl in a subprocess, close the record if the crawl could not."""
    from models import lock, runs
    from models.entities import CrawlRun
    from models.health import close_run, record_failed_run

    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    choice = choose_config(settings)
    if choice.sources is None or choice.themes is None:
        with transaction(factory) as session:
            run_id = record_failed_run(session, "scheduled", choice.error or "")
        log.error("run %s not started: %s", run_id, choice.error)
        return "failed"
    with transaction(factory) as session:
        run_id = runs.start_run(session, "scheduled")
        session.get(CrawlRun, run_id).error = choice.error
    if choice.error:
        log.error("run %s: %s", run_id, choice.error)
    command = [sys.executable, "-m", "cli", "crawl", "--trigger", "scheduled",
               "--run-id", str(run_id), "--sources", str(choice.sources.resolve())]  # fmt: skip
    env = dict(os.environ, HOWARDSHOME_THEMES=str(choice.themes.resolve()))
    log.info("run %s: starting the crawl (timeout %.0f s)", run_id, settings.crawl_timeout)
    # Its own process group, so a timeout also stops its extraction workers.
    process = subprocess.Popen(command, env=env, start_new_session=True)
    _running.add(process)
    timed_out = False
    try:
        code = process.wait(settings.crawl_timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _stop(process, settings.crawl_stop_grace)
        code = process.returncode
    finally:
        _running.discard(process)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # workers the crawl may have left behind
    except (ProcessLookupError, PermissionError):
        pass
    if lock.release_dead(engine, process.pid):
        log.warning("run %s: released the crawl lock its killed process held", run_id)
    with transaction(factory) as session:
        run = session.get(CrawlRun, run_id)
        if timed_out:  # even if the crawl managed to record itself on SIGTERM
            timeout = f"HOWARDSHOME_CRAWL_TIMEOUT={settings.crawl_timeout:g} s"
            close_run(session, run_id, "failed", f"stopped after {timeout}")
        elif run.status == "running":  # it died before it could say how it ended
            close_run(session, run_id, "failed", f"the crawl exited with status {code}")
        status = run.status
    log.log(logging.INFO if status == "completed" else logging.ERROR,
            "run %s %s%s", run_id, status, f": {run.error}" if run.error else "")  # fmt: skip
    return status


def build_scheduler(settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=settings.timezone)
    scheduler.add_job(
        run_crawl_job,
        make_trigger(settings.schedule, settings.timezone),
        args=[settings],
        id="nightly-crawl",
        max_instances=1,  # a crawl never overlaps itself...
        coalesce=True,  # ...and runs missed while the host was down collapse into one
        misfire_grace_time=6 * 3600,  # late by up to six hours still crawls that night
    )
    return scheduler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scheduler.py", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="run the job now, once, and exit")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if args.once:
        return 0 if run_crawl_job(settings) == "completed" else 1
    scheduler = build_scheduler(settings)

    def shut_down(signum, _frame) -> None:
        log.info("scheduler: stopping on signal %s", signum)
        for process in list(_running):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    trigger = scheduler.get_job("nightly-crawl").trigger
    next_at = trigger.get_next_fire_time(None, datetime.now(trigger.timezone))
    log.info("scheduler: crawl on %r (%s); next run at %s", settings.schedule, settings.timezone,
             next_at.isoformat())  # fmt: skip
    scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
