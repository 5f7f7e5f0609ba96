"""Every message a service or page can show a person goes through the catalogue.

A message built with an f-string (``f"claim {claim.id} is {claim.state}"``)
cannot be a key of the message catalogue, so it reached Chinese readers in
English, and a ``{state!r}`` showed them a code. Here every error raised
where a person can meet it (services, pages, API, the rules engine's
refusals) must be a plain template whose fields are keyword arguments, and
every template must have its Traditional Chinese with the same fields.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter

from babel.messages.pofile import read_po

from reind.core.money import HKD
from reind.programme.actors import Role
from reind.programme.applications.workflow import workflow_for
from reind.programme.money.ledger import Ledger
from reind.web.i18n import LOCALE_DIR, error_text

SRC = Path(__file__).resolve().parents[2] / "src" / "reind"
ERRORS = {
    "ReindError",
    "InvalidInputError",
    "RuleError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "TooManyRequestsError",
}
REACHED = [
    *(p for p in (SRC / "programme").rglob("*.py") if "demo_data" not in p.parts),
    *(SRC / "web").rglob("*.py"),
    *(SRC / "core").rglob("*.py"),
    *(SRC / "reporting").rglob("*.py"),
    *(SRC / "rules" / name for name in ("engine.py", "evaluation.py", "store.py", "scheme.py")),
]
"""Where a person meets the error (the API, pages, reports, the rules' refusals).

Left out on purpose: parameter and rules-test files' errors (for the people
who write those files, naming file and line), the columnar bulk runs, the
factory's protocol codecs, and the command line, which says its own
messages in the language asked (``say(lang, en, zh)``).
"""


def _raised(path: Path) -> list[tuple[int, str | None, bool]]:
    """(line, template or None if not a plain string, whether Chinese is given inline)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {  # a message kept in a module-level constant is a template too
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in ERRORS:
            continue
        first = node.args[0]
        inline = any(k.arg == "zh" for k in node.keywords)
        plain = first.value if isinstance(first, ast.Constant) else None
        if isinstance(first, ast.Name):
            plain = constants.get(first.id)
        found.append((node.lineno, plain if isinstance(plain, str) else None, inline))
    return found


def _catalogue() -> dict[str, str]:
    with (LOCALE_DIR / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def test_every_message_a_person_can_meet_is_a_template_not_an_fstring() -> None:
    built = [
        f"{path.relative_to(SRC)}:{line}"
        for path in REACHED
        for line, template, inline in _raised(path)
        if template is None and not inline
    ]
    assert built == []


def test_no_message_shows_a_code_through_repr() -> None:
    shown = [
        f"{path.relative_to(SRC)}:{line}: {template}"
        for path in REACHED
        for line, template, _ in _raised(path)
        if template and re.search(r"\{[a-z_]+!r\}", template)
    ]
    assert shown == []


def test_every_template_has_its_chinese_with_the_same_fields() -> None:
    catalogue = _catalogue()
    templates = {
        template
        for path in REACHED
        for _, template, inline in _raised(path)
        if template and not inline
    }
    assert len(templates) > 150
    untranslated = sorted(t for t in templates if not catalogue.get(t))
    assert untranslated == []
    unequal = sorted(t for t in templates if _fields(catalogue[t]) != _fields(t))
    assert unequal == []


def _refusal(attempt: object) -> Exception:
    try:
        attempt()  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - the refusal is what is looked at
        return exc
    raise AssertionError("no refusal")


def test_a_refusal_reads_chinese_with_codes_as_words_and_amounts_as_officials_write_them() -> None:
    forbidden = _refusal(
        lambda: workflow_for("rfs").transition("submitted", "start_screening", Role.APPLICANT)
    )
    zh = error_text(forbidden, "zh-Hant")  # type: ignore[arg-type]
    assert zh == "RFS：申請者不可進行「開始初步審查」（可進行的職能：計劃人員）"
    assert forbidden.problem()["role"] == "applicant"  # type: ignore[attr-defined]
    over = _refusal(
        lambda: Ledger(approved=HKD(900_000), committed=HKD(900_000)).claim(HKD(1_000_000))
    )
    assert error_text(over, "zh-Hant") == (  # type: ignore[arg-type]
        "申領款額 1,000,000港元 超過尚可申領的 900,000港元（已承擔 900,000港元，已申領 0港元）"
    )
    assert str(over).startswith("a claim of HK$1,000,000.00 is more than the HK$900,000.00")
