"""``reind rules whatif``: a changed parameter's cost over the stored portfolio.

Three RFS applications received by 31 August 2021 (HK$54M, HK$30M and
HK$10M projects), one received later, one whose facts are not a case. With
the project cap at HK$20M instead of HK$15M only the HK$54M line changes:
one third of it is HK$18M, so the total rises by HK$3M, one application
affected, in its enterprise's industry.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reind.core.db import Database
from reind.core.money import Money
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import case_inputs
from reind.programme.demo_data.bulk import hk_moment
from reind.programme.demo_data.names import enterprise_row
from reind.programme.enterprises.profile import Industry
from reind.programme.enterprises.store import EnterpriseRow
from reind.reporting.whatif import portfolio_whatif, touched
from reind.rules.whatif import changed_engine
from reind.schemes.catalogue import default_engine
from tests.cli.conftest import run_reind
from tests.programme.factories import enterprise, rfs_application

FULL = {"incorporated_under": "cap622", "new_line_in_hong_kong": True, "smart_manufacturing": True}


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'reind.db'}"
    monkeypatch.setenv("REIND_DATABASE_URL", url)
    database = Database(url)
    database.migrate()
    rng = random.Random(7)
    made = date(2019, 1, 1)
    food = EnterpriseRow(
        **enterprise_row(rng, 1, Industry.FOOD_MANUFACTURING, employees=50, manufacturing=True,
                         created=made)
    )  # fmt: skip
    textiles = EnterpriseRow(
        **enterprise_row(rng, 2, Industry.TEXTILES, employees=80, manufacturing=True, created=made)
    )
    cases: list[tuple[EnterpriseRow, str, dict[str, object]]] = [
        (food, "2021-03-01", {"total_cost": "54000000", **FULL}),
        (textiles, "2021-04-01", {"total_cost": "30000000", **FULL}),
        (textiles, "2021-05-01", {"total_cost": "10000000", **FULL}),
        (food, "2021-10-01", {"total_cost": "90000000", **FULL}),  # after the as-of date
        (food, "2021-06-01", {"title only": True}),  # not a case
    ]
    with database.unit_of_work() as session:
        session.add_all([food, textiles])
        session.flush()
        for number, (owner, received, facts) in enumerate(cases, start=1):
            session.add(
                ApplicationRow(
                    id=f"app-{number}",
                    reference=f"RFS-{number:05d}",
                    scheme="rfs",
                    enterprise_id=owner.id,
                    title="a smart line",
                    state="submitted",
                    received=date.fromisoformat(received),
                    amount_requested_cents=0,
                    facts=json.dumps({"received": received, **facts}),
                    created_at=hk_moment(date.fromisoformat(received)),
                    version=1,
                )  # fmt: skip
            )
    try:
        yield database
    finally:
        database.dispose()


def test_raising_the_rfs_cap_costs_3m_on_one_application(portfolio: Database) -> None:
    engine = default_engine()
    changed = changed_engine(engine, {"rfs.project_cap": "20000000"})
    with portfolio.unit_of_work() as session:
        result = portfolio_whatif(session, engine, changed, date(2021, 8, 31))
    assert result.before == Money.of("28333333.33")  # 15M + 10M + a third of 10M
    assert result.after - result.before == Money.of(3_000_000)
    assert result.affected == 1 and result.undecidable == 1
    ((line,),) = ([x for x in result.by_industry if x.affected],)
    assert (line.scheme, line.industry, line.difference) == (
        "rfs", "food_manufacturing", Money.of(3_000_000)
    )  # fmt: skip
    assert changed.rules_version.startswith(f"{engine.rules_version}+whatif-")


def test_reind_rules_whatif_prints_the_table_and_draws_the_chart(
    portfolio: Database, tmp_path: Path
) -> None:
    chart = tmp_path / "whatif.png"
    ran = run_reind("rules", "whatif", "--set", "rfs.project_cap=20000000",
                    "--as-of", "2021-08-31", "--chart", str(chart))  # fmt: skip
    assert ran.code == 0, ran.error
    assert "difference HK$3,000,000.00" in ran.out and "1 applications affected" in ran.out
    assert "food_manufacturing" in ran.out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    chinese = run_reind("rules", "whatif", "--set", "rfs.project_cap=20000000",
                        "--as-of", "2021-08-31", "--lang", "zh-Hant")  # fmt: skip
    assert "受影響" in chinese.out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("rfs.project_cap=lots", "not a value of unit HKD"),
        ("rfs.no_such=1", "no parameter 'no_such'"),
        ("project_cap=1", "scheme.parameter=value"),
    ],
)
def test_a_bad_change_is_one_clear_line(portfolio: Database, change: str, message: str) -> None:
    ran = run_reind("rules", "whatif", "--set", change, "--as-of", "2021-08-31")
    assert ran.code == 2
    assert message in ran.error


def test_an_application_made_through_the_portal_is_decided_as_screening_decides_it(
    portfolio: Database,
) -> None:
    # Its facts hold only the applicant's answers; the cost is in its budget lines and the
    # incorporation in the register, as screening reads them. HK$60M: a third is HK$20M.
    with portfolio.unit_of_work() as session:
        made = rfs_application(
            session, enterprise(session, industry=Industry.TEXTILES), state="submitted",
            machinery="60000000", received=date(2021, 7, 1),
        )  # fmt: skip
        screened = default_engine().decide("rfs", case_inputs(session, made, default_engine()))
    engine = default_engine()
    changed = changed_engine(engine, {"rfs.project_cap": "20000000"})
    with portfolio.unit_of_work() as session:
        result = portfolio_whatif(session, engine, changed, date(2021, 8, 31))
    assert screened.amount == Money.of(15_000_000)
    assert result.undecidable == 1  # only the application whose facts are no case at all
    assert result.before == Money.of("43333333.33")  # the fixture's 28,333,333.33 + 15M
    assert result.after - result.before == Money.of(8_000_000)  # 3M + 5M
    assert result.affected == 2


EMF_CASE = {
    "received": "2021-05-01", "activity": "exhibition_outside_hk",
    "approved_expenditure": "300000", "business_registration": True,
    "substantive_operations_in_hk": True, "employees_in_hk": 20, "manufacturing": True,
    "organiser_related": False,
}  # fmt: skip


def test_a_change_to_one_scheme_leaves_the_others_as_they_are(portfolio: Database) -> None:
    # EMF in 2021: half of HK$300k is HK$150k, capped at HK$100k an application; at HK$150k
    # the cap no longer binds. A change to EMF cannot move an RFS grant: RFS is not re-decided.
    with portfolio.unit_of_work() as session:
        owner = enterprise(session, industry=Industry.TEXTILES)
        session.add(
            ApplicationRow(
                id="app-emf",
                reference="EMF-00001",
                scheme="emf",
                enterprise_id=owner.id,
                title="a trade fair",
                state="submitted",
                received=date(2021, 5, 1),
                amount_requested_cents=0,
                facts=json.dumps(EMF_CASE),
                created_at=hk_moment(date(2021, 5, 1)),
                version=1,
            )  # fmt: skip
        )
    engine = default_engine()
    changed = changed_engine(engine, {"emf.application_cap": "150000"})
    with portfolio.unit_of_work() as session:
        result = portfolio_whatif(session, engine, changed, date(2021, 8, 31))
    lines = {line.scheme: line for line in result.by_scheme}
    assert (lines["emf"].before, lines["emf"].after) == (Money.of(100_000), Money.of(150_000))
    assert lines["emf"].affected == 1
    assert set(lines) == {"emf"}
    assert touched(engine, changed) == ["emf"]
    ((moved,),) = ([x for x in result.by_industry if x.affected],)
    assert (moved.scheme, moved.industry) == ("emf", "textiles")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("rfs.project_cap=lots", "不是單位 HKD 的數值"),
        ("rfs.no_such=1", "沒有參數 'no_such'"),
        ("project_cap=1", "計劃.參數=值"),
    ],
)
def test_a_bad_change_is_refused_in_chinese_too(
    portfolio: Database, change: str, message: str
) -> None:
    ran = run_reind(
        "rules", "whatif", "--set", change, "--as-of", "2021-08-31", "--lang", "zh-Hant"
    )
    assert ran.code == 2
    assert message in ran.error


EMF_SME: dict[str, object] = {
    "activity": "exhibition_outside_hk", "employees_in_hk": 10, "manufacturing": False,
    "listed": False, "business_registration": True, "substantive_operations_in_hk": True,
    "organiser_related": False,
}  # fmt: skip


@pytest.mark.parametrize(
    "change", ["rfs.project_cap=20000000", "emf.application_cap=150000", "emf.matching_share=3/4"]
)
def test_the_whatif_as_columns_is_the_whatif_case_by_case(portfolio: Database, change: str) -> None:
    cases: list[tuple[str, dict[str, object]]] = [
        ("2021-02-01", {"approved_expenditure": "400000"}),
        ("2021-03-01", {"approved_expenditure": "150000", "activity": "corporate_website_or_app",
                        "prior_approvals": [{"amount": "390000", "approved_on": "2020-01-01",
                                             "activity": "corporate_website_or_app"}]}),
        ("2021-04-01", {"approved_expenditure": "90000", "listed": None}),
        ("2021-05-01", {"approved_expenditure": "500000", "employees_in_hk": 900, "listed": True}),
        ("2021-06-01", {"approved_expenditure": "80000", "activity": "nothing_we_fund"}),
    ]  # fmt: skip
    with portfolio.unit_of_work() as session:
        owner = session.get(ApplicationRow, "app-1")
        assert owner is not None
        for number, (received, facts) in enumerate(cases, start=1):
            session.add(
                ApplicationRow(
                    id=f"emf-{number}", reference=f"EMF-{number:05d}", scheme="emf",
                    enterprise_id=owner.enterprise_id, title="a fair", state="submitted",
                    received=date.fromisoformat(received), amount_requested_cents=0,
                    facts=json.dumps({"received": received, **EMF_SME, **facts}),
                    created_at=hk_moment(date.fromisoformat(received)), version=1,
                )
            )  # fmt: skip
    engine = default_engine()
    name, value = change.split("=")
    changed = changed_engine(engine, {name: value})
    with portfolio.unit_of_work() as session:
        fast = portfolio_whatif(session, engine, changed, date(2021, 8, 31))
        slow = portfolio_whatif(session, engine, changed, date(2021, 8, 31), columns=False)
    assert fast == slow and fast.by_scheme
    assert fast.affected > 0
