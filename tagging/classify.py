"""One classify record in, one result out: the logic behind `howardshome classify`."""

from __future__ import annotations

from tagging.tagger import Tagger


def classify_record(tagger: Tagger, record: dict, explain: bool = False) -> dict:
    """Tag one {title, text[, region][, source_themes]} record.

    Returns {themes: [slugs], regions: [names], region_slugs: [slugs]}; with explain, also
    `explanation`: every theme's score and matched terms with positions, and every region's
    matches. Labels in the record (its own `themes`/`regions`) are never used as hints.
    """
    tagging = tagger.tag(
        str(record.get("title") or ""),
        str(record.get("text") or ""),
        source_region=record.get("region") or None,
        source_themes=tuple(record.get("source_themes") or ()),
    )
    result: dict[str, object] = {
        "themes": tagging.theme_slugs(),
        "regions": tagging.region_names(),
        "region_slugs": tagging.region_slugs(),
    }
    if explain:
        result["explanation"] = tagging.to_dict()
    return result
