"""The Tagger: a taxonomy and the region register compiled once, then applied to many articles."""

from __future__ import annotations

from collections.abc import Sequence

from models.taxonomy import Taxonomy
from tagging.model import RegionTag, Tagging
from tagging.regions import Region, RegionMatcher, load_regions
from tagging.text import Stemmer
from tagging.themes import ThemeMatcher


class Tagger:
    """Tags articles with themes and regions. Build it with from_taxonomy; it is picklable."""

    def __init__(self, themes: ThemeMatcher, regions: RegionMatcher):
        self.themes = themes
        self.region_matcher = regions

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, regions: list[Region] | None = None) -> Tagger:
        """Precompile the taxonomy's terms and the register's names (regions: packaged register)."""
        stemmer = Stemmer()
        return cls(
            ThemeMatcher(taxonomy, stemmer),
            RegionMatcher(regions if regions is not None else load_regions()),
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
        themes = self.themes.score(title, text, source_themes)
        return Tagging(themes, self._regions(title, text, source_region))

    def _regions(self, title: str, text: str, source_region: str | None) -> list[RegionTag]:
        matcher = self.region_matcher
        tags: dict[str, RegionTag] = {}
        for index, match in matcher.find(title, "title") + matcher.find(text, "text"):
            region = matcher.regions[index]
            tag = tags.get(region.slug)
            if tag is None:
                tag = tags[region.slug] = RegionTag(
                    region.slug, region.name, region.kind, region.province, []
                )
            tag.matches.append(match)
        if source_region:
            index = matcher.index.get(source_region)
            if index is not None:
                region = matcher.regions[index]
                tag = tags.get(region.slug)
                if tag is None:
                    tag = tags[region.slug] = RegionTag(
                        region.slug, region.name, region.kind, region.province, []
                    )
                tag.from_source = True
        for tag in list(tags.values()):
            if tag.province and tag.province not in tags:
                index = matcher.index.get(tag.province)
                if index is not None:
                    province = matcher.regions[index]
                    tags[province.slug] = RegionTag(
                        province.slug, province.name, province.kind, None, []
                    )
        return list(tags.values())
