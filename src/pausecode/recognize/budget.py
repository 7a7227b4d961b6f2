"""Spending limits and cost estimates for the remote engines.

`RequestBudget` stops a run before it sends more requests than allowed (`vlm_max_requests`); the pipeline
catches `BudgetExceededError`, stops, and keeps what was done. `estimate_cost` / `dry_run_report` answer
"what would this video cost?" without sending anything (`pausecode process --dry-run`).
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from ..errors import BudgetExceededError

if TYPE_CHECKING:
    from ..models import VideoInfo
    from ..settings import Settings

REMOTE_ENGINES = ("gemini", "openai", "hybrid")


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


# ------------------------------------------------------------------------------------------ token rules
def gemini_image_tokens(width: int, height: int) -> int:
    """Gemini 2.x rule: both sides <= 384 px is one 258-token image; larger ones are cut into 768 px
    tiles of 258 tokens each. (Gemini 3 models budget images by `media_resolution` instead.)"""
    if width <= 384 and height <= 384:
        return 258
    return math.ceil(width / 768) * math.ceil(height / 768) * 258


def openai_image_tokens(width: int, height: int, detail: str = "high") -> int:
    """OpenAI tile rule (GPT-4o family, detail=high): fit in 2048x2048, shrink the short side to 768,
    then 85 + 170 per 512 px tile. Low detail is a flat 85. Some models multiply this (see docs)."""
    if detail == "low":
        return 85
    w, h = float(width), float(height)
    if max(w, h) > 2048:
        s = 2048 / max(w, h)
        w, h = w * s, h * s
    if min(w, h) > 768:
        s = 768 / min(w, h)
        w, h = w * s, h * s
    return 85 + 170 * math.ceil(w / 512) * math.ceil(h / 512)


def _text_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)  # ~4 characters per token for English prose


def estimate_cost(n_frames: int, width: int, height: int, engine_name: str, settings: Settings) -> dict[str, Any]:
    """Requests and approximate input tokens for sending `n_frames` key frames of this size.

    An upper bound: frames already in the response cache are free, and hybrid mode sends only code frames.
    """
    from .vlm_common import MAX_LONG_SIDE, SYSTEM_PROMPT, USER_PROMPT, sent_size

    out: dict[str, Any] = {"engine": engine_name, "key_frames": int(n_frames)}
    if engine_name not in REMOTE_ENGINES:
        out.update(requests=0, image_tokens=0, input_tokens=0, note="offline engine: no requests")
        return out
    sw, sh = sent_size(int(width), int(height), MAX_LONG_SIDE) if width and height else (0, 0)
    if engine_name == "openai":
        model = settings.openai_model
        per_image = openai_image_tokens(sw, sh) if sw else 0
    else:
        model = settings.gemini_model
        per_image = gemini_image_tokens(sw, sh) if sw else 0
    requests = int(n_frames)
    limit = settings.vlm_max_requests
    capped = limit is not None and requests > limit
    if capped:
        requests = int(limit)  # type: ignore[arg-type]
    prompt = _text_tokens(SYSTEM_PROMPT) + _text_tokens(USER_PROMPT)
    out.update(
        model=model,
        requests=requests,
        stopped_by_budget=capped,
        sent_width=sw,
        sent_height=sh,
        image_tokens_per_request=per_image,
        image_tokens=per_image * requests,
        prompt_tokens_per_request=prompt,
        input_tokens=(per_image + prompt) * requests,
        max_output_tokens=settings.vlm_max_output_tokens * requests,
        note="upper bound: cached frames cost nothing"
        + ("; hybrid sends only frames OCR marks as code" if engine_name == "hybrid" else ""),
    )
    return out


def _count(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, int):
        return v
    return len(v)


def dry_run_report(info: VideoInfo, settings: Settings) -> dict[str, Any]:
    """What `process --dry-run` prints: the change detector's key frames, and what sending them would cost."""
    from ..pipeline import plan_key_frames

    plan = plan_key_frames(info, settings)
    n = _count(plan.get("key_frames"))
    width = int(plan.get("width") or info.width or 0)
    height = int(plan.get("height") or info.height or 0)
    report: dict[str, Any] = {
        "video_id": info.video_id,
        "duration": round(info.duration, 3),
        "states": _count(plan.get("states")),
    }
    report.update(estimate_cost(n, width, height, settings.engine, settings))
    minutes = info.duration / 60 if info.duration else 0.0
    report["requests_per_minute"] = round(report["requests"] / minutes, 2) if minutes else None
    return report
