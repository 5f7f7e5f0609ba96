"""The committee's decision letter, in English and Traditional Chinese.

Plain text built from the decision and its reasons, so it can be stored
with the decision, printed, or wrapped in HTML by the web layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reind.core.money import Money


@dataclass(frozen=True, slots=True)
class DecisionLetter:
    """The letter in both languages."""

    en: str
    zh: str


def decision_letter(
    *,
    enterprise_en: str,
    enterprise_zh: str,
    reference: str,
    title: str,
    scheme_en: str,
    scheme_zh: str,
    supported: bool,
    decided_on: date,
    reasons_en: str,
    reasons_zh: str,
    grant: Money | None,
) -> DecisionLetter:
    """Write the letter telling the applicant what the committee decided and why."""
    day_zh = f"{decided_on.year}年{decided_on.month}月{decided_on.day}日"
    if supported:
        amount_en = f" with funding of up to {grant}" if grant is not None else ""
        amount_zh = f"，資助額上限為{grant}" if grant is not None else ""
        verdict_en = f"has been supported in principle{amount_en}"
        verdict_zh = f"已獲原則上支持{amount_zh}"
        next_en = "We will contact you to prepare the funding agreement."
        next_zh = "我們將與貴公司聯絡，以擬備資助協議。"
    else:
        verdict_en, verdict_zh = "has not been supported", "不獲支持"
        next_en = "You may submit a fresh application that addresses the reasons above."
        next_zh = "貴公司可因應上述理由提交新的申請。"
    en = (
        f"{decided_on.strftime('%d %B %Y').lstrip('0')}\n\n"
        f"{enterprise_en}\n\n"
        f"{scheme_en}\nApplication {reference}: {title}\n\n"
        f"Dear Sir or Madam,\n\n"
        f"The vetting committee has considered your application, which {verdict_en}.\n\n"
        f"Reasons: {reasons_en}\n\n{next_en}\n\n"
        "Innovation and Technology Commission\n"
    )
    zh = (
        f"{day_zh}\n\n{enterprise_zh or enterprise_en}\n\n"
        f"{scheme_zh}\n申請編號 {reference}：{title}\n\n"
        f"敬啟者：\n\n審核委員會已審議貴公司的申請，該申請{verdict_zh}。\n\n"
        f"理由：{reasons_zh}\n\n{next_zh}\n\n創新科技署\n"
    )
    return DecisionLetter(en=en, zh=zh)
