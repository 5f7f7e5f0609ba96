"""The BUD Fund's reasons in words, apart from its rule (``reind.schemes.bud``).

Both the per-case rule and its formula over columns
(``reind.schemes.columnar.bud``) speak through these templates, so the two
cannot drift apart in what they say; kept in a module of their own because
the Fund's many programmes, markets and ceilings make a long list.
Blanks are distinct across the templates (``{staff_limit}``,
``{cumulative_ceiling_room}``...): the reasons of one decision made over
columns fill their blanks from one set of values.
"""

from __future__ import annotations

from reind.rules.branches import ReasonTemplate

PROGRAMME_NAMES = {
    "general": ("General application", "一般申請"),
    "easy": ("Easy BUD", "「簡易申請」"),
    "ecommerce_easy": ("E-commerce Easy", "「電商易」"),
}

_T = ReasonTemplate
NOT_OFFERED = _T(
    "programme_not_offered", "{name_en} was not offered on {day}.", "{name_zh}於{day}並未推出。"
)
MARKET_NOT_COVERED = _T(
    "market_not_covered",
    "{name_en} did not cover the {market} market on {day} (covered: {markets_en}).",
    "{name_zh}於{day}並不涵蓋 {market} 市場（涵蓋：{markets_zh}）。",
)
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("non_listed", "a non-listed enterprise", "非上市企業"),
        ("business_registration",
         "registered under the Business Registration Ordinance (Cap. 310)",
         "按《商業登記條例》（第 310 章）登記"),
        ("substantive_operations", "substantive business operations in Hong Kong",
         "在香港有實質業務運作"),
    )
}  # fmt: skip
"""Each yes/no condition, in the order checked: (reason if not given, reason if not met)."""
TOO_LONG = _T(
    "too_long",
    "An Easy BUD project must be completed within {longest} months.",
    "「簡易申請」項目須於 {longest} 個月內完成。",
)
EASY_INTERVAL = _T(
    "easy_interval",
    "Only one Easy BUD application every {interval} months: the last was on {last}, the next "
    "may be made from {allowed_from}.",
    "每 {interval} 個月只可提交一宗「簡易申請」：上一宗於{last}，下一宗可於{allowed_from}起提交。",
)
TOO_MANY = _T(
    "too_many_projects",
    "The enterprise already has {done} approved projects under {scope_en}; at most {most} are "
    "allowed.",
    "企業在{scope_zh}下已有 {done} 個獲批項目；上限為 {most} 個。",
)
SCOPES = (
    {"scope_en": "BUD Fund", "scope_zh": "BUD專項基金"},
    {"scope_en": "the ASEAN Programme", "scope_zh": "東盟計劃"},
)
"""Whose projects ``TOO_MANY`` counts: the whole Fund's, or those outside the Mainland."""
EXCEEDED = {
    parameter: (
        _T(f"{parameter}_exceeded",
           f"{en} above {{{blank}_limit}} are not funded: {{{blank}_excess}} excluded.",
           f"{zh}超出 {{{blank}_limit}} 的部分不獲資助：剔除 {{{blank}_excess}}。"),
        (f"{blank}_limit", f"{blank}_excess"),
    )
    for parameter, blank, en, zh in (
        ("staff_cost_share_cap", "staff", "Staff costs", "員工成本"),
        ("new_entity_setup_share_cap", "setup", "New-entity set-up costs", "設立新業務實體成本"),
    )
}  # fmt: skip
"""Costs funded up to a share of the cost: the reason when they exceed it, and its blanks."""
MATCHING = _T(
    "matching",
    "{ratio} of the eligible cost {cost} is {matched}.",
    "合資格成本 {cost} 的 {ratio} 為 {matched}。",
)
MATCHING_AUDIT = _T(
    "matching",
    "{ratio} of the eligible cost {cost_less_audit} (besides the audit fee) plus the audit fee "
    "funded in full up to {audit_cap} ({audit}) is {matched}.",
    "合資格成本（核數費用以外）{cost_less_audit} 的 {ratio}，加上全數資助的核數費用"
    "（上限 {audit_cap}）{audit}，合共 {matched}。",
)
APPLICATION_CAP = _T(
    "application_cap",
    "Each {name_en} application is capped at {cap}",
    "每宗{name_zh}的資助上限為 {cap}",
)
"""The per-application cap (``within_limit`` appends what it leaves: ``cut_template``)."""
CEILINGS = {
    code: _T(
        code,
        f"Earlier approvals counted against {en} of {{{code}}} total {{{code}_used}}: the grant "
        f"is cut to {{{code}_room}}.",
        f"計入{zh} {{{code}}} 的過往獲批款額合共 {{{code}_used}}：資助額減至 {{{code}_room}}。",
    )
    for code, en, zh in (
        ("programme_ceiling", "the cumulative ceiling of the market's programme",
         "該市場計劃的累計上限"),
        ("cumulative_ceiling", "the cumulative ceiling", "累計上限"),
        ("ecommerce_easy_ceiling", "the E-commerce Easy ceiling", "「電商易」上限"),
        ("in_force_cap", "the cap on funding in force at any one time", "同時進行中項目的資助上限"),
    )
}  # fmt: skip
"""Each enterprise ceiling, in the order applied; its blanks are ``code``, ``code_used`` and
``code_room``, so that several in one decision do not share a blank."""
CEILING_PARAMETERS = (
    "mainland_programme_ceiling", "other_markets_programme_ceiling", "cumulative_ceiling",
    "ecommerce_easy_ceiling", "in_force_cap",
)  # fmt: skip
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
INITIAL_PAYMENT = _T(
    "initial_payment",
    "Up to {initial} of the grant ({initial_amount}) may be paid at the start.",
    "資助額最多 {initial}（{initial_amount}）可作首期款項發放。",
)
EMF_CONSOLIDATED = _T(
    "emf_consolidated",
    "The SME Export Marketing Fund has been consolidated into the BUD Fund.",
    "「中小企業市場推廣基金」已併入BUD專項基金。",
)
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


def market_blanks(markets: tuple[str, ...]) -> dict[str, object]:
    """The markets covered, as the refusal lists them in each language."""
    return {"markets_en": ", ".join(markets), "markets_zh": "、".join(markets)}
