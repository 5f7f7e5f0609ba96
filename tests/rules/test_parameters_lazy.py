"""A lazily loaded parameter set is the eager one, parsed a scheme at a time.

``reind grant`` decides one case of one scheme; parsing the YAML of every
scheme's parameters was a tenth of its start-up (issue 15).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reind.core.errors import ParameterFileError
from reind.rules.engine import Engine
from reind.rules.parameters import load_parameters
from reind.schemes.catalogue import PARAMETERS, all_schemes


def test_a_lazy_set_holds_exactly_the_eager_one_under_the_same_version() -> None:
    eager = load_parameters(PARAMETERS)
    lazy = load_parameters(PARAMETERS, lazy=True)
    assert lazy.version == eager.version
    schemes = sorted({p.scheme for p in eager})
    for scheme in schemes:
        assert lazy.of_scheme(scheme) == eager.of_scheme(scheme)
    assert sorted(p.key for p in lazy) == sorted(p.key for p in eager) and len(lazy) == len(eager)


def test_a_bad_file_stops_only_the_scheme_it_belongs_to_and_only_when_used(tmp_path: Path) -> None:
    shutil.copytree(PARAMETERS, tmp_path / "parameters")
    bad = tmp_path / "parameters" / "emf" / "application_cap.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("unit:", "unt:"), "utf-8")
    with pytest.raises(ParameterFileError, match="emf/application_cap.yaml"):
        load_parameters(tmp_path / "parameters")
    lazy = load_parameters(tmp_path / "parameters", lazy=True)
    engine = Engine(all_schemes(), lazy)  # every scheme still declares in_operation
    decision = engine.decide("rfs", {"received": "2021-06-01", "total_cost": "1000000"})
    assert decision.amount.cents == 33_333_333
    with pytest.raises(ParameterFileError, match="emf/application_cap.yaml"):
        lazy.get("emf", "in_operation")
    with pytest.raises(ParameterFileError):  # and again: a failed parse is not half-kept
        lazy.of_scheme("emf")


def test_threads_asking_for_one_scheme_at_once_all_find_it_whole() -> None:
    lazy = load_parameters(PARAMETERS, lazy=True)
    found: list[int] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        found.append(len(lazy.of_scheme("rttp")))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and found[0] == len(load_parameters(PARAMETERS).of_scheme("rttp"))


PROBE = """
import sys
import reind.rules.parameters as parameters
parsed = set()
original = parameters.load_parameter
def counting(path, scheme, where):
    parsed.add(scheme)
    return original(path, scheme, where)
parameters.load_parameter = counting
from reind.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(sorted(parsed), file=sys.stderr)
"""


def test_reind_grant_parses_only_the_parameters_of_its_scheme() -> None:
    args = ["grant", "rfs", "--cost", "1000000", "--received", "2021-01-01"]
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.strip().splitlines()[-1] == "['rfs']"
