"""Decisions are explained, versioned and reproducible."""

from datetime import date
from pathlib import Path

import pytest

from reind.core.db import Database
from reind.core.errors import ConflictError, InvalidInputError, RuleError
from reind.core.money import HKD
from reind.rules.decision import Outcome, StoredDecision
from reind.rules.store import load_decision, save_decision
from reind.schemes.catalogue import default_engine

CASE = {
    "received": "2021-06-01",
    "total_cost": "54000000",
    "incorporated_under": "cap622",
    "new_line_in_hong_kong": True,
    "smart_manufacturing": True,
}


def test_a_decision_traces_every_parameter_with_date_and_source() -> None:
    decision = default_engine().decide("RFS", CASE)
    used = {t.parameter: t for t in decision.trace}
    assert {"rfs.matching_share", "rfs.project_cap"} <= used.keys()
    cap = used["rfs.project_cap"]
    assert cap.value == HKD("15000000")
    assert cap.effective_from == date(2020, 7, 27)
    assert "news.gov.hk" in cap.source and cap.confidence == "A"
    assert decision.rules_version == default_engine().rules_version
    assert all(r.en and r.zh for r in decision.reasons)


def test_a_stored_decision_reproduces_exactly(tmp_path: Path) -> None:
    engine = default_engine()
    database = Database(f"sqlite:///{tmp_path / 'r.db'}")
    database.migrate()
    decision = engine.decide("RFS", CASE)
    with database.unit_of_work() as session:
        decision_id = save_decision(session, decision)
    with database.unit_of_work() as session:
        stored = load_decision(session, decision_id)
    again = engine.reproduce(stored)
    assert again.dumps() == decision.dumps()
    database.dispose()


def test_reproducing_under_other_rules_is_refused() -> None:
    document = default_engine().decide("RFS", CASE).to_json()
    document["rules_version"] = "0000000000000000"
    with pytest.raises(ConflictError, match="rules"):
        default_engine().reproduce(StoredDecision.from_json(document))


def test_rerunning_as_of_another_date_shows_what_changed() -> None:
    engine = default_engine()
    earlier = [{"amount": "15000000", "approved_on": "2022-01-01"}] * 3
    case = dict(CASE, received="2023-06-01", prior_approvals=earlier)
    stored = StoredDecision.from_json(engine.decide("RFS", case).to_json())
    result = engine.rerun_as_of(stored, date(2024, 6, 1))
    assert result.before.outcome is Outcome.ELIGIBLE
    assert result.after.outcome is Outcome.INELIGIBLE
    assert result.changed
    assert "rfs.max_concurrent_projects" in {c.parameter for c in result.parameters}


def test_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(RuleError, match="known schemes: RFS"):
        default_engine().decide("NOPE", CASE)


def test_bad_inputs_get_one_clear_message() -> None:
    with pytest.raises(InvalidInputError, match="total_cost"):
        default_engine().decide("RFS", dict(CASE, total_cost="-1"))
    with pytest.raises(InvalidInputError, match="colour"):
        default_engine().decide("RFS", dict(CASE, colour="red"))


def test_every_scheme_in_the_catalogue_says_when_it_operated() -> None:
    engine = default_engine()
    for scheme in engine.schemes:
        first = engine.parameters.get(scheme.code, "in_operation").values[0]
        assert first.value is True, scheme.code
        assert scheme.title_en and scheme.title_zh and scheme.summary_zh
