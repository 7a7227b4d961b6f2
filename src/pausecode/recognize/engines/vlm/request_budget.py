"""The request budget of the remote engines: a counter that refuses the request past `vlm_max_requests`.

The pipeline catches the `BudgetExceededError`, stops, and keeps what was done. Its own module because the
engines (`common.py`) count with it and the cost estimate (`hybrid.py`) reads the engines' prompts and image
sizes: neither of those modules imports the other for it.
"""

from __future__ import annotations

import threading

from ....errors import BudgetExceededError


class RequestBudget:
    """A thread-safe counter of model requests; `take()` refuses the one past the limit."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                raise BudgetExceededError(
                    f"request budget of {self.limit} reached",
                    hint="raise --max-requests / vlm_max_requests; frames already read are kept",
                )
            self.used += 1

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)
