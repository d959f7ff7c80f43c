"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import drop_databases, on_postgres

NO_DATABASE = "no_database"
# No web console unless a test asks for one: hundreds of hotlines started side by side would all
# listen on its one port (subprocesses inherit this too)
os.environ.setdefault("HOTLINE_CONSOLE_PORT", "0")
# No daily situation report unless a test asks for one (tests/sitrep): it would post a picture to
# the officer group of every hotline started after 07:00, among the messages a test counts
os.environ.setdefault("HOTLINE_SITREP_TIME", "")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{NO_DATABASE}: touches no database, so it runs on the SQLite pass only"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, a test marked no_database would only repeat the SQLite pass: left out."""
    if not on_postgres():
        return
    left_out = [item for item in items if item.get_closest_marker(NO_DATABASE)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker(NO_DATABASE)]


@pytest.fixture(autouse=True)
def _test_databases(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL, the test works in its tmp_path (where a server database's key file goes, as a
    SQLite file's key file goes beside it), and the databases it made are dropped when it ends."""
    if not on_postgres() or "tmp_path" not in request.fixturenames:
        yield
        return
    tmp_path: Path = request.getfixturevalue("tmp_path")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        yield
    drop_databases(tmp_path)
