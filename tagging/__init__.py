"""Theme and region tagging: pure functions over text + taxonomy, with explanations."""

from tagging.classify import classify_record
from tagging.model import Match, RegionTag, Tagging, ThemeTag
from tagging.regions import Region, load_regions
from tagging.tagger import Tagger

__all__ = [
    "Match",
    "Region",
    "RegionTag",
    "Tagger",
    "Tagging",
    "ThemeTag",
    "classify_record",
    "load_regions",
]
