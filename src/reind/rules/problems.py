"""A case's invalid inputs said in words of both languages.

pydantic writes its complaints in English ("Input should be greater than
0"); a refusal a Chinese reader gets through the API's ``detail_zh_hant``
must read Chinese, so each kind of complaint pydantic makes about a case's
inputs has its Chinese here. The input's name stays as the API spells it:
it is what the caller must correct.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from reind.core.errors import Words

_ZH: dict[str, str] = {
    "missing": "必須提供",
    "extra_forbidden": "不是此計劃的輸入項",
    "greater_than": "須大於 {gt}",
    "greater_than_equal": "須不少於 {ge}",
    "less_than": "須小於 {lt}",
    "less_than_equal": "須不多於 {le}",
    "literal_error": "須為以下其中一項：{expected}",
    "enum": "須為以下其中一項：{expected}",
    "decimal_parsing": "須為數字",
    "decimal_type": "須為數字",
    "float_parsing": "須為數字",
    "float_type": "須為數字",
    "int_parsing": "須為整數",
    "int_type": "須為整數",
    "int_from_float": "須為整數",
    "decimal_max_places": "小數位數過多",
    "finite_number": "須為有限數值",
    "bool_parsing": "須為是或否",
    "bool_type": "須為是或否",
    "date_parsing": "須為 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "須為 YYYY-MM-DD 格式的日期",
    "date_type": "須為 YYYY-MM-DD 格式的日期",
    "string_type": "須為文字",
    "list_type": "須為清單",
    "dict_type": "須為對照表",
    "model_type": "須為對照表",
    "too_short": "項目太少",
    "too_long": "項目太多",
}
"""Chinese for each pydantic error type a case's inputs meet (``{ctx}`` fields filled)."""


def input_problems(exc: ValidationError) -> list[Words]:
    """Each complaint of ``exc`` as words: "field: what is wrong" in English and Chinese.

    A complaint of a kind not listed (a scheme's own validator) keeps
    pydantic's English message on the Chinese side too, after the field.
    """
    found = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "input"
        zh = _ZH.get(err["type"])
        said = zh.format(**_context(err.get("ctx"))) if zh else err["msg"]
        found.append(Words(err["type"], f"{where}: {err['msg']}", f"{where}：{said}"))
    return found


def _context(ctx: Any) -> dict[str, str]:
    return {k: str(v).replace(" or ", " 或 ") for k, v in (ctx or {}).items()}
