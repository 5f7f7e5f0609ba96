"""Plausible, clearly fictitious names for generated enterprises, start-ups and staff."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from reind.programme.demo_data.bulk import hk_moment, seeded_id
from reind.programme.enterprises.profile import Industry

_FIRST = (
    "Golden",
    "Harbour",
    "Jade",
    "Pearl",
    "Victoria",
    "Lion Rock",
    "Kowloon",
    "Tai Po",
    "Tsuen Wan",
    "Kwun Tong",
    "Sha Tin",
    "Silvermine",
    "Bauhinia",
    "Dragon Gate",
    "Star Ferry",
    "Peak",
    "Lantau",
    "Sai Kung",
    "Chai Wan",
    "Yuen Long",
)
_FIRST_ZH = (
    "金",
    "海港",
    "翡翠",
    "明珠",
    "維多利亞",
    "獅子山",
    "九龍",
    "大埔",
    "荃灣",
    "觀塘",
    "沙田",
    "銀礦",
    "紫荊",
    "龍門",
    "天星",
    "山頂",
    "大嶼",
    "西貢",
    "柴灣",
    "元朗",
)
_TRADE = {
    Industry.FOOD_MANUFACTURING: (("Foods", "食品"), ("Bakery", "餅家"), ("Brewery", "啤酒廠")),
    Industry.FOOD_PROCESSING: (("Food Processing", "食品加工"), ("Egg Products", "蛋品")),
    Industry.TEXTILES: (("Textiles", "紡織"), ("Garment", "製衣")),
    Industry.CONSTRUCTION_MATERIALS: (("Building Materials", "建材"), ("Precast", "預製件")),
    Industry.MEDICAL_DEVICES: (("Medical Devices", "醫療器材"), ("Masks", "口罩")),
    Industry.PHARMACEUTICALS: (("Pharmaceutical", "製藥"),),
    Industry.ELECTRONICS: (("Electronics", "電子"), ("Precision", "精密")),
    Industry.PRINTING: (("Printing", "印刷"),),
    Industry.CHEMICALS: (("Chemicals", "化工"),),
    Industry.METALS: (("Metalworks", "五金"),),
}
_SURNAMES = ("Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Lam", "Tse", "Yip")
_GIVEN = ("Ka Ming", "Wai Man", "Siu Fung", "Mei Ling", "Chi Keung", "Hoi Yan", "Tsz Ho", "Ka Yan")


def enterprise_name(rng: random.Random, industry: Industry, number: int) -> tuple[str, str]:
    """An English and a Chinese company name for ``industry``."""
    pick = rng.randrange(len(_FIRST))
    trade_en, trade_zh = rng.choice(_TRADE.get(industry, (("Industries", "實業"),)))
    return (
        f"{_FIRST[pick]} {trade_en} ({number % 10_000:04d}) Limited",
        f"{_FIRST_ZH[pick]}{trade_zh}（{number % 10_000:04d}）有限公司",
    )


def person_name(rng: random.Random) -> str:
    """A staff member's name."""
    return f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}"


def enterprise_row(
    rng: random.Random,
    number: int,
    industry: Industry,
    *,
    employees: int,
    manufacturing: bool,
    created: date,
    incorporation: str = "cap622",
) -> dict[str, Any]:
    """One ``enterprises`` row for a bulk import (BR number ``number``)."""
    name_en, name_zh = enterprise_name(rng, industry, number)
    return {
        "id": seeded_id(rng),
        "br_number": f"{number:08d}",
        "name_en": name_en,
        "name_zh": name_zh,
        "incorporation": incorporation,
        "listed": False,
        "employees": employees,
        "manufacturing": manufacturing,
        "industry": industry.value,
        "created_at": hk_moment(created),
        "version": 1,
    }
