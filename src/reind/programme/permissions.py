"""Who may do what in the programme office and on the plant: one table of role x action.

A programme office that pays public money separates duties: applicants act on
their own enterprise only, officers run cases, committee members see the cases
on their agenda they are not conflicted on, finance sees money, auditors read
and change nothing, the plant engineer operates lines and reads nothing of the
programme, administrators manage accounts and not cases. Every service and
every route names the action it performs and asks ``ensure`` (deny by
default: an action not in the table is allowed to nobody); no role set is
written anywhere else. The object rules (own enterprise, not conflicted, on
the member's agenda, assigned to the assessor) are applied on top of this
table by ``applications.access``, all of them there; the workflow's transitions
(``applications/workflows/*.yaml``) may only narrow ``MOVE_CASES``, never
widen it (a test holds them to it). ``docs/roles.md`` is generated from this
table (``role_guide``) and a test keeps it equal; a route census
(``tests/web/test_route_census.py``) holds every route to naming its action.

Plain values: imports only ``actors`` and ``core``.
"""

from __future__ import annotations

from enum import StrEnum

from reind.core.errors import ForbiddenError
from reind.programme.actors import Actor, Role

APPLICANT, OFFICER, SYSTEM = Role.APPLICANT, Role.OFFICER, Role.SYSTEM
ASSESSOR, MEMBER, APPROVER = Role.ASSESSOR, Role.COMMITTEE_MEMBER, Role.APPROVER
FINANCE, ANALYST, AUDITOR = Role.FINANCE, Role.ANALYST, Role.AUDITOR
ADMINISTRATOR, PLANT_ENGINEER = Role.ADMINISTRATOR, Role.PLANT_ENGINEER


class Action(StrEnum):
    """Something a role may be allowed to do; each service and route names one."""

    READ_CASES = "read_cases"
    LIST_CASES = "list_cases"
    USE_PORTAL = "use_portal"
    WRITE_DRAFTS = "write_drafts"
    MOVE_CASES = "move_cases"
    CORRECT_RECEIVED_DATES = "correct_received_dates"
    SCREEN = "screen"
    ASSIGN_CASES = "assign_cases"
    REGISTER_ENTERPRISES = "register_enterprises"
    EDIT_CONTACTS = "edit_contacts"
    READ_DOCUMENTS = "read_documents"
    RUN_COMMITTEES = "run_committees"
    READ_REFERRALS = "read_referrals"
    READ_AGENDAS = "read_agendas"
    SCORE = "score"
    DECIDE = "decide"
    APPROVE_GRANTS = "approve_grants"
    SIGN_AGREEMENTS = "sign_agreements"
    CONFIRM_MILESTONES = "confirm_milestones"
    FILE_REPORTS = "file_reports"
    ACCEPT_REPORTS = "accept_reports"
    SUBMIT_CLAIMS = "submit_claims"
    APPROVE_CLAIMS = "approve_claims"
    APPROVE_PAYMENTS = "approve_payments"
    REJECT_CLAIMS = "reject_claims"
    DISBURSE = "disburse"
    LINK_FUNDED_LINES = "link_funded_lines"
    DECLARE_BASELINES = "declare_baselines"
    READ_OUTCOMES = "read_outcomes"
    RECORD_ENQUIRIES = "record_enquiries"
    RECORD_PROGRAMME_RECORDS = "record_programme_records"
    IMPORT_RECORDS = "import_records"
    READ_PROGRAMME_FIGURES = "read_programme_figures"
    READ_AUDIT_TRAIL = "read_audit_trail"
    VERIFY_AUDIT_CHAIN = "verify_audit_chain"
    MANAGE_ACCOUNTS = "manage_accounts"
    ADMINISTER_SYSTEM = "administer_system"
    WATCH_PLANT = "watch_plant"
    OPERATE_PLANT = "operate_plant"
    READ_PLANT_LOG = "read_plant_log"
    OWN_SESSION = "own_session"


