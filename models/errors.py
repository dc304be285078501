"""Domain exceptions, in one place so every entry point can report them the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an editorial file, with where it is."""

    file: str
    line: int | None
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        entry = f" {self.entry}:" if self.entry else ""
        return f"{where}:{entry} {self.message}"


class HowardsHomeError(Exception):
    """Base of every error the application reports to its user without a traceback."""


class ConfigError(HowardsHomeError):
    """An editorial file (sources.yaml, themes.yaml) is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DatabaseError(HowardsHomeError):
    """The database cannot be reached or is not in the expected state."""


class CrawlLockedError(HowardsHomeError):
    """Another crawl holds the crawl lock."""
