"""Schemathesis against the API: every operation, as an officer and as an applicant, on SQLite
and PostgreSQL, with valid and invalid data: no 500, and every answer as the document says.

Bounded and deterministic: a few examples per operation and mode (``derandomize``), so the
whole run takes about a minute. Each operation documents only the statuses it answers
(``web.openapi.statuses_of``), so any other status fails. A schema-valid request may be
refused by a rule the schema cannot say (a scheme that did not exist on that date) with a
documented 422, never with the validation status 400: a 400 on valid data means the schema
lies (ADR 0133). A body that breaks its schema, a 500, or an operation that ignores missing
credentials fails too. No gap is tolerated: a JSON number with more decimal places than an
amount takes, and a span of years that is not consecutive, are a rule's 422 (ADR 0135). The
counts (operations, cases, failures) are printed.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.web.world import World

EXAMPLES = 4
"""Examples per operation, identity and generation mode."""
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "422"]
"""A schema-valid request's acceptable answers: success, or a documented refusal; not 400."""


@pytest.mark.parametrize("who", ["officer", "applicant"])
def test_every_operation_answers_as_documented_and_never_500(shared_world: World, who: str) -> None:
    world = shared_world
    config = schemathesis.Config.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
    )
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.client.app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    failures: dict[str, str] = {}
    cases = 0
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(operation.as_strategy(generation_mode=mode))
            def check(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
                nonlocal cases
                cases += 1
                case.call_and_validate(headers=world.auth(who))

            try:
                check()
            except Unsatisfiable:
                continue  # nothing invalid to send (an operation without inputs)
            except (AssertionError, BaseExceptionGroup) as found:
                failures[f"{mode.value} {operation.label}"] = str(found)[:1500]
    print(  # noqa: T201  # the counts go in the closing note
        f"schemathesis as {who}: {len(operations)} operations, {cases} cases, "
        f"{len(failures)} failures"
    )
    for key, text in failures.items():
        print("FAILED", key, re.findall(r"- (ST\d+ [^\n]*)", text))  # noqa: T201
    assert len(operations) > 70 and cases > 500
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