_CASE_READERS = frozenset({APPLICANT, OFFICER, ASSESSOR, MEMBER, APPROVER, FINANCE, ANALYST})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ_CASES: _CASE_READERS | {AUDITOR, SYSTEM},
    Action.LIST_CASES: frozenset({OFFICER, FINANCE, ANALYST, AUDITOR}),
    Action.USE_PORTAL: frozenset({APPLICANT}),
    Action.WRITE_DRAFTS: frozenset({APPLICANT, OFFICER, SYSTEM}),
    Action.MOVE_CASES: frozenset({APPLICANT, OFFICER, APPROVER}),
    Action.CORRECT_RECEIVED_DATES: frozenset({OFFICER}),
    Action.SCREEN: frozenset({OFFICER}),
    Action.ASSIGN_CASES: frozenset({OFFICER}),
    Action.REGISTER_ENTERPRISES: frozenset({OFFICER, SYSTEM}),
    Action.EDIT_CONTACTS: frozenset({APPLICANT, OFFICER, SYSTEM}),
    Action.READ_DOCUMENTS: frozenset(
        {APPLICANT, OFFICER, ASSESSOR, MEMBER, APPROVER, AUDITOR, SYSTEM}
    ),
    Action.RUN_COMMITTEES: frozenset({OFFICER}),
    Action.READ_REFERRALS: frozenset({OFFICER, APPROVER, AUDITOR}),
    Action.READ_AGENDAS: frozenset({OFFICER, APPROVER, ASSESSOR, MEMBER, AUDITOR, SYSTEM}),
    Action.SCORE: frozenset({MEMBER}),
    Action.DECIDE: frozenset({APPROVER}),
    Action.APPROVE_GRANTS: frozenset({APPROVER}),
    Action.SIGN_AGREEMENTS: frozenset({OFFICER}),
    Action.CONFIRM_MILESTONES: frozenset({OFFICER}),
    Action.FILE_REPORTS: frozenset({APPLICANT, OFFICER, SYSTEM}),
    Action.ACCEPT_REPORTS: frozenset({OFFICER}),
    Action.SUBMIT_CLAIMS: frozenset({APPLICANT, OFFICER, SYSTEM}),
    Action.APPROVE_CLAIMS: frozenset({OFFICER}),
    Action.APPROVE_PAYMENTS: frozenset({FINANCE}),
    Action.REJECT_CLAIMS: frozenset({OFFICER, FINANCE}),
    Action.DISBURSE: frozenset({FINANCE}),
    Action.LINK_FUNDED_LINES: frozenset({OFFICER}),
    Action.DECLARE_BASELINES: frozenset({APPLICANT, OFFICER}),
    Action.READ_OUTCOMES: frozenset({APPLICANT, OFFICER, ANALYST, AUDITOR, SYSTEM}),
    Action.RECORD_ENQUIRIES: frozenset({OFFICER, SYSTEM}),
    Action.RECORD_PROGRAMME_RECORDS: frozenset({OFFICER, SYSTEM}),
    Action.IMPORT_RECORDS: frozenset({OFFICER, SYSTEM}),
    Action.READ_PROGRAMME_FIGURES: frozenset({OFFICER, ANALYST, AUDITOR}),
    Action.READ_AUDIT_TRAIL: frozenset({AUDITOR}),
    Action.VERIFY_AUDIT_CHAIN: frozenset({AUDITOR, ADMINISTRATOR}),
    Action.MANAGE_ACCOUNTS: frozenset({ADMINISTRATOR, SYSTEM}),
    Action.ADMINISTER_SYSTEM: frozenset({ADMINISTRATOR}),
    Action.WATCH_PLANT: frozenset({PLANT_ENGINEER, OFFICER, ANALYST, ADMINISTRATOR}),
    Action.OPERATE_PLANT: frozenset({PLANT_ENGINEER}),
    Action.READ_PLANT_LOG: frozenset({PLANT_ENGINEER, AUDITOR}),
    Action.OWN_SESSION: frozenset(Role) - {SYSTEM},
}
"""The table: each action and the roles allowed it. An action not listed is allowed to nobody."""

