"""Deployment settings, read from the environment (prefix HOWARDSHOME_)."""

from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything that differs between a laptop, CI and production."""

    model_config = SettingsConfigDict(env_prefix="HOWARDSHOME_", env_file=None, extra="ignore")

    database_url: str = Field(
        "sqlite:///howardshome.db",
        description="SQLAlchemy URL: sqlite:///file.db or postgresql+psycopg://user@host/db",
    )
    sources: str = Field("sources.yaml", description="Path of the editors' source list")
    themes: str = Field("themes.yaml", description="Path of the editors' theme taxonomy")
    allow_private_addresses: bool = Field(
        False,
        description="Let the crawler fetch loopback, private and link-local addresses "
        "(for local test webs only; it is the SSRF guard)",
    )
    download_delay: float = Field(1.0, description="Seconds between requests to one site")
    concurrent_requests_per_domain: int = Field(2, description="Parallel requests per site")
    concurrent_requests: int = Field(32, description="Parallel requests in total")
    autothrottle: bool = Field(True, description="Adapt the delay to each site's response time")
    download_timeout: float = Field(30.0, description="Seconds before a request is abandoned")
    max_response_bytes: int = Field(
        10 * 1024 * 1024, description="Largest response (after decompression) that is read"
    )
    user_agent: str = Field(
        "HowardsHomeBot/0.1 (+https://howardshome.nl/crawler)",
        description="User-Agent naming the crawler and a contact URL",
    )
    window_days: int = Field(
        30,
        ge=0,
        description="Articles dated more than N days ago are skipped (0: no window, e.g. to crawl "
        "a test web of archived pages)",
    )
    source_max_failures: int = Field(
        5,
        ge=0,
        description="Failed download attempts in a row (timeouts, refused connections, 5xx) after "
        "which a source's other requests wait for the next run (0: never give up)",
    )
    robots_max_age_hours: float = Field(
        24,
        ge=0,
        description="A site's robots.txt read less than this many hours ago is used again "
        "without asking the site (RFC 9309 allows 24; 0: read it every run)",
    )
    min_text_chars: int = Field(200, description="Articles with less extracted text are dropped")
    languages: list[str] = Field(
        ["nl", "en"], description="Languages kept (ISO 639-1); an empty list keeps every language"
    )
    extract_workers: int = Field(
        0, description="Extraction worker processes; 0 means one per CPU core"
    )
    extract_timeout: float = Field(60.0, description="Seconds one page may take to extract")
    store_batch_size: int = Field(50, description="Articles written per database transaction")
    crawl_timeout: float = Field(4 * 3600.0, description="Seconds a scheduled crawl may run")
    crawl_stop_grace: float = Field(
        30.0, description="Seconds a timed-out crawl gets to stop after SIGTERM before SIGKILL"
    )
    crawl_lock_stale: float = Field(
        600.0,
        description="Seconds without a heartbeat after which another host's crawl lock is "
        "taken over (a dead process on this host is taken over at once)",
    )
    redis_url: str = Field(
        "",
        description="Redis URL (redis://host:6379/0) that switches the crawl to distributed mode: "
        "`howardshome crawl` seeds the run, `howardshome worker`s on any machine crawl it; "
        "empty crawls on this machine alone",
    )
    redis_run_ttl: float = Field(
        3 * 86400.0,
        description="Seconds a distributed run's Redis keys outlive its last write (a run that "
        "is never finalized cannot fill Redis night after night)",
    )
    worker_timeout: float = Field(
        60.0,
        description="Seconds without a heartbeat after which a distributed worker counts as dead "
        "and the requests it had taken go back to the queue",
    )
    state_dir: str = Field(
        "state",
        description="Directory where the scheduler keeps the last valid sources.yaml and "
        "themes.yaml, used when an editor breaks one",
    )
    schedule: str = Field(
        "0 2 * * *",
        description="Cron expression of the nightly crawl (5 fields; 6 fields put seconds first)",
    )
    timezone: str = Field("Europe/Amsterdam", description="Time zone of the schedule")
    host: str = Field("127.0.0.1", description="Address the portal listens on")
    port: int = Field(8000, description="Port the portal listens on")
    secret_key: str = Field(
        "change-me-in-production", description="Signs session cookies; set a long random value"
    )
    editor_username: str = Field("redactie", description="Editors' login name")
    editor_password_hash: str = Field(
        "", description="PBKDF2 hash of the editors' password (howardshome hash-password)"
    )
    login_attempts: int = Field(
        5, ge=1, description="Failed editor logins allowed per client address per login window"
    )
    login_window_seconds: float = Field(
        300.0, gt=0, description="Seconds over which failed editor logins are counted"
    )
    warm_cache: bool = Field(
        True,
        description="After each crawl, render the home page, overview, theme pages and feeds in "
        "the background on the first request, so readers find them ready",
    )
    session_https_only: bool = Field(
        False, description="Send the editors' session cookie over HTTPS only (set behind TLS)"
    )
    metrics_token: str = Field(
        "",
        description="When set, GET /metrics answers only requests that send "
        "'Authorization: Bearer <this token>' (Prometheus: authorization.credentials); "
        "empty: the figures are public",
    )
    log_format: str = Field("text", description="'text' for people, 'json' for log collectors")
    log_level: str = Field("INFO", description="Logging level")

    def worker_count(self) -> int:
        return self.extract_workers or os.cpu_count() or 1


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment; entry points call this and pass the result on."""
    return Settings(**overrides)  # type: ignore[arg-type]
