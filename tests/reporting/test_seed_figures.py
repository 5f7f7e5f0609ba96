"""The report on the seed portfolio reproduces each figure of the LegCo progress report
(September 2021), in English and Chinese, in the HTML and in the PDF's text."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reind.reporting.progress import Report

M = 1_000_000 * 100  # HK$1 million in cents


def _about(target_cents: int, within_cents: int) -> Callable[[int], bool]:
    return lambda value: abs(value - target_cents) <= within_cents


SEED_FIGURES: dict[str, tuple[str, Callable[[int], bool]]] = {
    "rttp_trainees": ("over 5 800 staff", lambda v: 5_800 < v < 6_000),
    "rttp_sessions": ("over 7 500 training sessions", lambda v: 7_500 < v < 7_800),
    "rttp_funding": ("funding exceeding $51 million", lambda v: 51 * M < v < 53 * M),
    "rfs_received": ("27 applications received", lambda v: v == 27),
    "rfs_vetted": ("18 applications vetted", lambda v: v == 18),
    "rfs_supported": ("16 supported in principle", lambda v: v == 16),
    "rfs_funding": ("about $108 million", _about(108 * M, M // 2)),
    "rfs_food_received": ("12 from food manufacturing/processing", lambda v: v == 12),
    "rfs_food_vetted": ("eight vetted food applications", lambda v: v == 8),
    "rfs_food_supported": ("all eight supported", lambda v: v == 8),
    "rfs_food_expenditure": ("project expenditure about $143 million", _about(143 * M, M // 2)),
    "rd_tax_latest": ("over $3.2 billion for 2019/20", lambda v: 3_200 * M < v < 3_300 * M),
    "rd_tax_baseline": ("2017/18: 2019/20 almost double", lambda v: 1_600 * M < v < 1_700 * M),
    "itf_projects": ("over 1 500 ITF R&D projects", lambda v: 1_500 < v < 1_600),
    "itf_funding": ("about $4.653 billion", _about(4_653 * M, M // 2)),
    "itvf_government": ("more than $120 million", lambda v: 120 * M < v < 130 * M),
    "itvf_startups": ("21 local I&T start-ups", lambda v: v == 21),
    "itvf_private": ("over $600 million private investment", lambda v: 600 * M < v < 700 * M),
    "tsssu_startups": ("160 funded start-ups", lambda v: v == 160),
    "tsssu_products": ("over 200 products or services", lambda v: 200 < v < 220),
    "tsssu_with_revenue": ("over 120 with revenue", lambda v: 120 < v < 130),
    "tsssu_revenue_min": ("revenue from around $800", _about(800 * 100, 100 * 100)),
    "tsssu_revenue_max": ("to $11 million a year", _about(11 * M, M // 2)),
    "bud_funding": ("BUD over $940 million", lambda v: 940 * M < v < 1_000 * M),
    "bud_applications": ("for over 1 600 applications", lambda v: 1_600 < v < 1_800),
    "emf_funding": ("EMF around $1.8 billion", _about(1_800 * M, 50 * M)),
    "emf_applications": ("for over 110 000 applications", lambda v: 110_000 < v < 112_000),
    "enquiries": ("over 110 000 enquiries", lambda v: 110_000 < v < 115_000),
    "seminars": ("16 seminars", lambda v: v == 16),
}


@pytest.mark.parametrize("key", sorted(SEED_FIGURES))
def test_report_reproduces_the_seed_figure(
    key: str, reports: dict[tuple[str, str], Report], pdf_text: dict[str, str]
) -> None:
    what, holds = SEED_FIGURES[key]
    figure = reports[("en", "html")].figures[key]
    assert holds(figure.value), f"{key}: seed says {what}, the records give {figure.value}"
    for lang in ("en", "zh-Hant"):
        shown = figure.display(lang)
        html = reports[(lang, "html")].content.decode("utf-8")
        assert f'href="#prov-{key}">{shown}</a>' in html
        assert shown in pdf_text[lang], f"{key} ({lang}) {shown!r} not in the PDF text"


def test_the_2019_20_claims_are_almost_double_those_of_2017_18(
    reports: dict[tuple[str, str], Report],
) -> None:
    figures = reports[("en", "html")].figures
    ratio = figures["rd_tax_latest"].value / figures["rd_tax_baseline"].value
    assert 1.85 < ratio < 2.0


def test_every_figure_lists_the_records_behind_it(reports: dict[tuple[str, str], Report]) -> None:
    for key, figure in reports[("en", "html")].figures.items():
        assert figure.record_ids, key
        if figure.unit == "count" and key not in {"rttp_trainees", "itvf_startups"}:
            assert len(figure.record_ids) == figure.value, key
    html = reports[("en", "html")].content.decode("utf-8")
    assert '<h3 id="prov-rfs_funding">' in html and "committee_decisions" in html
