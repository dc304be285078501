"""themes.yaml validation: every error names the file, the line and the theme."""

import pytest

from models.errors import ConfigError
from models.taxonomy import load_taxonomy
from tests.conftest import THEME_SLUGS

VALID_THEME = """\
  - slug: {slug}
    label: Label
    axis: transitie
    description: Omschrijving
    terms:
      warmtenet: 3
"""


def write(tmp_path, body):
    path = tmp_path / "themes.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "entry", "words"),
    [
        (
            "themes:\n" + VALID_THEME.format(slug="een") + "    colour: blue\n",
            8,
            "theme 'een'",
            "unknown key",
        ),
        (
            "themes:\n" + VALID_THEME.format(slug="een") + VALID_THEME.format(slug="een"),
            8,
            "theme 'een'",
            "duplicate slug",
        ),
        (
            "themes:\n" + VALID_THEME.format(slug="een") + "\tthreshold: 2\n",
            8,
            "theme 'een'",
            "tab",
        ),
        (
            "themes:\n" + VALID_THEME.format(slug="een").replace("transitie", "opgave"),
            4,
            "theme 'een'",
            "axis",
        ),
        (
            "themes:\n" + VALID_THEME.format(slug="een").replace("warmtenet: 3", "warmtenet: 30"),
            7,
            "theme 'een'",
            "less than or equal to 10",
        ),
    ],
)
def test_errors_name_file_line_and_theme(tmp_path, body, line, entry, words):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(path)
    problems = caught.value.problems
    assert any(
        p.file == str(path) and p.line == line and p.entry == entry and words in p.message.lower()
        for p in problems
    ), problems


def test_valid_file_loads(tmp_path):
    path = write(
        tmp_path, "themes:\n" + VALID_THEME.format(slug="een") + VALID_THEME.format(slug="twee")
    )
    taxonomy = load_taxonomy(path)
    assert list(taxonomy.by_slug()) == ["een", "twee"]


def test_real_taxonomy_has_the_contract_slugs(taxonomy):
    assert [t.slug for t in taxonomy.themes] == THEME_SLUGS
