"""Logging: human-readable lines by default, JSON lines for log collectors."""

from __future__ import annotations

import json
import logging
import sys


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


LIBRARIES = ("scrapy", "twisted", "filelock", "trafilatura", "htmldate", "asyncio", "alembic",
             "courlan", "pebble", "py.warnings")  # fmt: skip


class LibraryFilter(logging.Filter):
    """Drop libraries' records below WARNING unless DEBUG was asked for.

    A filter on the handler, not a logger level: Scrapy resets its loggers to DEBUG (dictConfig)
    every time a CrawlerProcess starts, and logs its start-up banner right then.
    """

    def __init__(self, level: str):
        super().__init__()
        self.verbose = level.upper() == "DEBUG"

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno >= logging.WARNING:
            return True
        return not record.name.startswith(LIBRARIES)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(LibraryFilter(level))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_scrapy_logs(level)


def quiet_scrapy_logs(level: str = "INFO") -> None:
    """Libraries log at WARNING unless DEBUG is asked for (Scrapy's INFO stats are noise here)."""
    library_level = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for noisy in LIBRARIES:
        logging.getLogger(noisy).setLevel(library_level)
