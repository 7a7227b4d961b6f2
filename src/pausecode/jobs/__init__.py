"""Background jobs: Huey queue (SQLite or Redis), job state in the store, workers that survive crashes."""

from __future__ import annotations

from .manager import JobManager, Submission
from .config import JobConfig
from .queue import JobQueue
from .worker import InProcessConsumer, run_worker

__all__ = ["InProcessConsumer", "JobConfig", "JobManager", "JobQueue", "Submission", "run_worker"]
