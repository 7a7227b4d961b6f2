"""The database: SQLite by default (in the data folder), any SQLAlchemy URL (PostgreSQL) by setting.

A video's segments are written in one transaction together with its `complete` status, so a crash mid-way
never leaves a result that reads as complete.

Segments are stored as one compressed record per video (`video_segments`): each distinct code text once, and
the segments as columns that refer to those texts by number (see `segcodec.py`). A typing tutorial has one
segment per pause between keystrokes and hundreds of nearly identical code texts; stored this way a 5-minute
video takes a few KB instead of hundreds. Data folders written before this (one `segments` row per segment
with its full code) are still read: `load_result` falls back to that table, and saving a video again moves it
to the new form. New SQLite databases use 1 KB pages and `auto_vacuum=FULL`, so a replaced or deleted result
leaves no free pages behind.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, deferred, mapped_column, sessionmaker

from ..errors import StoreError, VideoNotFoundError
from ..models import ProcessingStats, Segment, VideoInfo, VideoResult
from . import segcodec


class Base(DeclarativeBase):
    pass


class VideoRow(Base):
    __tablename__ = "videos"
    video_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="processing")  # processing|complete|partial|failed
    info: Mapped[dict] = mapped_column(JSON)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)


class SegmentsRow(Base):
    """All segments of one video in one compressed record (`segcodec`); `segment_count` is read without decoding."""

    __tablename__ = "video_segments"
    video_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("videos.video_id", ondelete="CASCADE"), primary_key=True
    )
    codec: Mapped[int] = mapped_column(Integer)  # segcodec.CODEC that wrote `data`
    segment_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class _LegacyBase(DeclarativeBase):
    """Tables of the previous schema: read (and emptied on re-save), never created."""


class LegacySegmentRow(_LegacyBase):
    __tablename__ = "segments"
    video_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    segment_type: Mapped[str] = mapped_column(String(16))
    code_content: Mapped[str | None] = mapped_column(Text, nullable=True)
    learning_topic: Mapped[str | None] = mapped_column(Text, nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    language: Mapped[str | None] = mapped_column(String(32), nullable=True)
    code_complete: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    file_name: Mapped[str | None] = mapped_column(String(255), nullable=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # page_size and auto_vacuum only take effect on a new, empty database (before WAL mode writes its header);
    # on an existing one they change nothing. Small pages: a video's record is a few KB, so 4 KB pages would
    # be mostly empty. FULL auto-vacuum: pages freed by a replaced result are given back at commit.
    cur.execute("PRAGMA page_size=1024")
    cur.execute("PRAGMA auto_vacuum=FULL")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()
# PostgreSQL advisory lock taken while tables are created or upgraded: processes starting together (API,
# workers) would otherwise race on CREATE TABLE. Any fixed 64-bit number; this one spells "pausecod".
SCHEMA_LOCK_KEY = 0x7061757365636F64
POSTGRES_DRIVER = "postgresql+psycopg"  # psycopg 3 (the `postgres` extra); plain postgresql:// means psycopg2


def driver_url(url: str) -> str:
    """`postgresql://` and `postgres://` URLs use psycopg 3; every other URL is used as given."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return POSTGRES_DRIVER + "://" + url.removeprefix(prefix)
    return url


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction in which to create or upgrade tables, one process at a time on PostgreSQL."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        yield conn


def make_engine(url: str) -> Engine:
    """One SQLAlchemy engine per URL per process; tables created on first use."""
    with _ENGINES_LOCK:
        eng = _ENGINES.get(url)
        if eng is None:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            eng = create_engine(driver_url(url), future=True, pool_pre_ping=True)
            if eng.dialect.name == "sqlite":
                event.listen(eng, "connect", _sqlite_pragmas)
            with schema_lock(eng) as conn:
                Base.metadata.create_all(conn)
            _ENGINES[url] = eng
        return eng


def forget_engine(url: str) -> None:
    """Close and drop this process's engine for `url` (tests that drop a database)."""
    with _ENGINES_LOCK:
        eng = _ENGINES.pop(url, None)
        _LEGACY.pop(url, None)
    if eng is not None:
        eng.dispose()


_LEGACY: dict[str, bool] = {}


def _has_legacy_segments(url: str, engine: Engine) -> bool:
    """Whether the database was written by the previous schema (a `segments` table, one row per segment).
    New databases never get that table, so the answer is asked once per URL, like the engine is made once."""
    with _ENGINES_LOCK:
        if url not in _LEGACY:
            _LEGACY[url] = inspect(engine).has_table(LegacySegmentRow.__tablename__)
        return _LEGACY[url]


def _legacy_segments(rows: list[LegacySegmentRow]) -> list[Segment]:
    return [
        Segment(
            start=r.start,
            end=r.end,
            segment_type=r.segment_type,  # type: ignore[arg-type]
            code_content=r.code_content,
            learning_topic=r.learning_topic,
            confidence=r.confidence,
            language=r.language,
            code_complete=r.code_complete,
            file_name=r.file_name,
        )
        for r in rows
    ]


def _put_segments(s: Session, video_id: str, data: bytes, count: int, legacy: bool) -> None:
    """Inside the save transaction: replace the video's segment record (and any rows of the old schema)."""
    if legacy:
        s.execute(delete(LegacySegmentRow).where(LegacySegmentRow.video_id == video_id))
    row = s.get(SegmentsRow, video_id)
    if row is None:
        s.add(SegmentsRow(video_id=video_id, codec=segcodec.CODEC, segment_count=count, data=data))
    else:
        row.codec, row.segment_count, row.data = segcodec.CODEC, count, data


