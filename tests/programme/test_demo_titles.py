"""Seeded EMF titles read in words, not the activity's code (issue 16).

The demo wrote "Export marketing: business_mission", which the office's
lists showed raw in both languages.
"""

from __future__ import annotations

import re

from reind.programme.demo_data.trade import _EMF_ACTIVITIES, _SPECIAL, emf_title
from reind.web.i18n import translations
from reind.web.views.words import CODE_WORDS


def test_every_seeded_emf_title_names_its_activity_in_words() -> None:
    zh = translations("zh-Hant")
    for activity in [a for a, _ in _EMF_ACTIVITIES] + list(_SPECIAL):
        title = emf_title(activity)
        assert activity not in title and not re.search(r"[a-z]+_[a-z]+", title), title
        assert title.endswith(CODE_WORDS[activity])  # the pages' own words for the code
        assert zh.gettext(CODE_WORDS[activity]) != CODE_WORDS[activity]  # and their Chinese
