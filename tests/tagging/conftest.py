"""One Tagger for the tagging tests, built from the real themes.yaml and region register."""

from pathlib import Path

import pytest

from models.taxonomy import load_taxonomy
from tagging import Tagger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(ROOT / "themes.yaml")


@pytest.fixture(scope="session")
def tagger(taxonomy):
    return Tagger.from_taxonomy(taxonomy)