class Store:
    """Videos and their segments. Thread-safe; each call uses its own short session."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._legacy = _has_legacy_segments(url, self.engine)

    def session(self) -> Session:
        return self._session()

    def mark_processing(self, info: VideoInfo) -> None:
        """Record that work started (status `processing`: never read as a result)."""
        try:
            with self.session() as s, s.begin():
                row = s.get(VideoRow, info.video_id)
                if row is None:
                    s.add(VideoRow(video_id=info.video_id, status="processing", info=info.to_dict(), stats={}))
                else:
                    row.status, row.info, row.error, row.updated_at = "processing", info.to_dict(), None, time.time()
        except SQLAlchemyError as e:
            raise StoreError(f"cannot write to the store: {e}") from e

    def mark_failed(self, video_id: str, error: str) -> None:
        """Best effort: the original error matters more than a failure to record it."""
        try:
            with self.session() as s, s.begin():
                row = s.get(VideoRow, video_id)
                if row is not None and row.status == "processing":
                    row.status, row.error, row.updated_at = "failed", error[:2000], time.time()
        except SQLAlchemyError:
            pass

    def save_result(self, result: VideoResult) -> None:
        """Replace the video's segments and mark it complete (or partial) in one transaction."""
        vid = result.video.video_id
        status = "partial" if result.stats.partial else "complete"
        data = segcodec.encode(result.segments)  # invalid segments raise StoreError before anything is written
        try:
            with self.session() as s, s.begin():
                row = s.get(VideoRow, vid)
                if row is None:
                    row = VideoRow(video_id=vid, info={}, stats={})
                    s.add(row)
                row.info, row.stats, row.status = result.video.to_dict(), result.stats.to_dict(), status
                row.error, row.updated_at = None, time.time()
                s.flush()
                _put_segments(s, vid, data, len(result.segments), self._legacy)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot save results for {vid}: {e}") from e

    def status(self, video_id: str) -> str | None:
        with self.session() as s:
            row = s.get(VideoRow, video_id)
            return row.status if row else None

    def has_result(self, video_id: str) -> bool:
        return self.status(video_id) in ("complete", "partial")

    def load_result(self, video_id: str) -> VideoResult:
        with self.session() as s:
            row = s.get(VideoRow, video_id)
            if row is None or row.status not in ("complete", "partial"):
                raise VideoNotFoundError(
                    f"no processed video with id {video_id!r}",
                    hint="run `pausecode videos` to list processed videos, or `pausecode process SOURCE`",
                )
            segs = self._load_segments(s, video_id)
            stats = ProcessingStats(**{k: v for k, v in (row.stats or {}).items() if k in ProcessingStats.__dataclass_fields__})
            info = VideoInfo(**{k: v for k, v in row.info.items() if k in VideoInfo.__dataclass_fields__})
            return VideoResult(video=info, segments=segs, stats=stats, cached=True)

    def _load_segments(self, s: Session, video_id: str) -> list[Segment]:
        rec = s.execute(
            select(SegmentsRow.codec, SegmentsRow.data).where(SegmentsRow.video_id == video_id)
        ).first()
        if rec is not None:
            return segcodec.decode(rec.codec, rec.data)
        if not self._legacy:
            return []
        rows = s.scalars(
            select(LegacySegmentRow).where(LegacySegmentRow.video_id == video_id).order_by(LegacySegmentRow.idx)
        ).all()
        return _legacy_segments(list(rows))

    def _segment_counts(self, s: Session) -> dict[str, int]:
        counts: dict[str, int] = {}
        if self._legacy:
            q = select(LegacySegmentRow.video_id, func.count()).group_by(LegacySegmentRow.video_id)
            counts.update((vid, n) for vid, n in s.execute(q))
        counts.update((vid, n) for vid, n in s.execute(select(SegmentsRow.video_id, SegmentsRow.segment_count)))
        return counts

    def list_videos(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(VideoRow).order_by(VideoRow.updated_at.desc())).all()
            counts = self._segment_counts(s)
            out = []
            for r in rows:
                n = counts.get(r.video_id, 0)
                out.append(
                    {
                        "video_id": r.video_id,
                        "status": r.status,
                        "title": r.info.get("title", ""),
                        "duration": r.info.get("duration", 0.0),
                        "source": r.info.get("source", ""),
                        "segments": n,
                        "processing_time": (r.stats or {}).get("processing_time"),
                        "updated_at": r.updated_at,
                        "error": r.error,
                    }
                )
            return out

    def delete_video(self, video_id: str) -> bool:
        with self.session() as s, s.begin():
            row = s.get(VideoRow, video_id)
            if row is None:
                return False
            s.execute(delete(SegmentsRow).where(SegmentsRow.video_id == video_id))
            if self._legacy:
                s.execute(delete(LegacySegmentRow).where(LegacySegmentRow.video_id == video_id))
            s.delete(row)
            return True

    def size_bytes(self) -> int | None:
        if self.url.startswith("sqlite:///"):
            p = Path(self.url.removeprefix("sqlite:///"))
            return sum(f.stat().st_size for f in p.parent.glob(p.name + "*") if f.is_file())
        return None


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
