"""The core is a library: it never imports a UI or web framework, nor the shells built on it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_core_loads_no_shell_or_framework():
    code = (
        "import sys, cleverinvo.core, cleverinvo.core.billing.invoices, cleverinvo.core.billing.reports\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'starlette', 'uvicorn'}"
        " or m.startswith(('cleverinvo.tui', 'cleverinvo.server', 'cleverinvo.cli')))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_linter_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
