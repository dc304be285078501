"""The nightly scheduler: cron trigger, a recorded crawl, no overlap, timeout, last valid files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

import scheduler
from models import lock
from models.db import ensure_schema, make_engine
from models.entities import CrawlRun
from models.settings import Settings
from tests.conftest import ROOT, cli_env
from tests.webs import slow

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def slow_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    with FakeWeb("tests.webs.slow:build", first=60) as web:
        yield web


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


def _files(tmp_path, web, keys: list[str]) -> dict[str, str]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(slow.sources_yaml(web.sites, keys), encoding="utf-8")
    themes = tmp_path / "themes.yaml"
    themes.write_text((ROOT / "themes.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return {
        "HOWARDSHOME_SOURCES": str(sources),
        "HOWARDSHOME_THEMES": str(themes),
        "HOWARDSHOME_STATE_DIR": str(tmp_path / "state"),
        "HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES": "true",
    }


def _runs(engine) -> list[CrawlRun]:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def _until(condition, seconds: float = 60):
    """Poll the database for a state another process reaches (no event to wait on there)."""
    deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    while datetime.now(UTC) < deadline:
        value = condition()
        if value:
            return value
        threading.Event().wait(0.1)
    raise AssertionError(f"not reached within {seconds} s")


def _once(env, timeout: float = 120):
    return subprocess.run([sys.executable, "scheduler.py", "--once"], env=env, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


# -- the trigger ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule, after, expected",
    [
        # 02:00 Amsterdam, summer and winter time (the UTC hour differs).
        ("0 2 * * *", datetime(2025, 7, 1, 12, tzinfo=UTC), datetime(2025, 7, 2, 0, tzinfo=UTC)),
        ("0 2 * * *", datetime(2025, 1, 1, 12, tzinfo=UTC), datetime(2025, 1, 2, 1, tzinfo=UTC)),
        # crontab weekdays: 1 is Monday, 0 and 7 are Sunday (APScheduler 3 alone says 0=Monday).
        ("30 3 * * 1", datetime(2025, 7, 2, tzinfo=UTC), datetime(2025, 7, 7, 1, 30, tzinfo=UTC)),
        ("0 4 * * 0", datetime(2025, 7, 2, tzinfo=UTC), datetime(2025, 7, 6, 2, tzinfo=UTC)),
        ("0 4 * * 7", datetime(2025, 7, 2, tzinfo=UTC), datetime(2025, 7, 6, 2, tzinfo=UTC)),
        ("0 5 * * 1-5", datetime(2025, 7, 5, tzinfo=UTC), datetime(2025, 7, 7, 3, tzinfo=UTC)),
        ("0 5 */2 * *", datetime(2025, 7, 1, 4, tzinfo=UTC), datetime(2025, 7, 3, 3, tzinfo=UTC)),
        # six fields: seconds first
        ("15 0 2 * * *", datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 7, 1, 0, 0, 15, 0, UTC)),
    ],
)  # fmt: skip
def test_schedule_resolves_in_amsterdam_time(schedule, after, expected):
    trigger = scheduler.make_trigger(schedule, "Europe/Amsterdam")
    assert trigger.get_next_fire_time(None, after.astimezone(AMSTERDAM)) == expected


def test_bad_schedule_is_named():
    with pytest.raises(ValueError, match="HOWARDSHOME_SCHEDULE='0 2 \\* \\*'"):
        scheduler.make_trigger("0 2 * *", "Europe/Amsterdam")


def test_job_never_overlaps_itself_and_survives_a_late_start():
    job = scheduler.build_scheduler(Settings()).get_job("nightly-crawl")
    assert job.max_instances == 1 and job.coalesce
    assert job.misfire_grace_time >= 3600
    assert str(job.trigger.timezone) == "Europe/Amsterdam"
    assert str(job.trigger) == str(scheduler.make_trigger("0 2 * * *", "Europe/Amsterdam"))


# -- end to end ---------------------------------------------------------------------------------


def test_scheduled_crawl_runs_once_records_and_refuses_a_manual_overlap(
    cli, db_url, engine, tmp_path, slow_web
):
    # Far enough ahead for the daemon to start on a loaded machine (4 s was not, once).
    fire = (datetime.now(AMSTERDAM) + timedelta(seconds=12)).replace(microsecond=0)
    schedule = f"{fire.second} {fire.minute} {fire.hour} * * *"
    env = cli_env(db_url, **_files(tmp_path, slow_web, ["quick", "slow"]),
                  HOWARDSHOME_SCHEDULE=schedule)  # fmt: skip
    daemon = subprocess.Popen([sys.executable, "scheduler.py"], env=env, cwd=str(ROOT),
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        started = next(line for line in daemon.stderr if "next run at" in line)
        assert f"next run at {fire.isoformat()}" in started, started
        held = _until(lambda: (row := lock.current(engine)) and row.run_id and row)
        manual = cli(["crawl"], env, timeout=120)  # while the slow feed keeps the crawl busy
        assert manual.returncode != 0
        expected = f"another crawl is running (run {held.run_id}, pid {held.pid} on "
        assert expected in manual.stderr, manual.stderr
        run = _until(lambda: [r for r in _runs(engine) if r.status != "running"], 120)[0]
    finally:
        daemon.send_signal(signal.SIGTERM)
        log = daemon.communicate(timeout=60)[1]
    assert daemon.returncode == 0, log
    runs = _runs(engine)
    assert len(runs) == 1, log  # the refused manual crawl did not start a run
    assert (run.trigger, run.status, run.error) == ("scheduled", "completed", None), log
    assert run.started_at >= fire.astimezone(UTC)
    assert run.articles_new == 3 and run.stats["themes"]
    assert lock.current(engine) is None
    history = cli(["runs"], env)
    assert history.returncode == 0
    first = history.stdout.splitlines()[2].split()
    assert first[:2] == [str(run.id), "scheduled"] and "completed" in first
    assert "themes: " in history.stdout

    from fastapi.testclient import TestClient

    from portal.app import create_app

    text = TestClient(create_app(Settings(database_url=db_url))).get("/metrics").text
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("howardshome_articles_total", ())] == 3
    assert samples[("howardshome_last_run_articles", ())] == 3
    assert samples[("howardshome_last_run_status", (("status", "completed"),))] == 1
    assert samples[("howardshome_last_run_status", (("status", "failed"),))] == 0
    assert samples[("howardshome_crawl_runs_total", (("status", "completed"),))] == 1
    assert samples[("howardshome_last_run_timestamp_seconds", ())] == pytest.approx(
        run.finished_at.timestamp()
    )
    assert samples[("howardshome_sources_failing", ())] == 0

    # With a token set, the figures are for whoever holds it.
    guarded = TestClient(create_app(Settings(database_url=db_url, metrics_token="s3cret-t0ken")))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-t0ken"}):
        refused = guarded.get("/metrics", headers=headers)
        assert refused.status_code == 401 and "howardshome_articles" not in refused.text, headers
        assert refused.headers["www-authenticate"].startswith("Bearer")
    allowed = guarded.get("/metrics", headers={"Authorization": "Bearer s3cret-t0ken"})
    assert allowed.status_code == 200 and "howardshome_articles_total 3.0" in allowed.text


def test_crawl_past_its_timeout_is_stopped_and_recorded(db_url, engine, tmp_path, slow_web):
    env = cli_env(db_url, **_files(tmp_path, slow_web, ["slow"]), HOWARDSHOME_CRAWL_TIMEOUT="2",
                  HOWARDSHOME_CRAWL_STOP_GRACE="1")  # fmt: skip
    result = _once(env)
    assert result.returncode == 1
    [run] = _runs(engine)
    assert (run.trigger, run.status) == ("scheduled", "failed")
    assert "stopped after HOWARDSHOME_CRAWL_TIMEOUT=2 s" in run.error
    assert run.finished_at is not None
    assert lock.current(engine) is None  # the killed crawl's lock does not block tomorrow


def test_broken_yaml_crawls_with_the_last_valid_version(db_url, engine, tmp_path, slow_web):
    files = _files(tmp_path, slow_web, ["quick"])
    env = cli_env(db_url, **files, HOWARDSHOME_LOG_FORMAT="json")
    first = _once(env)
    assert first.returncode == 0, first.stderr
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources.read_text() + "  - id: quick\n\tname: tab\n", encoding="utf-8")
    second = _once(env)
    assert second.returncode == 0, second.stderr
    first_run, second_run = _runs(engine)
    assert first_run.status == second_run.status == "completed"
    assert first_run.error is None
    assert "crawled with the last valid version" in second_run.error
    assert f"{sources}:7: source 'quick': tab character" in second_run.error
    assert second_run.stats["sources"] == 1
    records = [json.loads(line) for line in second.stderr.splitlines() if line.strip()]
    assert any(
        r["level"] == "ERROR" and f"run {second_run.id}: invalid configuration" in r["message"]
        for r in records
    ), second.stderr


def test_broken_yaml_without_a_last_valid_version_is_a_recorded_failure(
    cli, db_url, engine, tmp_path, slow_web
):
    files = _files(tmp_path, slow_web, ["quick"])
    themes = tmp_path / "themes.yaml"
    themes.write_text("themes:\n  - slug: Geen Slug\n", encoding="utf-8")
    env = cli_env(db_url, **files)
    result = _once(env)
    assert result.returncode == 1
    assert "no last valid version" in result.stderr
    manual = cli(["crawl"], env)
    assert manual.returncode == 1 and f"{themes}:2" in manual.stderr
    scheduled, by_hand = _runs(engine)
    assert (scheduled.trigger, scheduled.status) == ("scheduled", "failed")
    assert (by_hand.trigger, by_hand.status) == ("manual", "failed")
    assert f"{themes}:2" in scheduled.error and f"{themes}:2" in by_hand.error
    assert scheduled.finished_at is not None


def test_scheduled_run_finding_a_crawl_running_is_recorded_as_skipped(
    db_url, engine, tmp_path, slow_web
):
    held = lock.acquire(engine, run_id=99)  # as if a manual crawl were running
    try:
        result = _once(cli_env(db_url, **_files(tmp_path, slow_web, ["quick"])))
    finally:
        held.release()
    assert result.returncode == 1
    [run] = _runs(engine)
    assert (run.trigger, run.status, run.articles_new) == ("scheduled", "skipped", 0)
    assert run.error.startswith("another crawl is running (run 99, pid ")
    assert run.finished_at is not None