ACTION_WORDS: dict[Action, tuple[str, str]] = {
    Action.READ_CASES: (
        "read applications, screening, letters, agreements, ledgers, claims, "
        "enterprises and their contacts",
        "查閱申請、審查、函件、協議、帳目、申領、企業及其聯絡人",
    ),
    Action.LIST_CASES: (
        "list every enterprise's applications, claims and enterprises (applicants list their own)",
        "列出所有企業的申請、申領及企業（申請人只列出自己的）",
    ),
    Action.USE_PORTAL: (
        "use the applicants' portal for one's own enterprise",
        "使用申請人網站處理本身企業的事務",
    ),
    Action.WRITE_DRAFTS: (
        "create an application and change a draft's budget lines and supporting documents",
        "建立申請，並更改草稿的預算項目及證明文件",
    ),
    Action.MOVE_CASES: (
        "move a case along its workflow (each step names its own roles within these)",
        "按工作流程推進個案（每一步驟在此範圍內另訂職能）",
    ),
    Action.CORRECT_RECEIVED_DATES: ("correct a received date", "更正收件日期"),
    Action.SCREEN: (
        "work the officers' queue: screen applications against the scheme's rules",
        "處理計劃人員的工作列：按計劃規則審查申請",
    ),
    Action.ASSIGN_CASES: (
        "assign a case to an officer and to assessors, and reassign it, saying why",
        "將個案分派給個案主任及評審員，或重新分派，並說明原因",
    ),
    Action.REGISTER_ENTERPRISES: ("register enterprises", "登記企業"),
    Action.EDIT_CONTACTS: ("add a contact person to an enterprise", "為企業新增聯絡人"),
    Action.READ_DOCUMENTS: ("open an applicant's supporting documents", "開啟申請人的證明文件"),
    Action.RUN_COMMITTEES: (
        "set up committees, appoint members, schedule meetings and set their agendas",
        "設立委員會、委任委員、安排會議及編定議程",
    ),
    Action.READ_REFERRALS: (
        "read the applications referred to the committee",
        "查閱已轉交委員會的申請",
    ),
    Action.READ_AGENDAS: ("read meeting agendas", "查閱會議議程"),
    Action.SCORE: ("score applications", "為申請評分"),
    Action.DECIDE: ("record the committee's decision", "記錄委員會的決定"),
    Action.APPROVE_GRANTS: ("approve grants", "批核資助"),
    Action.SIGN_AGREEMENTS: ("sign agreements", "簽訂協議"),
    Action.CONFIRM_MILESTONES: ("confirm a milestone", "確認里程碑"),
    Action.FILE_REPORTS: (
        "file a progress, final or post-completion report under an agreement",
        "根據協議提交進度、總結或完成後報告",
    ),
    Action.ACCEPT_REPORTS: ("accept a project's reports", "接納項目報告"),
    Action.SUBMIT_CLAIMS: ("submit claims", "提交申領"),
    Action.APPROVE_CLAIMS: (
        "give a claim its first (officer's) approval",
        "作出申領的首次（計劃人員）批核",
    ),
    Action.APPROVE_PAYMENTS: (
        "give a claim its second (finance's) approval",
        "作出申領的第二次（財務）批核",
    ),
    Action.REJECT_CLAIMS: ("reject claims", "拒絕申領"),
    Action.DISBURSE: ("disburse approved claims", "發放已批核的申領款項"),
    Action.LINK_FUNDED_LINES: (
        "link a funded project to its production line",
        "將受資助項目連結至其生產線",
    ),
    Action.DECLARE_BASELINES: ("declare a funded project's baseline", "申報受資助項目的基線"),
    Action.READ_OUTCOMES: ("see a project's line and its outcomes", "查看項目的生產線及其成效"),
    Action.RECORD_ENQUIRIES: (
        "record and route SME-centre enquiries and seminars",
        "記錄及轉介中小企中心查詢及研討會",
    ),
    Action.RECORD_PROGRAMME_RECORDS: (
        "record ITVF, TSSSU and RTTP records",
        "記錄創科創投基金、大學科技初創企業資助計劃及再工業化及科技培訓計劃的紀錄",
    ),
    Action.IMPORT_RECORDS: (
        "import applications, claims and enquiries from files",
        "從檔案匯入申請、申領及查詢",
    ),
    Action.READ_PROGRAMME_FIGURES: (
        "read the programme's figures and analyses",
        "查閱計劃的數字及分析",
    ),
    Action.READ_AUDIT_TRAIL: ("read the audit trail", "查閱審計記錄"),
    Action.VERIFY_AUDIT_CHAIN: ("verify the audit chain", "核實審計鏈"),
    Action.MANAGE_ACCOUNTS: (
        "add users, change roles, end sessions and revoke API tokens",
        "新增使用者、更改職能、結束工作階段及撤銷 API 權杖",
    ),
    Action.ADMINISTER_SYSTEM: (
        "look after the outbox and the rules' parameters",
        "管理外發郵件及規則參數",
    ),
    Action.WATCH_PLANT: ("see the plant dashboard and its telemetry", "查看廠房儀表板及其遙測數據"),
    Action.OPERATE_PLANT: (
        "command a line's units, change its setpoints, act on its alarms "
        "(each recorded in the plant's command log)",
        "指令生產線單元、更改設定值、處理警報（每項均記錄於廠房指令記錄）",
    ),
    Action.READ_PLANT_LOG: ("read the plant's command log", "查閱廠房指令記錄"),
    Action.OWN_SESSION: (
        "see who one is signed in as, and sign out",
        "查看自己以何身分登入，以及登出",
    ),
}
"""Each action in words, English and Chinese: the role guide and the refusals say them."""


