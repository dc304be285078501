"""The source list editors curate (sources.yaml): schema, validation and loading."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.errors import ConfigError, Problem
from models.yamlfile import load_located_yaml

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

SourceType = Literal[
    "gemeente",
    "provincie",
    "waterschap",
    "ministerie",
    "rijksoverheid",
    "planbureau",
    "adviesraad",
    "uitvoeringsorganisatie",
    "koepel",
    "regio",
    "vakpers",
    "overig",
]


def _check_http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s?#]+(?:[/?#]\S*)?$", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


class Source(BaseModel):
    """One website the crawler reads."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG, description="Stable slug; never changes once articles exist")
    name: str = Field(min_length=1, description="Name shown to readers")
    url: str = Field(description="Homepage (http or https)")
    type: SourceType = Field("overig", description="Kind of organisation")
    region: str | None = Field(
        None, description="Municipality, province or water board slug the source belongs to"
    )
    province: str | None = Field(None, description="Province slug, for filtering")
    feeds: list[str] = Field(default_factory=list, description="RSS or Atom feed URLs")
    sitemaps: list[str] = Field(default_factory=list, description="XML sitemap URLs")
    listings: list[str] = Field(
        default_factory=list, description="News overview pages whose links lead to articles"
    )
    themes: list[str] = Field(default_factory=list, description="Theme slugs as a tagging hint")
    enabled: bool = Field(True, description="False skips the source without deleting it")
    include: list[str] = Field(
        default_factory=list, description="Regular expressions an article URL must match"
    )
    exclude: list[str] = Field(
        default_factory=list, description="Regular expressions that rule an article URL out"
    )
    link_selector: str | None = Field(
        None, description="CSS selector for article links on listing pages"
    )
    link_xpath: str | None = Field(
        None, description="XPath selector for article links on listing pages"
    )
    max_pages: int = Field(3, ge=1, le=50, description="Listing pages followed per listing")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value)

    @field_validator("feeds", "sitemaps", "listings")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_check_http_url(v) for v in values]

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for v in values:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {v!r}: {exc}") from None
        return values


class Catalog(BaseModel):
    """The whole sources.yaml file."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(description="Every source the crawler knows")

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


def validation_problems(
    path: str, error: ValidationError, lines, data, list_key: str, name: str
) -> list[Problem]:
    """Turn a pydantic error into problems naming file, line and entry."""
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        entry = None
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            try:
                ident = data[list_key][loc[1]].get("id") or data[list_key][loc[1]].get("slug")
            except (AttributeError, IndexError, KeyError, TypeError):
                ident = None
            entry = f"{name} {ident!r}" if ident else f"{name} #{loc[1] + 1}"
        field = ".".join(str(p) for p in loc[2:]) if len(loc) > 2 else ".".join(map(str, loc))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling; see the JSON Schema for allowed keys)"
        elif err["type"] == "literal_error":
            message = f"{message}, got {err.get('input')!r}"
        problems.append(Problem(path, lines(loc), entry, f"{field}: {message}"))
    return problems


def load_catalog(path: str | Path, known_themes: set[str] | None = None) -> Catalog:
    """Read and validate sources.yaml; every problem is reported at once as a ConfigError."""
    doc = load_located_yaml(path)
    if not isinstance(doc.data, dict):
        raise ConfigError([Problem(doc.path, 1, None, "expected a mapping with a 'sources' list")])
    try:
        catalog = Catalog.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(
            validation_problems(doc.path, exc, doc.line_of, doc.data, "sources", "source")
        ) from None
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, source in enumerate(catalog.sources):
        line = doc.line_of(("sources", index))
        entry = f"source {source.id!r}"
        if source.id in seen:
            problems.append(
                Problem(doc.path, line, entry, f"duplicate id (first used at line {seen[source.id]})")
            )
        else:
            seen[source.id] = line or 0
        if known_themes is not None:
            for pos, slug in enumerate(source.themes):
                if slug not in known_themes:
                    problems.append(
                        Problem(
                            doc.path,
                            doc.line_of(("sources", index, "themes", pos)),
                            entry,
                            f"themes: unknown theme {slug!r} (known: {', '.join(sorted(known_themes))})",
                        )
                    )
    if problems:
        raise ConfigError(problems)
    return catalog
