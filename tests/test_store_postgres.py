"""PostgreSQL as the store: selected by PAUSECODE_DATABASE_URL in its plain `postgresql://` spelling, and tables
created by processes that start at the same moment (API and workers) without a race."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from db_backends import postgres_schema_url

from pausecode.settings import load_settings
from pausecode.store.db import Store
from pausecode.store.jobs import JobStore

pytestmark = pytest.mark.postgres
STARTERS = 4  # processes creating the tables at once


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


def test_plain_postgresql_url_from_the_environment_is_used(postgres_url: str, pc_env, monkeypatch) -> None:
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    monkeypatch.setenv("PAUSECODE_DATABASE_URL", plain)
    settings = load_settings()
    assert settings.db_url == plain
    store = Store(settings.db_url)
    assert store.engine.dialect.name == "postgresql" and store.engine.dialect.driver == "psycopg"
    assert store.list_videos() == [] and not (pc_env / "pausecode.db").exists()


def test_processes_starting_together_create_the_tables_without_a_race(postgres_url: str) -> None:
    code = ("import sys; from pausecode.store.db import Store; from pausecode.store.jobs import JobStore;"
            "Store(sys.argv[1]); JobStore(sys.argv[1])")
    procs = [subprocess.Popen([sys.executable, "-c", code, postgres_url], stderr=subprocess.PIPE, text=True)
             for _ in range(STARTERS)]
    errors = [p.communicate(60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * STARTERS, errors
    jobs = JobStore(postgres_url)
    assert jobs.create_or_join(kind="file", source="/a", source_key="k", video_id="v", options={}).created
    assert not jobs.create_or_join(kind="file", source="/b", source_key="k", video_id="v", options={}).created
