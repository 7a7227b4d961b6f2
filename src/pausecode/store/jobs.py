"""The job table: state and progress of every processing job, shared by every API and worker process.

A job moves queued → running → done | failed | cancelled. A running job holds a *lease*: a random token plus a
heartbeat time that its worker renews. Every write a worker makes names its token, so a worker whose lease was
taken over (it stalled, or was presumed dead) can no longer change the job. A running job whose heartbeat is older
than the lease is handed back to the queue by `requeue_stale` (the worker died: SIGKILL, power loss, OOM).

At most one job per video (or per source, while the video id is unknown) is active: an active job holds its
`active_key`, which a unique index guards, and gives it up (NULL) when it ends or is asked to cancel. Concurrent
identical submissions therefore cannot make two jobs whatever their timing: the losing insert joins the winner.
`enqueued_at` records when the job's id was last handed to the queue, so a queued job whose message vanished
(a Redis restarted without persistence) can be found and handed over again.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from ..errors import JobNotFoundError, StoreError
from .db import Base, make_engine, schema_lock

ACTIVE_STATES = ("queued", "running")
FINAL_STATES = ("done", "failed", "cancelled")
JOB_STATES = ACTIVE_STATES + FINAL_STATES
ACTIVE_KEY_LENGTH = 600  # "source:" + a source key of up to 512 characters
CREATE_RETRIES = 5  # insert attempts when the active job we collided with ended before we could join it

log = logging.getLogger(__name__)


class JobRow(Base):
    __tablename__ = "jobs"
    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # url | upload | file
    source: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(512), index=True)
    video_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str | None] = mapped_column(String(64), nullable=True)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    frames_done: Mapped[int] = mapped_column(Integer, default=0)
    frames_total: Mapped[int] = mapped_column(Integer, default=0)
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(128), nullable=True)
    heartbeat_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[float] = mapped_column(Float, default=time.time)
    # unique while the job is active (queued/running, not being cancelled), NULL once it ends: see module doc
    active_key: Mapped[str | None] = mapped_column(String(ACTIVE_KEY_LENGTH), nullable=True)
    enqueued_at: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (Index("ux_jobs_active_key", "active_key", unique=True),)


def active_key_for(source_key: str, video_id: str | None) -> str:
    """What makes two jobs the same work: the video when its id is known, else the (normalised) source."""
    return f"video:{video_id}" if video_id else f"source:{source_key[:512]}"


@dataclass(frozen=True)
class Creation:
    """The outcome of `JobStore.create_or_join`: the job, and whether this call made it."""

    job: dict[str, Any]
    created: bool


@dataclass(frozen=True)
class StaleJobs:
    """What `JobStore.requeue_stale` did: jobs handed back to the queue, and jobs it ended (failed/cancelled)."""

    requeued: tuple[str, ...]
    ended: tuple[str, ...]


def _create_or_upgrade(engine: Engine) -> None:
    """Create the job table; one made by an earlier version lacks `active_key`/`enqueued_at` and the unique
    index: add them. Under the schema lock, so processes starting together do not race (on SQLite, where the
    lock is the database's own, a second try sees what the other process added)."""
    table = JobRow.__table__
    for attempt in range(2):
        try:
            with schema_lock(engine) as conn:
                table.create(conn, checkfirst=True)  # type: ignore[attr-defined]
                present = {c["name"] for c in inspect(conn).get_columns(table.name)}
                for column in table.columns:
                    if column.name in present:
                        continue
                    assert isinstance(column, Column) and column.nullable, "only nullable columns can be added"
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))
                for index in table.indexes:  # type: ignore[attr-defined]
                    index.create(conn, checkfirst=True)
            return
        except SQLAlchemyError as e:
            if attempt:
                raise StoreError(f"cannot create or upgrade the job table: {e}") from e


def new_job_id() -> str:
    return secrets.token_hex(16)


def _public(r: JobRow) -> dict[str, Any]:
    return {
        "job_id": r.job_id,
        "kind": r.kind,
        "source": r.source if r.kind == "url" else None,  # never disclose server-side paths
        "video_id": r.video_id,
        "options": dict(r.options or {}),
        "state": r.state,
        "cancel_requested": bool(r.cancel_requested),
        "stage": r.stage,
        "percent": round(r.percent or 0.0, 1),
        "frames_done": r.frames_done or 0,
        "frames_total": r.frames_total or 0,
        "eta_seconds": None if r.eta_seconds is None else round(r.eta_seconds, 1),
        "error": None if r.state != "failed" else {"code": r.error_code, "message": r.error},
        "result": r.result,
        "attempts": r.attempts or 0,
        "created_at": r.created_at,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "updated_at": r.updated_at,
        "heartbeat_at": r.heartbeat_at,
    }


