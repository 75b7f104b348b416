"""Shared fixtures: the real list and a small fixture list, each built into a database.

``real_*`` read data/ (whatever edition it holds: tests of the data itself).
``*_2024`` read the frozen 2024 edition (tests/fixtures/duties_2024.yaml, the import of
tests/fixtures/edition_2024.txt.gz): tests that name items, ranks or outputs of that
edition, so that importing a revised edition into data/ keeps them green.
Checked by hand (not in CI: it doubles the suite's time) with, in a worktree:

    python -c "import sys; sys.path[:0] = ['tests']; from editions import revised_edition as r
    open('data/source/danangou_duty_list.txt', 'w', encoding='utf-8').write(r().text)"
    dutylist import data/source/danangou_duty_list.txt -o data/duties.yaml
    pip install -e '.[test,web]' && pytest -q -p no:randomly    # then: git checkout data/
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dutylist import source
from dutylist.cli import app
from dutylist.model import Catalog
from dutylist.store.build import build_database

ROOT = Path(__file__).resolve().parents[1]
REAL_YAML = ROOT / "data" / "duties.yaml"
REAL_SYNONYMS = ROOT / "data" / "synonyms.yaml"
MINI_YAML = ROOT / "tests" / "fixtures" / "mini.yaml"
YAML_2024 = ROOT / "tests" / "fixtures" / "duties_2024.yaml"

OpenDb = Callable[[Path], sqlite3.Connection]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's data folder or $DUTYLIST_DB."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("DUTYLIST_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return source.load_catalog(REAL_YAML)


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory, real_catalog: Catalog) -> Path:
    path = tmp_path_factory.mktemp("real") / "duties.db"
    build_database(
        real_catalog,
        path,
        source=REAL_YAML,
        synonyms=source.load_synonyms(REAL_SYNONYMS),
        synonyms_source=REAL_SYNONYMS,
    )
    return path


@pytest.fixture(scope="session")
def catalog_2024() -> Catalog:
    return source.load_catalog(YAML_2024)


@pytest.fixture(scope="session")
def db_2024(tmp_path_factory: pytest.TempPathFactory, catalog_2024: Catalog) -> Path:
    """The 2024 edition's database (with the project's synonyms from data/)."""
    path = tmp_path_factory.mktemp("edition2024") / "duties.db"
    build_database(
        catalog_2024,
        path,
        source=YAML_2024,
        synonyms=source.load_synonyms(REAL_SYNONYMS),
        synonyms_source=REAL_SYNONYMS,
    )
    return path


@pytest.fixture(scope="session")
def mini_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mini") / "mini.db"
    build_database(
        source.load_catalog(MINI_YAML),
        path,
        source=MINI_YAML,
        synonyms={"狗": ["犬", "犬只"], "打疫苗": ["疫苗", "防疫"]},
    )
    return path


@pytest.fixture
def open_db() -> Iterator[OpenDb]:
    """``store.schema.connect`` for a test; every connection is closed when the test ends
    (Python 3.13 reports unclosed ones, and warnings are errors here)."""
    from dutylist.store.schema import connect

    with contextlib.ExitStack() as stack:
        yield lambda path: stack.enter_context(contextlib.closing(connect(path)))


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the CLI in-process: ``cli("search", "低保", db=path)``."""
    runner = CliRunner()

    def invoke(*args: str, db: Path | None = None, input: str | None = None,
               env: dict[str, str] | None = None) -> Result:
        argv = list(args)
        if db is not None:
            argv += ["--db", str(db)]
        return runner.invoke(app, argv, input=input, env={**os.environ, **(env or {})})

    return invoke
