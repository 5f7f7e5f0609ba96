"""The English report's sentences agree with their counts: "1 application", not "1 applications".

The report said "the RFS Vetting Committee has vetted 1 applications" (issue
16). Its wording is a template officers edit; here each count is 1, then 2.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from jinja2 import ChainableUndefined, Environment, FileSystemLoader

from reind.reporting.progress import TEMPLATES


def _text(count: int) -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), undefined=ChainableUndefined, autoescape=True
    )
    env.filters["money"] = env.filters["sqlparams"] = str
    figures = {key: SimpleNamespace(value=count) for key in _KEYS}
    html = env.get_template("progress.en.html").render(
        fig=lambda key: str(figures[key].value), f=figures, pdf=True, outcomes=None, lang_code="en"
    )
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


_KEYS = (
    "rttp_trainees rttp_sessions rttp_funding rfs_received rfs_vetted rfs_supported rfs_funding"
    " rfs_expenditure rfs_food_received rfs_food_vetted rfs_food_supported rfs_food_expenditure"
    " rd_tax_latest rd_tax_baseline itf_projects itf_funding itvf_government itvf_startups"
    " itvf_private tsssu_startups tsssu_products tsssu_with_revenue tsssu_revenue_min"
    " tsssu_revenue_max bud_funding bud_applications emf_funding emf_applications enquiries"
    " seminars"
).split()


def test_a_count_of_one_reads_singular_and_of_two_plural() -> None:
    one, two = _text(1), _text(2)
    assert "has vetted 1 application and" in one
    assert "has vetted 2 applications and" in two
    plural_after_one = r"\b1 (?:local I&amp;T |funded |training |R&amp;D )?[\w-]+s\b"
    assert re.findall(plural_after_one, one) == []
    assert len(re.findall(plural_after_one.replace("1", "2"), two)) == 12
    for sentence in (
        "1 application comes from",
        "1 funded start-up has launched 1 product or",
        "1 of the start-ups has generated",
        "1 enquiry and organised 1 seminar",
    ):
        assert sentence in one, one
