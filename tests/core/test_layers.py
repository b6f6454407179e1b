"""The package graph has one direction (import-linter's layers contract in .importlinter): core ←
spreadsheets ← features ← the import engine, exports and the app. A new upward import fails here."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_packages_import_only_downwards():
    linter = Path(sys.executable).with_name("lint-imports")
    outcome = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert outcome.returncode == 0, outcome.stdout[-4000:] + outcome.stderr[-2000:]
    assert "1 kept, 0 broken" in outcome.stdout


CORE = {"config", "extensions", "text", "records", "contacts", "forms", "permissions", "signals", "locale", "bulk",
        "listing", "jobs", "spreadsheets", "messages"}


def test_the_spreadsheet_library_imports_only_core_modules():
    for module in (ROOT / "diaspora" / "spreadsheets").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("diaspora."):
                    assert name.split(".")[1] in CORE, f"{module.name} imports {name}"
