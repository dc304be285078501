"""The results of tagging: matches with positions, theme and region tags, and their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Match:
    """One place a term or name was found: offsets into the title or the text."""

    term: str
    field: str  # "title" | "text"
    start: int
    end: int
    text: str


@dataclass
class ThemeTag:
    slug: str
    score: float
    matches: list[Match] = field(default_factory=list)

    def terms(self) -> list[str]:
        """Distinct matched terms, in order of first match."""
        return list(dict.fromkeys(m.term for m in self.matches))


@dataclass
class RegionTag:
    slug: str
    name: str
    kind: str  # "gemeente" | "provincie" | "waterschap"
    province: str | None
    matches: list[Match] = field(default_factory=list)
    from_source: bool = False

    @property
    def rolled_up(self) -> bool:
        """True for a province added only because something inside it was named."""
        return not self.matches and not self.from_source


@dataclass
class Tagging:
    themes: list[ThemeTag]
    regions: list[RegionTag]

    def theme_slugs(self) -> list[str]:
        return [t.slug for t in self.themes]

    def region_slugs(self) -> list[str]:
        return [r.slug for r in self.regions]

    def region_names(self) -> list[str]:
        """Display names, without repeats (municipality and province Utrecht show once)."""
        return list(dict.fromkeys(r.name for r in self.regions))

    def to_dict(self) -> dict:
        """JSON-able form with the explanation of every tag (score, terms, positions)."""
        return {
            "themes": [
                {
                    "slug": t.slug,
                    "score": round(t.score, 2),
                    "terms": t.terms(),
                    "matches": [asdict(m) for m in t.matches],
                }
                for t in self.themes
            ],
            "regions": [
                {
                    "slug": r.slug,
                    "name": r.name,
                    "kind": r.kind,
                    "province": r.province,
                    "from_source": r.from_source,
                    "rolled_up": r.rolled_up,
                    "matches": [asdict(m) for m in r.matches],
                }
                for r in self.regions
            ],
        }
