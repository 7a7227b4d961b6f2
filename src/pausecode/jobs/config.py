"""How the job machinery is timed: leases, heartbeats, reaping and progress writes.

Its own module because both the queue (`queue.py`, which reaps and re-enqueues) and the job runner (`tasks.py`,
which heartbeats and reports progress) read it, and neither should import the other's module for it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class JobConfig:
    """Timing of leases and progress writes. Env overrides: PAUSECODE_JOB_<FIELD> (e.g. PAUSECODE_JOB_LEASE_SECONDS)."""

    lease_seconds: float = 30.0  # a running job without a heartbeat for this long is presumed dead
    heartbeat_seconds: float = 5.0
    reap_interval: float = 10.0  # how often each worker looks for dead jobs
    max_attempts: int = 3  # after this many lost workers the job fails
    progress_interval: float = 0.5  # at most one progress write per this many seconds
    cancel_poll_seconds: float = 0.5  # how often the running job reads its cancel flag
    # a queued job absent from the queue this long after it was enqueued lost its message (the queue's storage
    # restarted empty); long enough that a message a worker has just taken, not yet claimed, is not counted
    orphan_grace_seconds: float = 30.0

    @classmethod
    def from_env(cls, **overrides: Any) -> JobConfig:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"PAUSECODE_JOB_{f.name.upper()}")
            if raw:
                values[f.name] = int(raw) if f.type in ("int", int) else float(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
