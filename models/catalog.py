"""The source list editors curate (sources.yaml): schema, validation and loading."""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from models.errors import ConfigError, Problem
from models.yamlfile import LocatedYaml, locate

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# The region register belongs to tagging/; it is read here as data (never imported as code).
REGIONS_CSV = Path(__file__).resolve().parent.parent / "tagging" / "data" / "regions.csv"

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


# Mirrors _check_http_url, so editors' YAML editors flag a bad URL as they type.
_URL_SCHEMA: dict[str, Any] = {"pattern": r"^https?://[^/\s?#]+([/?#]\S*)?$"}
_URLS_SCHEMA: dict[str, Any] = {"items": {"type": "string", **_URL_SCHEMA}}


def _check_http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s?#]+(?:[/?#]\S*)?$", value):
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression {value!r}: {exc}") from None
    return value


# Checked per item, so that an error names the line of the bad item, not of the list.
HttpUrlText = Annotated[str, AfterValidator(_check_http_url)]
Pattern = Annotated[str, AfterValidator(_check_pattern)]


class Source(BaseModel):
    """One website the crawler reads."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG, description="Stable slug; never changes once articles exist")
    name: str = Field(min_length=1, description="Name shown to readers")
    url: HttpUrlText = Field(description="Homepage (http or https)", json_schema_extra=_URL_SCHEMA)
    type: SourceType = Field("overig", description="Kind of organisation")
    region: str | None = Field(
        None, description="Municipality, province or water board slug the source belongs to"
    )
    province: str | None = Field(None, description="Province slug, for filtering")
    feeds: list[HttpUrlText] = Field(
        default_factory=list, description="RSS or Atom feed URLs", json_schema_extra=_URLS_SCHEMA
    )
    sitemaps: list[HttpUrlText] = Field(
        default_factory=list, description="XML sitemap URLs", json_schema_extra=_URLS_SCHEMA
    )
    listings: list[HttpUrlText] = Field(
        default_factory=list,
        description="News overview pages whose links lead to articles",
        json_schema_extra=_URLS_SCHEMA,
    )
    themes: list[str] = Field(default_factory=list, description="Theme slugs as a tagging hint")
    enabled: bool = Field(True, description="False skips the source without deleting it")
    include: list[Pattern] = Field(
        default_factory=list, description="Regular expressions an article URL must match"
    )
    exclude: list[Pattern] = Field(
        default_factory=list, description="Regular expressions that rule an article URL out"
    )
    link_selector: str | None = Field(
        None, description="CSS selector for article links on listing pages"
    )
    link_xpath: str | None = Field(
        None, description="XPath selector for article links on listing pages"
    )
    max_pages: int = Field(3, ge=1, le=50, description="Listing pages followed per listing")


class Catalog(BaseModel):
    """The whole sources.yaml file."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source] = Field(description="Every source the crawler knows")

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


