"""Editors' and operators' tools: `sources try`, `runs`, JSON logs and the deployment files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import ensure_schema, make_engine
from models.entities import Article, CrawlRun, Source
from models.health import format_runs
from tests.conftest import ROOT, cli_env
from tests.webs import basic


def test_sources_try_lists_each_article_and_stores_nothing(cli, db_url, tmp_path, basic_web):
    sources = tmp_path / "sources.yaml"
    sources.write_text(basic.sources_yaml(basic_web.sites), encoding="utf-8")
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    result = cli(["sources", "try", "rss2", "--sources", str(sources)], env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rss2: read by feed (") and "/nieuws.rss" in lines[0]
    articles = [line for line in lines if line.startswith("- ")]
    assert len(articles) == basic.expected_articles()["rss2"], result.stdout
    for line in articles:
        title, _, rest = line[2:].partition(" [")
        assert title.startswith("RSS2 bericht ")
        day, _, themes = rest.partition("] themes: ")
        assert datetime.fromisoformat(day).date() < datetime.now(UTC).date()
        assert themes and themes != "-", line
    assert any("energie" in line for line in articles), result.stdout
    engine = make_engine(db_url)
    with Session(engine) as session:
        for entity in (Article, Source, CrawlRun):
            assert session.scalar(select(func.count()).select_from(entity)) == 0, entity


def test_runs_lists_themes_failing_sources_and_errors(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    start = datetime(2025, 3, 4, 1, 0, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        session.add_all([
            CrawlRun(trigger="scheduled", status="completed", started_at=start,
                     finished_at=start + timedelta(minutes=62, seconds=5), articles_new=12,
                     sources_failed=1, stats={
                         "themes": {"energie": 3, "klimaat": 7},
                         "failing_sources": [{"id": "gemeente-x", "reason": "HTTP 500"}]}),
            CrawlRun(trigger="manual", status="failed", started_at=start + timedelta(days=1),
                     finished_at=start + timedelta(days=1), stats={},
                     error="invalid configuration: sources.yaml:3: unknown key"),
        ])  # fmt: skip
    with Session(engine) as session:
        from models.health import recent_runs

        text = format_runs(recent_runs(session))
    lines = text.splitlines()
    assert lines[2].split()[:2] == ["2", "manual"] and "failed" in lines[2]
    assert lines[3] == "      error: invalid configuration: sources.yaml:3: unknown key"
    assert lines[4].split() == ["1", "scheduled", "2025-03-04", "01:00", "1:02:05", "completed",
                                "12", "1"]  # fmt: skip
    assert lines[5] == "      themes: klimaat 7, energie 3"
    assert lines[6] == "      failing: gemeente-x (HTTP 500)"


def test_json_log_format_writes_one_object_per_line(cli, db_url):
    env = cli_env(db_url, HOWARDSHOME_LOG_FORMAT="json", HOWARDSHOME_LOG_LEVEL="DEBUG")
    result = cli(["runs"], env)
    assert result.returncode == 0
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert logged and all({"time", "level", "logger", "message"} <= set(r) for r in logged)


def test_compose_file_runs_migrations_before_portal_and_scheduler():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert "healthcheck" in services["db"] and compose["volumes"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("portal", "scheduler"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert "--workers" in services["portal"]["command"]
    assert any(str(v).endswith(":/app/state") for v in services["scheduler"]["volumes"])
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER " in dockerfile and "USER root" not in dockerfile


def test_docker_compose_config_accepts_the_file_on_a_fresh_clone(tmp_path):
    """`docker-compose config` (Debian's package) must pass without a .env file."""
    import os
    import shutil
    import subprocess

    binary = shutil.which("docker-compose")
    if binary is None:
        assert os.environ.get("HOWARDSHOME_REQUIRE_POSTGRES") != "1", (
            "docker-compose is not installed (apt-get install docker-compose)"
        )
        return
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copy(ROOT / "docker-compose.yml", clone / "docker-compose.yml")
    result = subprocess.run(
        [binary, "config"], cwd=clone, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "postgres:16" in result.stdout