def may(actor: Actor, action: Action) -> bool:
    """Whether ``actor``'s role is allowed ``action`` (before any object rule)."""
    return actor.role in PERMISSIONS.get(action, frozenset())


def ensure(actor: Actor, action: Action) -> None:
    """ForbiddenError unless ``actor``'s role is allowed ``action``; names no internal role."""
    if not may(actor, action):
        english, chinese = ACTION_WORDS[action]
        raise ForbiddenError(
            f"your role may not {english}",
            zh=f"您的職能不可{chinese}。",
            action=action.value,
        )


ROLE_WORDS = {
    Role.APPLICANT: "Applicant (own enterprise only)",
    Role.OFFICER: "Programme officer",
    Role.ASSESSOR: "Assessor (assigned cases only, not where conflicted)",
    Role.COMMITTEE_MEMBER: "Committee member (own agenda only, not where conflicted)",
    Role.APPROVER: "Approver (committee chair)",
    Role.FINANCE: "Finance",
    Role.ANALYST: "Analyst",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
    Role.PLANT_ENGINEER: "Plant engineer",
}


def role_guide() -> str:
    """``docs/roles.md``: the table in words, one row per action and one column per role."""
    roles = list(ROLE_WORDS)
    head = "| action | " + " | ".join(r.words for r in roles) + " |"
    rule = "|---" * (len(roles) + 1) + "|"
    rows = [
        f"| {action.value.replace('_', ' ')} | "
        + " | ".join("yes" if role in PERMISSIONS[action] else "—" for role in roles)
        + " |"
        for action in Action
    ]
    lines = [
        "# Roles and their duties",
        "",
        "Generated from `src/reind/programme/permissions.py` (`role_guide`); a test keeps",
        "this page equal to the table, and another walks every identity across every API",
        "endpoint against it. Deny by default: an action not listed is allowed to nobody.",
        "On top of the table, the object rules: an applicant acts on its own enterprise",
        "only; an assessor or committee member does not see an application it declared a",
        "conflict with, nor that enterprise and its contacts; an assessor sees only the cases",
        "assigned to it (and only the enterprises of those); a committee member sees only",
        "the cases on the agenda of a meeting of a committee it sits on (within its term),",
        "and only the enterprises (and their contacts) of those cases. Administrators manage",
        "accounts, not cases; the plant engineer operates lines and reads nothing of the",
        "programme; auditors read and change nothing.",
        "",
        "## The roles",
        "",
        *(f"- **{role.words}**: {words}" for role, words in ROLE_WORDS.items()),
        "",
        "## The actions",
        "",
        *(f"- **{a.value.replace('_', ' ')}**: {ACTION_WORDS[a][0]}" for a in Action),
        "",
        "## Who may do what",
        "",
        head,
        rule,
        *rows,
        "",
    ]
    return "\n".join(lines)
