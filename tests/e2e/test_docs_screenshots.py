"""Every picture in docs/screenshots is written by one journey, so none goes stale unseen.

The journeys save their screenshots under ``var/screenshots/``; people look at
them and copy the ones worth showing into ``docs/screenshots/`` under the same
name. A file there that no journey writes any more would silently show an old
screen (eight did, until issue 16; ADR 0215), and a name two journeys write shows
whichever ran last. This test reads the journeys' source, so it is fast and
needs no browser: a docs screenshot's name must be written in exactly one place
under ``tests/e2e``, either whole (``"journey-admin-outbox"``) or as the part
before a language ending filled in at run time (``f"plant-brewery-{lang}"``,
``f"journey-officer-agenda{suffix}"``; ``office.shot(page, "journey-officer-gap")``
of the role journeys, which adds ``-zh`` in Chinese).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
JOURNEYS = Path(__file__).resolve().parent
LANGUAGE_ENDINGS = ("-zh-Hant", "-zh", "-en")
"""How a screenshot's name says its language (English may also have no ending)."""


def places_naming(stem: str, sources: dict[str, str]) -> list[str]:
    """Where ``stem`` is written: a whole string, or its language-less part before a ``{``."""
    bases = [stem.removesuffix(end) for end in LANGUAGE_ENDINGS if stem.endswith(end)]
    patterns = [re.escape(f'"{stem}') + r'["{]']
    patterns += [re.escape(f'"{base}') + r"-?\{" for base in bases]
    # the role journeys' ``office.shot`` adds the ending itself: "" in English, "-zh" in Chinese
    shot = [base for base in bases if stem == f"{base}-zh"]
    patterns += [r"\.shot\(\w+, " + re.escape(f'"{base}"') for base in shot]
    found = re.compile("|".join(patterns))
    return sorted(
        {
            f"{name}:{source.count(chr(10), 0, hit.start()) + 1}"
            for name, source in sources.items()
            for hit in found.finditer(source)
        }
    )


def journey_sources() -> dict[str, str]:
    """Each module under tests/e2e but this one, by file name."""
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in JOURNEYS.glob("*.py")
        if path.name != Path(__file__).name
    }


def test_every_docs_screenshot_is_named_by_exactly_one_journey() -> None:
    sources = journey_sources()
    stems = sorted(path.stem for path in DOCS.glob("*.png"))
    assert stems, f"no screenshots found in {DOCS}"
    unnamed = [stem for stem in stems if not places_naming(stem, sources)]
    assert unnamed == [], f"docs/screenshots files no journey under tests/e2e writes: {unnamed}"
    twice = {stem: where for stem in stems if len(where := places_naming(stem, sources)) > 1}
    assert twice == {}, f"docs/screenshots files written by more than one journey: {twice}"


def test_a_name_counts_whole_or_before_a_language_ending_only() -> None:
    sources = {
        "a.py": 'screenshot(page, "journey-admin-outbox")\n'
        'screenshot(page, f"plant-brewery-{lang}")\n'
        "screenshot(page, f\"journey-officer-agenda{'' if lang == 'en' else '-zh'}\")\n"
        'screenshot(page, f"plant-waffle-month-{lang}")\n'
        'office.shot(page, "journey-officer-gap")\n'
    }
    assert places_naming("journey-admin-outbox", sources) == ["a.py:1"]
    assert places_naming("journey-admin-outbox-zh", sources) == []  # English only
    assert places_naming("plant-brewery-zh-Hant", sources) == ["a.py:2"]
    assert places_naming("journey-officer-agenda", sources) == ["a.py:3"]
    assert places_naming("journey-officer-agenda-zh", sources) == ["a.py:3"]
    assert places_naming("journey-officer-agenda-ticked", sources) == []
    assert places_naming("plant-waffle-month-sparklines-en", sources) == []
    assert places_naming("plant-brewery", sources) == []  # always written with its ending
    assert places_naming("journey-officer-gap", sources) == ["a.py:5"]
    assert places_naming("journey-officer-gap-zh", sources) == ["a.py:5"]
    assert places_naming("journey-officer-gap-en", sources) == []
