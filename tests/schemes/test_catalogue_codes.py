"""One source of truth for scheme codes: the parameters folders, the modules and ``SCHEME.code``.

``reind grant CODE`` imports only ``reind.schemes.<code>``, found from the
parameters folders without importing any formula (``catalogue.scheme_codes``);
that holds only while each scheme's code names its module and its folder.
"""

from __future__ import annotations

import json
import subprocess
import sys

from reind.schemes.catalogue import all_schemes, scheme_codes


def test_every_parameters_folder_is_a_scheme_whose_module_has_its_code() -> None:
    catalogue = all_schemes()
    assert scheme_codes() == sorted(scheme.code for scheme in catalogue)
    assert all(type(scheme).__module__ == f"reind.schemes.{scheme.code}" for scheme in catalogue)


def test_only_a_code_imports_that_scheme_alone() -> None:
    assert [s.code for s in all_schemes("RFS")] == ["rfs"]
    assert len(all_schemes("NIFS")) == len(scheme_codes())  # an alias needs the catalogue


PROBE = """
import json, sys
from reind.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_reind_grant_rfs_imports_no_other_schemes_module() -> None:
    args = ("grant", "rfs", "--cost", "1000000", "--received", "2021-01-01")
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert "HK$333,333.33" in ran.stdout
    loaded = set(json.loads(ran.stderr.strip().splitlines()[-1]))
    schemes = {f"reind.schemes.{code}" for code in scheme_codes()}
    assert schemes & loaded == {"reind.schemes.rfs"}
    assert not any(m.startswith(("reind.web", "reind.programme")) for m in loaded)
