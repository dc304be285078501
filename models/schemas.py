"""JSON Schemas of the editorial YAML files, so editors' YAML editors validate as they type."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from models.catalog import Catalog

log = logging.getLogger(__name__)

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _document(schema: dict[str, Any], title: str, description: str) -> str:
    doc = {"$schema": DRAFT, **schema, "title": title, "description": description}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def schema_documents() -> dict[str, str]:
    """File name -> JSON text of each schema that can be built now."""
    documents = {
        "sources.schema.json": _document(
            Catalog.model_json_schema(),
            "HowardsHome sources.yaml",
            "The websites the crawler reads (see the comments at the top of sources.yaml).",
        )
    }
    try:
        from models.taxonomy import Taxonomy
    except ImportError as exc:
        log.warning("themes.schema.json not written: the theme taxonomy is not available (%s)", exc)
    else:
        documents["themes.schema.json"] = _document(
            Taxonomy.model_json_schema(),
            "HowardsHome themes.yaml",
            "The theme taxonomy: slug, Dutch label, description and terms of each theme.",
        )
    return documents


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write the JSON Schemas into out_dir (created if needed); returns the files written.

    Files whose content is unchanged are left alone, so regenerating does not touch mtimes.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
