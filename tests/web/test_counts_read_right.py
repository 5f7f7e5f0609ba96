"""An office page's count agrees with its noun in English: "1 event checked", not "1 events".

A sentence that puts a count before a plural noun is written with
``ngettext`` (one form for 1, another for more; Chinese has one form), so the
audit page said "1 events checked" and "1 signed checkpoints" no more (issue 16).
"""

from __future__ import annotations

import re

from jinja2.ext import babel_extract

from reind.web.i18n import translations
from reind.web.templating import TEMPLATES

COUNT_BEFORE_PLURAL = re.compile(r"%\(\w+\)s (?:[a-z-]+ )?[a-z-]+s\b")
"""``%(count)s events ...``: a count before a plural noun."""
NOT_A_NOUN = ("%(amount)s less than asked",)
"""Matches that are no count of things (an amount of money)."""


def test_a_count_before_a_plural_noun_is_written_with_ngettext() -> None:
    singular_only = []
    for path in TEMPLATES.rglob("*.html"):
        with path.open("rb") as handle:
            for line, function, message, _ in babel_extract(
                handle, ("_", "gettext", "ngettext"), [], {"trimmed": "true"}
            ):
                text = message[0] if isinstance(message, tuple) else message
                if function == "ngettext" or not isinstance(text, str) or text in NOT_A_NOUN:
                    continue
                if COUNT_BEFORE_PLURAL.search(text):
                    singular_only.append(f"{path.relative_to(TEMPLATES)}:{line} {text}")
    assert singular_only == []


def test_the_audit_chain_counts_read_in_both_languages() -> None:
    one, more = (
        "%(count)s event checked.",
        "%(count)s events checked, each linked to the one before.",
    )
    assert translations("en").ngettext(one, more, 1) % {"count": 1} == "1 event checked."
    chinese = translations("zh-Hant")
    assert chinese.ngettext(one, more, 1) == chinese.ngettext(one, more, 2)
    assert "已核對 1 項事件" in chinese.ngettext(one, more, 1) % {"count": 1}
