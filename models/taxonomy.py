"""The theme taxonomy editors curate (themes.yaml): schema, validation and loading."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models.catalog import SLUG, read_located, validation_problems
from models.errors import ConfigError, Problem

_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)


def _check_term(term: str) -> str:
    if not _HAS_WORD.search(term):
        raise ValueError(f"term {term!r} has no letters or digits")
    return term


Weight = Annotated[float, Field(ge=0.1, le=10)]


class TermOptions(BaseModel):
    """A term with more than a weight: how it may be matched."""

    model_config = ConfigDict(extra="forbid")

    weight: float = Field(ge=0.1, le=10, description="Points the term adds to the theme's score")
    whole_word: bool = Field(
        False,
        description="Match only as a whole word (with inflections), never inside a compound",
    )


class Theme(BaseModel):
    """One theme articles are tagged with."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG, description="Stable slug; never changes once articles exist")
    label: str = Field(min_length=1, description="Dutch name shown to readers")
    axis: Literal["transitie", "sturing"] = Field(
        description="transitie: a societal transition (opgave); sturing: how government steers"
    )
    description: str = Field(min_length=1, description="What belongs to the theme, for editors")
    terms: dict[str, Weight | TermOptions] = Field(
        description=(
            "Dutch words and phrases with their weight (3 = decisive on its own, 2 = strong, "
            "1 = supporting). Inflections and compounds match automatically: 'warmtenet' also "
            "finds 'warmtenetten' and 'stadswarmtenet'. A term in capitals (RES, SDE++) matches "
            "only that exact word in capitals."
        ),
    )
    context_terms: dict[str, Weight] = Field(
        default_factory=dict,
        description=(
            "Words that add their weight only when a regular term of this theme also matched "
            "(e.g. 'energie', 'klimaat')"
        ),
    )
    negative_terms: list[str] = Field(
        default_factory=list,
        description=(
            "Words and phrases that cancel any term of this theme they overlap "
            "(e.g. 'werkklimaat' cancels 'klimaat', 'meicirculaire' cancels 'circulaire')"
        ),
    )
    threshold: float | None = Field(
        None, gt=0, description="Score needed for the tag; defaults to the taxonomy's threshold"
    )

    @field_validator("terms", "context_terms")
    @classmethod
    def _terms(cls, values: dict) -> dict:
        for term in values:
            _check_term(term)
        return values

    @field_validator("negative_terms")
    @classmethod
    def _negatives(cls, values: list[str]) -> list[str]:
        return [_check_term(v) for v in values]


class Taxonomy(BaseModel):
    """The whole themes.yaml file."""

    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(3.0, gt=0, description="Score a theme needs to be tagged")
    title_factor: float = Field(
        2.0, ge=1, description="How much more a term counts in the title than in the text"
    )
    source_prior: float = Field(
        1.0,
        ge=0,
        description="Points added to a theme the source hints at, only when the text matched it",
    )
    relative_threshold: float = Field(
        0.3,
        ge=0,
        le=1,
        description="A theme also needs this share of the best theme's score (passing mentions)",
    )
    themes: list[Theme] = Field(description="Every theme, in display order")

    def by_slug(self) -> dict[str, Theme]:
        return {t.slug: t for t in self.themes}


def _tidy(problems: list[Problem]) -> list[Problem]:
    """A term's value is a weight or a mapping: report a bad weight once, in plain words."""
    tidy = []
    for p in problems:
        if ".TermOptions:" in p.message and any(
            q.line == p.line and q is not p and ".TermOptions:" not in q.message for q in problems
        ):
            continue
        message = p.message.replace(".constrained-float:", " weight:").replace(
            ".float:", " weight:"
        )
        tidy.append(Problem(p.file, p.line, p.entry, message))
    return tidy


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate themes.yaml; every problem is reported at once as a ConfigError."""
    doc, problems = read_located(path, "theme")
    if doc is None or problems:
        raise ConfigError(problems)
    if not isinstance(doc.data, dict):
        raise ConfigError([Problem(doc.path, 1, None, "expected a mapping with a 'themes' list")])
    try:
        taxonomy = Taxonomy.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(
            _tidy(
                validation_problems(
                    doc.path, exc, doc.line_of, doc.data, "themes", "theme", Taxonomy
                )
            )
        ) from None
    seen: dict[str, int] = {}
    for index, theme in enumerate(taxonomy.themes):
        line = doc.line_of(("themes", index))
        entry = f"theme {theme.slug!r}"
        if theme.slug in seen:
            problems.append(
                Problem(
                    doc.path, line, entry, f"duplicate slug (first used at line {seen[theme.slug]})"
                )
            )
        else:
            seen[theme.slug] = line or 0
        negatives = {t.casefold() for t in theme.negative_terms}
        for term in [*theme.terms, *theme.context_terms]:
            if term.casefold() in negatives:
                problems.append(
                    Problem(
                        doc.path,
                        doc.line_of(("themes", index, "negative_terms")),
                        entry,
                        f"negative_terms: {term!r} is also a term of this theme",
                    )
                )
    if problems:
        raise ConfigError(problems)
    return taxonomy
