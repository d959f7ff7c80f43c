"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import drop_databases, on_postgres


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