def _model_at(model: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at `loc` (a key path from the root)."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        while get_origin(annotation) is not None and get_origin(annotation) is not Literal:
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[-1] if args else None
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return model


def _friendly(err: Mapping[str, Any], model: type[BaseModel] | None) -> str:
    """A plain-English message for one pydantic error."""
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        if owner is None:
            return "unknown key (check the spelling; see the JSON Schema for allowed keys)"
        allowed = list(owner.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {loc[-1]!r}{hint}; allowed keys: {', '.join(allowed)}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("id", "slug"):
        return (
            "must be a slug: lowercase letters and digits joined by single hyphens, "
            f"got {err.get('input')!r}"
        )
    if kind == "literal_error":
        return f"{err['msg']}, got {err.get('input')!r}"
    return str(err["msg"]).removeprefix("Value error, ")


def _field_name(loc: tuple) -> str:
    """`feeds item 2` for ('feeds', 1): positions counted from one, as editors count."""
    return "".join(f" item {p + 1}" if isinstance(p, int) else f".{p}" for p in loc).strip(".")


def validation_problems(
    path: str,
    error: ValidationError,
    lines,
    data,
    list_key: str,
    name: str,
    model: type[BaseModel] | None = None,
) -> list[Problem]:
    """Turn a pydantic error into problems naming file, line and entry.

    `lines` maps a key path to its line; `model` (the root model) lets unknown-key messages list
    the keys that are allowed at that place.
    """
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
        field = _field_name(loc[2:] if len(loc) > 2 else loc)
        message = _friendly(err, model)
        problems.append(
            Problem(path, lines(loc), entry, f"{field}: {message}" if field else message)
        )
    return problems


# --- checking whole files, every problem at once -------------------------------------------------

_ENTRY_START = re.compile(r"^\s*-\s+(?:id|slug)\s*:\s*['\"]?([^'\"#\s]+)")


def _entry_above(text_lines: list[str], index: int, name: str) -> str | None:
    """The entry a raw line belongs to, found by the nearest `- id:` line above it."""
    for i in range(index, -1, -1):
        match = _ENTRY_START.match(text_lines[i])
        if match:
            return f"{name} {match.group(1)!r}"
    return None


# libyaml when available: the real sources.yaml parses several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str):
    """The document's node tree (for lines and duplicate keys) and its data, in one parse."""
    loader = _Loader(text)  # a safe loader: plain data only
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_located(path: str | Path, name: str) -> tuple[LocatedYaml | None, list[Problem]]:
    """Parse a YAML file leniently: report tabs, syntax errors and duplicate keys as problems.

    Returns the parsed document when the file parses (even with duplicate keys, the last value
    winning), so that schema problems can be reported in the same pass.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, None, None, "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(file, None, None, f"not UTF-8 text: {exc}")]
    text_lines = text.splitlines()
    problems = []
    tab_lines = set()
    for index, line in enumerate(text_lines):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            tab_lines.add(index + 1)
            problems.append(
                Problem(
                    file,
                    index + 1,
                    _entry_above(text_lines, index, name),
                    "tab character used for indentation; YAML allows only spaces there",
                )
            )
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark else None
        if at not in tab_lines:
            entry = _entry_above(text_lines, at - 1, name) if at else None
            problems.append(Problem(file, at, entry, f"YAML syntax error: {exc.problem or exc}"))
        return None, problems
    except yaml.YAMLError as exc:
        return None, [*problems, Problem(file, None, None, f"YAML error: {exc}")]
    lines: dict[tuple, int] = {}
    key_problems: list[Problem] = []
    if node is not None:
        locate(node, (), lines, key_problems, file)
    for problem in key_problems:
        index = (problem.line or 1) - 1
        problems.append(
            Problem(file, problem.line, _entry_above(text_lines, index, name), problem.message)
        )
    return LocatedYaml(file, data, lines), problems


def read_regions(path: str | Path = REGIONS_CSV) -> dict[str, dict[str, str]] | None:
    """The region register (slug -> row with name, kind, province); None when it is absent."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return {row["slug"]: row for row in csv.DictReader(handle) if row.get("slug")}
    except FileNotFoundError:
        return None


def _province_slugs(regions: Mapping[str, Mapping[str, str]]) -> set[str]:
    slugs = {row.get("province") for row in regions.values() if row.get("province")}
    slugs |= {slug for slug, row in regions.items() if row.get("kind", "").startswith("provinc")}
    return {s for s in slugs if s}


def source_problems(
    doc: LocatedYaml,
    known_themes: set[str] | None = None,
    regions: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Problem]:
    """Schema problems, duplicate ids, unknown themes and regions of a parsed sources file."""
    if not isinstance(doc.data, dict):
        return [Problem(doc.path, 1, None, "expected a mapping with a 'sources' list")]
    problems: list[Problem] = []
    try:
        Catalog.model_validate(doc.data)
    except ValidationError as exc:
        problems += validation_problems(
            doc.path, exc, doc.line_of, doc.data, "sources", "source", model=Catalog
        )
    entries = doc.data.get("sources")
    if not isinstance(entries, list):
        return problems
    provinces = _province_slugs(regions) if regions is not None else set()
    seen: dict[str, int] = {}
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            continue
        ident = raw.get("id")
        entry = f"source {ident!r}" if ident else f"source #{index + 1}"
        line = doc.line_of(("sources", index))
        if isinstance(ident, str):
            if ident in seen:
                problems.append(
                    Problem(
                        doc.path, line, entry, f"duplicate id (first used at line {seen[ident]})"
                    )
                )
            else:
                seen[ident] = line or 0
        themes = raw.get("themes")
        if known_themes is not None and isinstance(themes, list):
            for pos, slug in enumerate(themes):
                if isinstance(slug, str) and slug not in known_themes:
                    close = difflib.get_close_matches(slug, sorted(known_themes), n=1)
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    problems.append(
                        Problem(
                            doc.path,
                            doc.line_of(("sources", index, "themes", pos)),
                            entry,
                            f"themes: unknown theme {slug!r}; {hint}"
                            f"known themes: {', '.join(sorted(known_themes))}",
                        )
                    )
        if regions is None:
            continue
        region, province = raw.get("region"), raw.get("province")
        if isinstance(region, str) and region not in regions:
            close = difflib.get_close_matches(region, list(regions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(("sources", index, "region")),
                    entry,
                    f"region: unknown region {region!r} (not in the region register{hint})",
                )
            )
        if isinstance(province, str) and province not in provinces:
            problems.append(
                Problem(
                    doc.path,
                    doc.line_of(("sources", index, "province")),
                    entry,
                    f"province: unknown province {province!r}; "
                    f"known provinces: {', '.join(sorted(provinces))}",
                )
            )
    return problems


def check_sources(
    path: str | Path,
    known_themes: set[str] | None = None,
    regions: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Problem]:
    """Every problem in a sources file, each with file, line and entry."""
    doc, problems = read_located(path, "source")
    if doc is not None:
        problems += source_problems(doc, known_themes, regions)
    return sorted(problems, key=lambda p: p.line or 0)


def _themes_in(data: Any) -> set[str] | None:
    """Theme slugs of a themes file's raw data, read leniently (the taxonomy checks the rest)."""
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        return None
    return {
        t["slug"] for t in data["themes"] if isinstance(t, dict) and isinstance(t.get("slug"), str)
    }


def check_themes(path: str | Path) -> tuple[set[str] | None, list[Problem]]:
    """Problems of a themes file and the theme slugs it defines (None when unreadable)."""
    doc, problems = read_located(path, "theme")
    if doc is None:
        return None, problems
    if not problems:
        # Imported here: models.taxonomy builds on this module's readers.
        from models.taxonomy import load_taxonomy

        try:
            load_taxonomy(path)
        except ConfigError as exc:
            problems += exc.problems
    return _themes_in(doc.data), problems


def check_files(
    sources_path: str | Path,
    themes_path: str | Path,
    regions_path: str | Path | None = REGIONS_CSV,
) -> list[Problem]:
    """Every problem in both editorial files, for `howardshome sources check`.

    Theme hints are checked against the themes file; regions and provinces against the region
    register when it exists (pass regions_path=None to skip that check).
    """
    known_themes, problems = check_themes(themes_path)
    regions = read_regions(regions_path) if regions_path is not None else None
    return problems + check_sources(sources_path, known_themes, regions)


def load_catalog(path: str | Path, known_themes: set[str] | None = None) -> Catalog:
    """Read and validate sources.yaml; every problem is reported at once as a ConfigError."""
    doc, problems = read_located(path, "source")
    if doc is not None:
        problems += source_problems(doc, known_themes)
    if problems or doc is None:
        raise ConfigError(sorted(problems, key=lambda p: p.line or 0))
    return Catalog.model_validate(doc.data)


def load_valid_sources(
    path: str | Path, known_themes: set[str] | None = None
) -> tuple[Catalog, list[Problem]]:
    """The valid entries of a sources file and the problems of the entries left out.

    For `crawl --skip-invalid`, when an editor asks to crawl despite a broken entry. Problems
    outside any entry (YAML syntax, a missing `sources` list, an unreadable file) still raise.
    """
    doc, problems = read_located(path, "source")
    if doc is not None:
        problems += source_problems(doc, known_themes, read_regions())
    entries = doc.data.get("sources") if doc is not None and isinstance(doc.data, dict) else None
    if doc is None or not isinstance(entries, list):
        raise ConfigError(sorted(problems, key=lambda p: p.line or 0))
    starts = [doc.line_of(("sources", index)) or 0 for index in range(len(entries))]
    broken: set[int] = set()
    outside = []
    for problem in problems:
        inside = [i for i, start in enumerate(starts) if problem.line and start <= problem.line]
        if inside and starts[inside[-1]]:
            broken.add(inside[-1])
        else:
            outside.append(problem)
    if outside:
        raise ConfigError(sorted(outside, key=lambda p: p.line or 0))
    valid = [entry for index, entry in enumerate(entries) if index not in broken]
    catalog = Catalog.model_validate({**doc.data, "sources": valid})
    return catalog, sorted(problems, key=lambda p: p.line or 0)


def region_problems(
    path: str | Path, regions: Mapping[str, Mapping[str, str]] | None
) -> list[Problem]:
    """Unknown regions and provinces in a sources file that is otherwise valid (for `crawl`)."""
    if regions is None:  # no register to check against
        return []
    doc, _ = read_located(path, "source")
    if doc is None:
        return []
    return [
        p
        for p in source_problems(doc, None, regions)
        if p.message.startswith(("region:", "province:"))
    ]
