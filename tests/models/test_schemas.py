"""JSON Schemas for the editorial YAML files: generated, committed, and in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.schemas import write_schemas

ROOT = Path(__file__).resolve().parents[2]


def test_write_schemas_writes_both_files(tmp_path):
    paths = write_schemas(tmp_path / "schemas")
    assert [p.name for p in paths] == ["sources.schema.json", "themes.schema.json"]
    sources = json.loads(paths[0].read_text(encoding="utf-8"))
    assert sources["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sources["title"] == "HowardsHome sources.yaml"
    source = sources["$defs"]["Source"]
    assert source["additionalProperties"] is False
    assert source["required"] == ["id", "name", "url"]
    assert "gemeente" in source["properties"]["type"]["enum"]
    assert source["properties"]["feeds"]["items"]["pattern"].startswith("^https?://")
    themes = json.loads(paths[1].read_text(encoding="utf-8"))
    assert "themes" in themes["properties"]


def test_committed_schemas_are_up_to_date(tmp_path):
    for path in write_schemas(tmp_path):
        committed = ROOT / "schemas" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `howardshome schema`"
        )


def test_schema_validates_like_the_model(tmp_path):
    import jsonschema

    [sources_schema, *_] = write_schemas(tmp_path)
    schema = json.loads(sources_schema.read_text(encoding="utf-8"))
    good = {"sources": [{"id": "pbl", "name": "PBL", "url": "https://www.pbl.nl"}]}
    jsonschema.validate(good, schema)
    for bad in (
        {"sources": [{"id": "pbl", "name": "PBL", "url": "www.pbl.nl"}]},
        {"sources": [{"id": "pbl", "name": "PBL", "url": "https://pbl.nl", "feed": []}]},
        {"sources": [{"id": "PBL", "name": "PBL", "url": "https://pbl.nl"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_sources_yaml_points_at_its_schema():
    first = (ROOT / "sources.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemas/sources.schema.json"
    assert (ROOT / "schemas" / "sources.schema.json").is_file()
