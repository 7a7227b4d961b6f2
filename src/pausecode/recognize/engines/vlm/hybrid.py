"""Spending little on the remote engines: cost estimates and the hybrid engine.

`estimate_cost` / `dry_run_report` answer "what would this video cost?" without sending anything (`pausecode
process --dry-run`). `HybridEngine` (`--engine hybrid`) sends only code frames, cropped to the code pane. The
counter that stops a run at `vlm_max_requests` is `request_budget.RequestBudget`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ...base import FrameContext, Recognition, RecognitionEngine, RowRead, TextLine, engine_class, register_engine
from .common import MAX_LONG_SIDE, SYSTEM_PROMPT, USER_PROMPT, env_key, sent_size

if TYPE_CHECKING:
    from ....models import VideoInfo
    from ....settings import Settings

REMOTE_ENGINES = ("gemini", "openai", "hybrid")


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
    from ....pipeline import plan_key_frames

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
    if plan.get("interval_samples") is not None:  # what sampling every frame_interval would send instead
        report["requests_fixed_interval"] = int(plan["interval_samples"])
    return report


# ------------------------------------------------------------------------------------------ hybrid mode
def _vlm_lines(code: str | None, ocr: Recognition) -> list[TextLine]:
    """Put the model's lines on OCR's grid rows when they line up one to one (blank rows included), so the
    pipeline can still derive the typing states between reads from pixels. Otherwise: no grid."""
    if not code or ocr.layout is None or not ocr.lines or any(ln.row is None for ln in ocr.lines):
        return []
    rows = sorted(ln.row for ln in ocr.lines if ln.row is not None)
    first = rows[0]
    texts = code.split("\n")
    if len(texts) != rows[-1] - first + 1 or any(not texts[r - first].strip() for r in rows):
        return []
    return [TextLine(text=t, top=ocr.layout.row_top(first + i), confidence=1.0, row=first + i)
            for i, t in enumerate(texts) if t.strip()]


@register_engine
class HybridEngine(RecognitionEngine):
    """Spend requests only where OCR cannot do the job: OCR decides code vs learning and where the code pane
    is; the vision model reads only that pane, and only on code frames. Learning frames cost nothing."""

    name = "hybrid"
    description = "Offline OCR classifies; a vision model (hybrid_vlm: gemini|openai) reads code frames only."
    offline = False
    ocr_name = "rapidocr"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        vlm = getattr(settings, "hybrid_vlm", None) or (
            "gemini" if env_key("GEMINI_API_KEY", "GOOGLE_API_KEY") else "openai")
        self.ocr = engine_class(self.ocr_name)(settings)
        self.vlm = engine_class(vlm)(settings)

    def check(self) -> None:
        self.ocr.check()
        self.vlm.check()

    @property
    def rows_read(self) -> int:
        return self.ocr.rows_read

    @property
    def checks(self) -> int:
        return self.ocr.checks

    @property
    def checks_disagreed(self) -> int:
        return self.ocr.checks_disagreed

    @property
    def stats(self) -> dict[str, int]:
        return getattr(self.vlm, "stats", {})

    def read_rows(self, rows: list[np.ndarray]) -> list[RowRead]:
        return self.ocr.read_rows(rows)

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        o = self.ocr.recognize(frame, context)
        if o.segment_type == "learning":
            return o
        crop = frame
        if o.layout is not None:
            x1, y1, x2, y2 = o.layout.pane
            m = int(2 * o.layout.pitch)  # a little context around the pane: first/last rows, indentation
            h, w = frame.shape[:2]
            crop = frame[max(0, y1 - m):min(h, y2 + m), max(0, x1 - m):min(w, x2 + m)]
            if crop.size == 0:
                crop = frame
        v = self.vlm.recognize(crop, FrameContext(t=context.t, video_id=context.video_id))
        lines = _vlm_lines(v.code_content, o)
        return Recognition(
            segment_type=o.segment_type if v.segment_type == "learning" else (
                "mixed" if "mixed" in (o.segment_type, v.segment_type) else "code"),
            confidence=v.confidence,
            code_content=v.code_content if v.code_content is not None else o.code_content,
            language=v.language,
            code_complete=v.code_complete,
            learning_topic=o.learning_topic or v.learning_topic,
            file_name=o.file_name or v.file_name,
            ide=v.ide,
            explanation_text=v.explanation_text,
            lines=lines,
            layout=o.layout if lines else None,
        )

    def close(self) -> None:
        self.ocr.close()
        self.vlm.close()
