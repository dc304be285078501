"""The Tagger: a taxonomy and the region register compiled once, then applied to many articles."""

from __future__ import annotations

from collections.abc import Sequence

from models.taxonomy import Taxonomy
from tagging.model import Match, RegionTag, Tagging
from tagging.regions import Region, RegionMatcher, default_matcher
from tagging.text import Field, Stemmer, fold
from tagging.themes import ThemeMatcher


class Tagger:
    """Tags articles with themes and regions. Build it with from_taxonomy; it is picklable."""

    def __init__(self, themes: ThemeMatcher, regions: RegionMatcher):
        self.themes = themes
        self.region_matcher = regions

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, regions: list[Region] | None = None) -> Tagger:
        """Precompile the taxonomy's terms and the register's names (regions: the packaged
        register, compiled once per process)."""
        return cls(
            ThemeMatcher(taxonomy, Stemmer()),
            RegionMatcher(regions) if regions is not None else default_matcher(),
        )

    @property
    def theme_slugs(self) -> list[str]:
        return list(self.themes.slugs)

    def tag(
        self,
        title: str,
        text: str,
        source_region: str | None = None,
        source_themes: Sequence[str] = (),
    ) -> Tagging:
        """Themes (by score) and regions (by first mention, then the source's, then provinces)."""
        title = title or ""
        text = text or ""
        prepared = (Field(title), Field(text))  # shared by theme and region matching
        themes = self.themes.score(title, text, source_themes, prepared)
        return Tagging(themes, self._regions(title, text, source_region, prepared))

    def _regions(
        self, title: str, text: str, source_region: str | None, prepared: tuple[Field, Field]
    ) -> list[RegionTag]:
        matcher = self.region_matcher
        tags: dict[str, RegionTag] = {}
        found = matcher.find(title, "title", prepared[0]) + matcher.find(text, "text", prepared[1])
        if not matcher.twin.keys().isdisjoint([index for index, _ in found]):
            found = _settle_twins(matcher, found)
        regions = matcher.regions
        for index, match in found:
            region = regions[index]
            tag = tags.get(region.slug)
            if tag is None:
                tags[region.slug] = RegionTag(
                    region.slug, region.name, region.kind, region.province, [match]
                )
            else:
                tag.matches.append(match)
        if source_region:
            own = matcher.index.get(source_region)
            if own is not None:
                region = matcher.regions[own]
                tag = tags.get(region.slug)
                if tag is None:
                    tag = tags[region.slug] = RegionTag(
                        region.slug, region.name, region.kind, region.province, []
                    )
                tag.from_source = True
        for tag in list(tags.values()):
            if tag.province and tag.province not in tags:
                at = matcher.index.get(tag.province)
                if at is not None:
                    province = matcher.regions[at]
                    tags[province.slug] = RegionTag(
                        province.slug, province.name, province.kind, None, []
                    )
        return list(tags.values())


def _settle_twins(
    matcher: RegionMatcher, found: list[tuple[int, Match]]
) -> list[tuple[int, Match]]:
    """Municipality or province of the same name (Utrecht, Groningen), decided per article: a bare
    "Groningen" in a text that otherwise speaks of the province is the province; "Utrechtse" in a
    text about the city (and never the province as such) is the city."""
    regions = matcher.regions
    kinds: dict[int, dict[str, int]] = {}  # municipality index -> evidence counts
    for index, match in found:
        twin = matcher.twin.get(index)
        if twin is None:
            continue
        city = index if regions[index].kind == "gemeente" else twin
        bare = fold(match.text) == fold(regions[index].name)
        if regions[index].kind == "gemeente":
            key = "bare" if bare else "city"
        else:
            key = "province" if bare or fold(match.text).startswith("provincie") else "adjective"
        counts = kinds.setdefault(city, {})
        counts[key] = counts.get(key, 0) + 1
    if not kinds:
        return found
    settled = []
    for index, match in found:
        twin = matcher.twin.get(index)
        evidence = kinds.get(index if twin is None or regions[index].kind == "gemeente" else twin)
        if twin is not None and evidence:
            province_named = evidence.get("province", 0)
            city_named = evidence.get("city", 0)
            bare = fold(match.text) == fold(regions[index].name)
            if regions[index].kind == "gemeente" and bare and province_named and not city_named:
                index = twin
            elif (
                regions[index].kind == "provincie"
                and not province_named
                and (city_named or evidence.get("bare", 0))
                and not (bare or fold(match.text).startswith("provincie"))
            ):
                index = twin
        settled.append((index, match))
    return settled
