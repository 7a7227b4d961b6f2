"""The remote engines' response cache: the same image is never paid for twice, across runs too.

Key: a hash of (perceptual frame hash, engine, model, prompt version). Value: the parsed JSON answer only:
never the request, the image or anything that could carry a key. Lives in the same database as the videos.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import JSON, Float, String, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from .db import Base, make_engine

log = logging.getLogger(__name__)


class ResponseCacheRow(Base):
    __tablename__ = "vlm_response_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(255))
    prompt_version: Mapped[str] = mapped_column(String(16))
    value: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


class ResponseCache:
    """Best-effort get/put: a database problem logs a warning and behaves like a miss."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        # make_engine creates tables only the first time it sees a URL; this table may be newer than that.
        ResponseCacheRow.__table__.create(self.engine, checkfirst=True)  # type: ignore[attr-defined]
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with self._session() as s:
                row = s.get(ResponseCacheRow, key)
                return dict(row.value) if row is not None else None
        except SQLAlchemyError as e:
            log.warning("response cache read failed: %s", e)
            return None

    def put(self, key: str, value: dict[str, Any], *, engine: str, model: str, prompt_version: str) -> None:
        try:
            with self._session() as s, s.begin():
                row = s.get(ResponseCacheRow, key)
                if row is None:
                    s.add(ResponseCacheRow(key=key, engine=engine, model=model, prompt_version=prompt_version,
                                           value=value, created_at=time.time()))
                else:
                    row.value, row.created_at = value, time.time()
        except SQLAlchemyError as e:
            log.warning("response cache write failed: %s", e)

    def count(self, engine: str | None = None) -> int:
        with self._session() as s:
            q = select(func.count()).select_from(ResponseCacheRow)
            if engine:
                q = q.where(ResponseCacheRow.engine == engine)
            return int(s.scalar(q) or 0)

    def clear(self, engine: str | None = None) -> int:
        """Drop cached answers (all, or one engine's); returns how many were removed."""
        with self._session() as s, s.begin():
            q = delete(ResponseCacheRow)
            if engine:
                q = q.where(ResponseCacheRow.engine == engine)
            return int(s.execute(q).rowcount or 0)


class LayeredCache:
    """Memory in front of the store: repeats within a run cost a dict lookup, repeats across runs a query.

    Opening the store is deferred to the first miss, and a store that cannot be opened degrades to memory only.
    """

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._memo: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._db: ResponseCache | None = None
        self._db_failed = url is None

    def _store(self) -> ResponseCache | None:
        with self._lock:
            if self._db is None and not self._db_failed:
                try:
                    self._db = ResponseCache(self.url)  # type: ignore[arg-type]
                except Exception as e:  # noqa: BLE001 - an optimisation must never fail a run
                    log.warning("response cache unavailable, memory only: %s", e)
                    self._db_failed = True
            return self._db

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            hit = self._memo.get(key)
        if hit is not None:
            return hit
        db = self._store()
        hit = db.get(key) if db is not None else None
        if hit is not None:
            with self._lock:
                self._memo[key] = hit
        return hit

    def put(self, key: str, value: dict[str, Any], *, engine: str, model: str, prompt_version: str) -> None:
        with self._lock:
            self._memo[key] = value
        db = self._store()
        if db is not None:
            db.put(key, value, engine=engine, model=model, prompt_version=prompt_version)
