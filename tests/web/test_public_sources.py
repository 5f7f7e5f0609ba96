"""Public scheme pages cite only official sources; a [C] value is "to be confirmed" (issue 16).

A source names every place the team read ("bud.hkpc.org; techland.com.hk
14 Jan 2020"); the public pages showed it whole, so a trade paper, a blog or
a code repository was cited beside the Government's page. Walked here on
every scheme at every date one of its values took effect, in both languages.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from reind.bootstrap import build_platform
from reind.schemes.catalogue import default_engine
from reind.settings import Settings
from reind.web.app import create_app

UNOFFICIAL = (
    "unsourced", "recollection", "third-party", "code repo", "blog", "bastillepost", "techland",
    "omirank", "credential.hk", "humanresourcesonline", "citylinkers", "butter.com.hk", "01tech",
    "bizmagnet", "mshop-app", "ufm.com.hk", "chooseoxygen", "government-world", "realinbound",
    "bbcincorp", "HKVCA", "TecONE briefing", "dotdotnews", "CityU", "schemes-facts", "futureiot",
    "hongkongbusiness", "edupsg", "ad-linkage", "archbee", "agilizing", "charlesmok", "HKUST",
    "HKU statement", "maceo", "garycheng", "pnetform", "mercury.ac", "uxdesign", "gmteight",
    "korchinatnc", "startmeup", "ashford",
)  # fmt: skip
"""Every unofficial place named in the parameter files' sources as of issue 16."""


def test_no_public_scheme_page_cites_an_unofficial_source_and_c_values_wait() -> None:
    web = TestClient(create_app(build_platform(Settings())))
    engine = default_engine()
    pages = 0
    for scheme in engine.schemes:
        days = sorted(
            {v.effective_from for p in engine.parameters.of_scheme(scheme.code) for v in p.values}
        )
        for day in days:
            unconfirmed = sum(
                1
                for _, v in engine.in_force(scheme.code, day)
                if v is not None and v.confidence == "C"
            )
            for lang, words in (("en", "to be confirmed"), ("zh-Hant", "有待確認")):
                page = web.get(f"/schemes/{scheme.code}?as_of={day.isoformat()}&lang={lang}").text
                pages += 1
                cited = [name for name in UNOFFICIAL if name.lower() in page.lower()]
                assert not cited, f"{scheme.code} {day} {lang} cites {cited}"
                assert len(re.findall(f"<td>{words}</td>", page)) == unconfirmed, (scheme.code, day)
    assert pages >= 100
