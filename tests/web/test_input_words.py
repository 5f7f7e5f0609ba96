"""Every scheme input has words: a label on every form, its choices named, its answers readable."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from reind.schemes.catalogue import all_schemes
from reind.web.i18n import translations
from reind.web.views.forms import form_fields
from reind.web.views.input_words import INPUT_LABELS, field_answer


def _models(annotation: Any, found: set[type[BaseModel]]) -> None:
    for inner in typing.get_args(annotation):
        _models(inner, found)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.add(annotation)


def test_every_scheme_input_and_every_field_of_its_lists_has_a_label() -> None:
    names: set[str] = set()
    nested: set[type[BaseModel]] = set()
    for scheme in all_schemes():
        for name, info in scheme.inputs.model_fields.items():
            names.add(name)
            _models(info.annotation, nested)
    for model in nested:
        names.update(model.model_fields)
    assert sorted(names - INPUT_LABELS.keys()) == []


def test_every_choice_of_every_form_has_words() -> None:
    """Read through the form's own labelling (input choices, then rule-value codes), and in
    both languages: a choice shown as its code, or words with no Chinese, fails."""
    chinese = translations("zh-Hant").gettext
    unnamed = {
        code
        for s in all_schemes()
        for f in form_fields(s.inputs)
        for code, msgid in f.choice_items()
        if msgid == code or (chinese(msgid) == msgid and msgid != msgid.upper())
    }  # a name in capitals (TSSSU+) reads the same in Chinese
    assert sorted(unnamed) == []


def test_a_stored_answer_reads_as_words_in_both_languages() -> None:
    prior = [
        {"amount": "500000.00", "approved_on": "2017-11-24", "market": "mainland", "ongoing": False}
    ]
    english = translations("en").gettext
    chinese = translations("zh-Hant").gettext
    assert field_answer("total_cost", 1294000, english) == "HK$1,294,000.00"
    assert field_answer("prior_approvals", prior, english) == (
        "Amount (HK$): HK$500,000.00, Approved on: 2017-11-24, "
        "Target market: Mainland China, Still running: No"
    )
    zh = field_answer("prior_approvals", prior, chinese)
    assert "HK$500,000.00" in zh and "中國內地" in zh and "'" not in zh
    assert field_answer("incorporated_under", "cap622", chinese) == "《公司條例》（第 622 章）"
