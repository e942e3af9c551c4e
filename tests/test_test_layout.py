"""The test suite's own layout: one folder per stage package, plus e2e.

Test folders have no ``__init__.py`` (pytest's default rootdir and import
mechanics), so test module basenames must be unique across folders; shared
helpers sit in tests/ beside conftest.py and are imported by name.
"""

from __future__ import annotations

from repo_paths import ROOT

TESTS = ROOT / "tests"
PACKAGE = ROOT / "pathway_opt"
#: Folders that mirror no package: whole runs through the public API and the CLI.
EXTRA = {"e2e"}
#: Test modules that stay at tests/ top: they test the package (or suite) layout.
TOP = {"test_architecture.py", "test_test_layout.py"}


def _folders() -> set[str]:
    return {
        p.name
        for p in TESTS.iterdir()
        if p.is_dir() and not p.name.startswith((".", "__"))
    }


def test_every_test_folder_is_a_stage_package_or_e2e() -> None:
    stages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert _folders() <= stages | EXTRA
    assert stages <= _folders(), "a stage package has no test folder"


def test_test_modules_sit_in_folders() -> None:
    assert {p.name for p in TESTS.glob("test_*.py")} == TOP
    for folder in _folders():
        assert list((TESTS / folder).glob("test_*.py")), folder


def test_no_init_files_and_unique_basenames() -> None:
    assert not list(TESTS.rglob("__init__.py"))
    names = [p.name for p in TESTS.rglob("test_*.py")]
    assert len(names) == len(set(names))
