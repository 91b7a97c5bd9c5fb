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


def test_the_core_and_the_shells_load_the_document_machinery_only_when_a_document_is_made():
    """borb, factur-x and pikepdf take most of a second to import: every CLI command and every library user would
    pay it at start. They load on the first PDF, and every name ``cleverinvo.core.pdf`` offers is there then."""
    code = (
        "import sys, cleverinvo.core, cleverinvo.cli, cleverinvo.server.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'borb', 'facturx', 'pikepdf', 'pypdf', 'segno'}))\n"
        "import cleverinvo.core.pdf as pdf\n"
        "print(all(callable(getattr(pdf, name)) for name in pdf.__all__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "True"], out.stdout + out.stderr


def test_import_linter_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
