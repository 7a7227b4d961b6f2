"""The databases the store, query and job suites run on: SQLite (a file in the test's folder) and PostgreSQL.

`database_url` is parametrized: the PostgreSQL variant runs on the server named by PAUSECODE_TEST_POSTGRES_URL
(`.ci/run` starts one with `.ci/postgres`) in a schema of its own, dropped afterwards, and skips with the reason
when the variable is not set. Import the fixture by name: `from db_backends import database_url`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRES_URL_ENV = "PAUSECODE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_URL_ENV} (.ci/run starts one with .ci/postgres)")
    return url


def _admin(base: str):  # noqa: ANN202 - a SQLAlchemy engine in autocommit mode
    from sqlalchemy import create_engine

    from pausecode.store.db import driver_url

    return create_engine(driver_url(base), isolation_level="AUTOCOMMIT")


def _with_search_path(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def postgres_schema_url() -> Iterator[str]:
    """A fresh schema on the test server (its URL sets search_path); dropped with everything in it afterwards."""
    from sqlalchemy import text

    from pausecode.store.db import forget_engine

    base = postgres_base_url()
    schema = f"pc_test_{secrets.token_hex(6)}"
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = _with_search_path(base, schema)
    try:
        yield url
    finally:
        forget_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database: SQLite in `tmp_path`, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'data' / 'pausecode.db').resolve()}"
    else:
        yield from postgres_schema_url()
