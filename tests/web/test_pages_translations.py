"""Every text the programme-office pages show has its Traditional Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from reind.schemes.catalogue import all_schemes
from reind.web.i18n import LOCALE_DIR
from reind.web.templating import TEMPLATES
from reind.web.views import (
    account,
    admin,
    audit,
    desk,
    finance,
    input_words,
    lists,
    pages,
    portal_case,
    words,
    workbench,
)

AREAS = (
    "account",
    "portal",
    "workbench",
    "desk",
    "committee",
    "finance",
    "analyst",
    "plant",
    "outcomes",
    "audit",
    "admin",
)
SHARED = ("base.html", "error.html", "_forms.html", "_paging.html")


def _template_messages() -> set[str | tuple[str, str]]:
    """Each text the templates translate; a count's sentence (``ngettext``) as (one, more)."""
    found: set[str | tuple[str, str]] = set()
    paths = [TEMPLATES / name for name in SHARED]
    for area in AREAS:
        paths.extend((TEMPLATES / area).glob("*.html"))
    for path in paths:
        with Path(path).open("rb") as handle:
            for _, function, message, _ in babel_extract(
                handle, ("_", "gettext", "ngettext"), [], {"trimmed": "true"}
            ):
                if isinstance(message, str):
                    found.add(message)
                elif function == "ngettext" and isinstance(message, tuple):  # (one, more, n, ...)
                    one, more = message[0], message[1]
                    if isinstance(one, str) and isinstance(more, str):
                        found.add((one, more))
                elif isinstance(message, tuple) and isinstance(message[0], str):  # with fields
                    found.add(message[0])
    return found


def _python_messages() -> set[str]:
    found: set[str] = set()
    for links in pages.NAV.values():
        found.update(text for _, text in links)
    for table in (
        pages.ROLE_NAMES,
        pages.CLAIM_STATES,
        pages.REPORT_LABELS,
        words.CATEGORY_LABELS,
        input_words.INPUT_LABELS,
        input_words.CHOICE_WORDS,
        portal_case.NEXT_STEPS,
        workbench.ACTION_LABELS,
        finance.MOVEMENTS,
        desk.CHANNELS,
        desk.ENQUIRY_STATES,
        desk.PROFILE_LABELS,
        audit.SUBJECT_WORDS,
        admin.OUTBOX_STATES,
        workbench.SORT_LABELS,
        lists.INDUSTRY_LABELS,
        words.EVENT_WORDS,
        words.CODE_WORDS,
    ):
        found.update(table.values())
    found.add(account.LOCKED)
    found.add(portal_case.FINAL_REPORT_IN)
    for scheme in all_schemes():
        found.update(f.description for f in scheme.inputs.model_fields.values() if f.description)
    return found


def test_every_page_text_has_a_chinese_translation() -> None:
    with (LOCALE_DIR / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and all(m.string)}
    missing = sorted((_template_messages() | _python_messages()) - translated, key=str)
    assert missing == []
