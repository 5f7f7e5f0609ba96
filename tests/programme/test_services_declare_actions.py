"""Every service declares its action: deny by default below the routes too (issue 13).

A route names its action (``tests/web/test_route_census.py``); a service may be called from a
route, the CLI, an import or another service, so it must ask the permission table itself.
This reads the source of every module under ``src/reind/programme`` and, for each public
function that acts for someone (a parameter typed ``Actor``), finds its guard:

- ``ensure(actor, Action.X)``: the table (``programme.permissions``);
- ``if not may(actor, Action.X) ...: raise ...``: the table with an object rule beside it
  (the person themself, or one allowed ``X``);
- a named object rule of ``applications.access`` (``get_application``, ``ensure_may_see``,
  ``ensure_may_see_enterprise``), each of which asks ``ensure(actor, Action.READ_CASES)``
  (checked here too).

The guard must come before the function first touches its ``session`` (an object rule that
must load the object to judge it, ``may``-then-raise, may read first). Calling another service
does not count: the action must be readable where the service is written. A function with no
guard is named, and the second test shows the scan names one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reind.programme.permissions import Action

PROGRAMME = Path(__file__).resolve().parents[2] / "src" / "reind" / "programme"

OBJECT_RULES = {"get_application", "ensure_may_see", "ensure_may_see_enterprise"}
"""The named object rules (``applications.access``): each asks the table first."""

NOT_SERVICES: dict[str, str] = {
    "permissions.py": "the table and its checks themselves",
    "applications/access.py": "the object rules themselves (checked for their own ensure)",
    "audit/chain.py": "the actor there is who is recorded as having acted, not who asks",
    "demo_data": "builds the demo's and benchmarks' worlds as the system, never for a person",
}
"""Modules whose ``Actor`` parameters are not someone asking to act, each with the reason."""


@dataclass(frozen=True)
class Service:
    """One public function that acts for an actor."""

    where: str
    node: ast.FunctionDef

    @property
    def name(self) -> str:
        return f"{self.where}:{self.node.name}"


def _actor_params(node: ast.FunctionDef) -> set[str]:
    args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
    return {
        a.arg
        for a in args
        if a.annotation is not None and ast.unparse(a.annotation).split(" | ")[0] == "Actor"
    }


def services(source: str, where: str) -> Iterator[Service]:
    """The public top-level functions of one module that take an ``Actor``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            if _actor_params(node):
                yield Service(where, node)


def _called(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def _names_action(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Action"
        and node.attr in Action.__members__
    )


def _uses(call: ast.Call, names: set[str]) -> bool:
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(isinstance(v, ast.Name) and v.id in names for v in values)


def _guard(node: ast.AST, actors: set[str]) -> bool:
    """Whether ``node`` is an ensure, a may-then-raise, or a named object rule for ``actors``."""
    if isinstance(node, ast.Call):
        name = _called(node)
        if name == "ensure" and len(node.args) == 2:
            first, action = node.args
            return isinstance(first, ast.Name) and first.id in actors and _names_action(action)
        return name in OBJECT_RULES and _uses(node, actors)
    if isinstance(node, ast.If):
        asks = any(
            _called(sub) == "may"
            and isinstance(sub, ast.Call)
            and len(sub.args) == 2
            and _uses(sub, actors)
            and _names_action(sub.args[1])
            for sub in ast.walk(node.test)
        )
        return asks and any(isinstance(sub, ast.Raise) for s in node.body for sub in ast.walk(s))
    return False


def _at(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def undeclared(service: Service) -> str | None:
    """Why ``service`` does not declare its action, or None when it does."""
    actors = _actor_params(service.node)
    guards = [n for s in service.node.body for n in ast.walk(s) if _guard(n, actors)]
    if not guards:
        return f"{service.name}: asks no ensure(actor, Action.X) nor an object rule"
    first = min(guards, key=_at)
    inside = {id(n) for n in ast.walk(first)}
    touches = [
        n
        for s in service.node.body
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and n.id == "session" and id(n) not in inside
    ]
    if touches and not isinstance(first, ast.If):
        touch = min(touches, key=_at)
        if _at(touch) < _at(first):
            return f"{service.name}: reads the session (line {_at(touch)[0]}) before its guard"
    return None


def _modules() -> Iterator[tuple[str, str]]:
    for path in sorted(PROGRAMME.rglob("*.py")):
        where = path.relative_to(PROGRAMME).as_posix()
        if not where.startswith(tuple(NOT_SERVICES)):
            yield where, path.read_text(encoding="utf-8")


def test_every_programme_service_asks_the_table_before_it_reads_or_writes() -> None:
    found = [s for where, source in _modules() for s in services(source, where)]
    assert len(found) > 60, "the scan found too few services to be reading the right files"
    missing = [why for s in found if (why := undeclared(s)) is not None]
    assert not missing, "services that declare no action:\n" + "\n".join(missing)


def test_the_scan_names_a_service_that_declares_nothing() -> None:
    source = """
def quiet(session: Session, enterprise_id: str, actor: Actor) -> list[str]:
    return list(session.scalars(select(ContactRow.name)))

def late(session: Session, actor: Actor) -> None:
    session.add(Row())
    ensure(actor, Action.EDIT_CONTACTS)

def asks_another_service(session: Session, actor: Actor) -> None:
    contacts(session, "e-1", actor)

def guarded(session: Session, actor: Actor) -> None:
    ensure(actor, Action.EDIT_CONTACTS)
    session.add(Row())

def own_or_admin(session: Session, user_id: str, actor: Actor | None = None) -> None:
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor.id != user_id:
        raise ForbiddenError("no")
    session.add(Row())
"""
    found = {s.node.name: undeclared(s) for s in services(source, "fake.py")}
    assert found["quiet"] == "fake.py:quiet: asks no ensure(actor, Action.X) nor an object rule"
    assert found["late"] == "fake.py:late: reads the session (line 6) before its guard"
    assert found["asks_another_service"] is not None
    assert found["guarded"] is None and found["own_or_admin"] is None


def test_the_object_rules_ask_the_table_first() -> None:
    source = (PROGRAMME / "applications" / "access.py").read_text(encoding="utf-8")
    rules = {s.node.name: s for s in services(source, "applications/access.py")}
    for name in OBJECT_RULES:
        rule = rules[name].node
        asks = [n for n in ast.walk(rule) if isinstance(n, ast.Call) and _called(n) == "ensure"]
        assert any(_guard(n, _actor_params(rule)) for n in asks), name
