"""The layer rules in .importlinter hold today, and a wrong-way import breaks them with the rule's name.

The second test copies the project's packages into a temporary folder, adds one import that points the wrong
way, and runs the same command `make lint` runs: it must fail and name the contract, or the rules guard nothing.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "accounts", "notifications", "cases", "forms_ersa", "advice", "panel", "drafting", "portal", "records", "demo", "ehcp"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
    )


def _copy_project(to: Path) -> None:
    shutil.copy(ROOT / ".importlinter", to / ".importlinter")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, to / package, ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.html")
        )


def test_the_import_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("accounts/models.py", "from cases import selectors", "Layers point down"),
        ("notifications/services.py", "import cases.models", "Layers point down"),
        ("forms_ersa/selectors.py", "from cases import views", "Other apps use only what cases publishes"),
        ("cases/statutory.py", "from django.utils import timezone", "Pure rule modules import no Django"),
    ],
)
def test_a_wrong_way_import_fails_the_lint_with_the_rule_it_broke(tmp_path, module, bad_import, contract):
    _copy_project(tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{bad_import}  # the wrong way\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert _status(result.stdout, contract) == "BROKEN"


def _status(output: str, contract: str) -> str:
    """KEPT or BROKEN, as the summary line of the contract whose name starts with `contract` says."""
    words = " ".join(output.split())
    start = words.index(contract)
    after = words[start:]
    kept, broken = after.find(" KEPT"), after.find(" BROKEN")
    candidates = [(i, word) for i, word in ((kept, "KEPT"), (broken, "BROKEN")) if i >= 0]
    return min(candidates)[1]
