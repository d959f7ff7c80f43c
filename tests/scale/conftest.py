"""Several workers on one PostgreSQL database: these tests need a server (HOTLINE_TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest

from tests.support.databases import on_postgres

postgres_only = pytest.mark.skipif(
    not on_postgres(),
    reason="several workers share a PostgreSQL database: set HOTLINE_TEST_DATABASE_URL to a "
    "PostgreSQL server (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) to run this",
)
