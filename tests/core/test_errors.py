"""Service errors read whole in both languages."""

from __future__ import annotations

from reind.core.errors import InvalidInputError, Words


def test_inline_chinese_has_its_fields_filled_like_the_english() -> None:
    """The notice-kind refusal showed "沒有此類通知：{kinds}" with the braces raw."""
    error = InvalidInputError(
        "no such kind of notice: {kinds}", kinds="fax, pager", zh="沒有此類通知：{kinds}"
    )
    assert error.localized("en") == "no such kind of notice: fax, pager"
    assert error.localized("zh-Hant") == "沒有此類通知：fax, pager"
    assert error.problem()["detail_zh_hant"] == "沒有此類通知：fax, pager"


def test_inline_chinese_shows_a_code_field_as_its_chinese_words() -> None:
    state = Words("screening", "screening", "初步審查")
    error = InvalidInputError("the case is {state}", state=state, zh="個案正在{state}")
    assert error.localized("zh-Hant") == "個案正在初步審查"
    assert "screening" not in error.localized("zh-Hant")