class JobStore:
    """Short transactions over the `jobs` table; every state change is a conditional UPDATE (race-safe)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        _create_or_upgrade(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    # ------------------------------------------------------------------ reads
    def get(self, job_id: str) -> dict[str, Any]:
        with self._session() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise JobNotFoundError(f"no job with id {job_id!r}")
            return _public(row)

    def internal(self, job_id: str) -> JobRow:
        """The full row, including the server-side source path (for workers only)."""
        with self._session() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                raise JobNotFoundError(f"no job with id {job_id!r}")
            return row

    def find_active(self, *, source_key: str | None = None, video_id: str | None = None) -> dict[str, Any] | None:
        """The oldest queued/running job (not being cancelled) for this source or video, if any."""
        conds = []
        if source_key:
            conds.append(JobRow.source_key == source_key)
        if video_id:
            conds.append(JobRow.video_id == video_id)
        if not conds:
            return None
        with self._session() as s:
            row = s.scalars(
                select(JobRow)
                .where(or_(*conds), JobRow.state.in_(ACTIVE_STATES), JobRow.cancel_requested.is_(False))
                .order_by(JobRow.created_at)
                .limit(1)
            ).first()
            return _public(row) if row else None

    def counts(self) -> dict[str, int]:
        with self._session() as s:
            rows = s.execute(select(JobRow.state, func.count()).group_by(JobRow.state)).all()
        out = {st: 0 for st in JOB_STATES}
        out.update({st: n for st, n in rows})
        return out

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._session() as s:
            rows = s.scalars(select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)).all()
            return [_public(r) for r in rows]

    # ------------------------------------------------------------------ writes
    def _update(self, job_id: str, *where: Any, **values: Any) -> bool:
        values.setdefault("updated_at", time.time())
        try:
            with self._session() as s, s.begin():
                res = s.execute(update(JobRow).where(JobRow.job_id == job_id, *where).values(**values))
                return bool(res.rowcount)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot update job {job_id}: {e}") from e

    def _insert(self, *, kind: str, source: str, source_key: str, video_id: str | None,
                options: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        row = JobRow(
            job_id=new_job_id(), kind=kind, source=source, source_key=source_key[:512], video_id=video_id,
            options=options, state="queued", cancel_requested=False, percent=0.0, frames_done=0, frames_total=0,
            attempts=0, created_at=now, updated_at=now, active_key=active_key_for(source_key, video_id),
        )
        with self._session() as s, s.begin():
            s.add(row)
        return _public(row)

    def active_by_key(self, active_key: str) -> dict[str, Any] | None:
        with self._session() as s:
            row = s.scalars(select(JobRow).where(JobRow.active_key == active_key)).first()
            return _public(row) if row else None

    def create_or_join(
        self, *, kind: str, source: str, source_key: str, video_id: str | None, options: dict[str, Any]
    ) -> Creation:
        """A new queued job, or the active job for the same video/source when one exists (the unique index
        decides between concurrent callers, so exactly one of them creates)."""
        key = active_key_for(source_key, video_id)
        for _ in range(CREATE_RETRIES):
            try:
                return Creation(self._insert(kind=kind, source=source, source_key=source_key, video_id=video_id,
                                             options=options), created=True)
            except IntegrityError:
                active = self.active_by_key(key)
                if active is not None:
                    return Creation(active, created=False)
                # the job we collided with ended in between: its key is free again, try once more
            except SQLAlchemyError as e:
                raise StoreError(f"cannot create a job: {e}") from e
        raise StoreError(f"cannot create a job: the active job for {key!r} kept changing")

    def mark_enqueued(self, job_id: str) -> bool:
        """Record that the job's id was handed to the queue; False when the job is not queued (any more)."""
        return self._update(job_id, JobRow.state == "queued", enqueued_at=time.time())

    def discard_unqueued(self, job_id: str) -> bool:
        """Delete a job whose enqueue failed, unless something already happened to it (it left `queued`)."""
        try:
            with self._session() as s, s.begin():
                res = s.execute(delete(JobRow).where(JobRow.job_id == job_id, JobRow.state == "queued",
                                                     JobRow.attempts == 0))
                return bool(res.rowcount)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot remove job {job_id}: {e}") from e

    def queued_since(self, cutoff: float) -> list[str]:
        """Queued jobs last handed to the queue (or created) before `cutoff` (epoch seconds), oldest first."""
        handed = func.coalesce(JobRow.enqueued_at, JobRow.created_at)
        with self._session() as s:
            return list(s.scalars(select(JobRow.job_id).where(JobRow.state == "queued", handed < cutoff)
                                  .order_by(handed)).all())

    def claim(self, job_id: str, worker: str) -> str | None:
        """queued → running under a fresh lease token; None if the job is not queued (or was cancelled)."""
        self._update(job_id, JobRow.state == "queued", JobRow.cancel_requested.is_(True),
                     state="cancelled", finished_at=time.time(), active_key=None)
        token = secrets.token_hex(16)
        now = time.time()
        ok = self._update(
            job_id, JobRow.state == "queued",
            state="running", lease_token=token, worker=worker[:128], heartbeat_at=now, started_at=now,
            attempts=JobRow.attempts + 1, stage="starting", eta_seconds=None,
        )
        return token if ok else None

    def heartbeat(self, job_id: str, token: str) -> bool:
        """Renew the lease; False when this worker no longer holds the job."""
        now = time.time()
        return self._update(job_id, JobRow.lease_token == token, JobRow.state == "running",
                            heartbeat_at=now, updated_at=now)

    def progress(self, job_id: str, token: str, **values: Any) -> bool:
        now = time.time()
        return self._update(job_id, JobRow.lease_token == token, JobRow.state == "running",
                            heartbeat_at=now, updated_at=now, **values)

    def should_stop(self, job_id: str, token: str) -> bool:
        """True when cancellation was asked for, or this worker lost its lease."""
        with self._session() as s:
            row = s.execute(
                select(JobRow.cancel_requested, JobRow.lease_token, JobRow.state).where(JobRow.job_id == job_id)
            ).first()
        return row is None or bool(row[0]) or row[1] != token or row[2] != "running"

    def finish(
        self, job_id: str, token: str, state: str, *, result: dict[str, Any] | None = None,
        video_id: str | None = None, error_code: str | None = None, error: str | None = None,
    ) -> bool:
        assert state in FINAL_STATES
        values: dict[str, Any] = {"state": state, "finished_at": time.time(), "eta_seconds": None,
                                  "lease_token": None, "active_key": None, "result": result,
                                  "error_code": error_code,
                                  "error": None if error is None else error[:4000]}
        if state == "done":
            values.update(percent=100.0, stage="done", frames_done=JobRow.frames_total)
        if video_id:
            values["video_id"] = video_id
        return self._update(job_id, JobRow.lease_token == token, JobRow.state == "running", **values)

    def release(self, job_id: str, token: str) -> bool:
        """running → queued, giving up this worker's lease (graceful shutdown)."""
        return self._update(job_id, JobRow.lease_token == token, JobRow.state == "running",
                            JobRow.cancel_requested.is_(False),
                            state="queued", lease_token=None, worker=None, stage="requeued", eta_seconds=None,
                            attempts=JobRow.attempts - 1)

    def set_video_id(self, job_id: str, video_id: str) -> None:
        self._update(job_id, video_id=video_id)

    def request_cancel(self, job_id: str) -> dict[str, Any]:
        """A queued job is cancelled at once; a running one is flagged and its worker stops at the next check."""
        self.get(job_id)  # 404 for unknown ids
        self._update(job_id, JobRow.state == "queued", state="cancelled", cancel_requested=True,
                     finished_at=time.time(), stage="cancelled", active_key=None)
        # a job being cancelled is no longer the video's active job: a new submission may start a fresh one
        self._update(job_id, JobRow.state == "running", cancel_requested=True, active_key=None)
        return self.get(job_id)

    def requeue_stale(self, lease_seconds: float, max_attempts: int = 3) -> StaleJobs:
        """Running jobs whose heartbeat is older than the lease go back to `queued` (or fail after too many tries).

        Returns the ids re-queued (the caller enqueues them) and the ids that ended (failed, or cancelled as
        asked). Each id is returned by one caller only.
        """
        cutoff = time.time() - lease_seconds
        with self._session() as s:
            stale = s.execute(
                select(JobRow.job_id, JobRow.attempts, JobRow.cancel_requested, JobRow.heartbeat_at)
                .where(JobRow.state == "running", JobRow.heartbeat_at < cutoff)
            ).all()
        requeued: list[str] = []
        ended: list[str] = []
        for job_id, attempts, cancel, hb in stale:
            cond = (JobRow.state == "running", JobRow.heartbeat_at == hb)
            if cancel:
                if self._update(job_id, *cond, state="cancelled", lease_token=None, finished_at=time.time(),
                                active_key=None):
                    ended.append(job_id)
            elif (attempts or 0) >= max_attempts:
                if self._update(job_id, *cond, state="failed", lease_token=None, finished_at=time.time(),
                                active_key=None, error_code="worker_lost",
                                error=f"the worker processing this job stopped responding {attempts} times"):
                    ended.append(job_id)
            elif self._update(job_id, *cond, state="queued", lease_token=None, worker=None,
                              stage="requeued", eta_seconds=None):
                requeued.append(job_id)
        return StaleJobs(tuple(requeued), tuple(ended))

    def queued_ids(self) -> list[str]:
        with self._session() as s:
            return list(s.scalars(select(JobRow.job_id).where(JobRow.state == "queued")).all())
