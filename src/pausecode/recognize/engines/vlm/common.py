"""What every vision-language engine shares: prompt, JSON contract, image prep, cache, retries, budget.

Engines (Gemini, OpenAI-compatible) only say how to send one JPEG and how to read the SDK's errors; the
spending rules (downscale, never send the same image twice, stop at the budget) and the robustness rules
(backoff honouring Retry-After, one retry for malformed output, fail fast on a bad key) live here once, so
both engines behave the same and are tested the same way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import re
import threading
import time
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

import cv2
import numpy as np

from ....errors import BudgetExceededError, EngineAuthError, EngineError, FrameRecognitionError
from ....store.cache import LayeredCache
from ...base import FrameContext, Recognition, RecognitionEngine
from .request_budget import RequestBudget

log = logging.getLogger(__name__)

PROMPT_VERSION = "v1"  # bump when the prompt or schema changes: old cache entries stop matching
MAX_LONG_SIDE = 1280  # 1080p code stays legible at 1280 px and costs ~half the image tokens
JPEG_QUALITY = 85

SYSTEM_PROMPT = """\
You read one paused frame of a programming tutorial video and report what is on screen.
Return only one JSON object with these fields:
- segment_type: "code" when source code (editor, notebook, terminal) fills the screen; "learning" for slides,
  a talking head, diagrams or a browser without code; "mixed" when code and explanatory material share the screen.
- code_content: the code exactly as shown, character for character, one output line per screen line. Keep the
  indentation (spaces), blank lines, symbols and typos. Do not complete, fix, reformat or add anything. Leave out
  line numbers, the gutter, editor tabs, menus and the minimap. Null when no code is visible.
- language: lowercase language name (python, javascript, ...) or null.
- ide: the editor or tool if recognisable (vscode, pycharm, jupyter, vim, terminal, ...) or null.
- file_name: the active file or tab name if visible, else null.
- code_complete: true if the visible code looks syntactically finished, false if it is cut off or mid-typing,
  null when there is no code.
- learning_topic: a short phrase naming what is being taught, or null.
- explanation_text: visible explanatory text that is not code (slide text, captions), or null.
- confidence: 0 to 1, how sure you are that code_content is exact."""

USER_PROMPT = "Read this frame. Answer with the JSON object only."

# (name, JSON type) in the order the model should write them: the type first, confidence last.
FIELDS: list[tuple[str, str]] = [
    ("segment_type", "string"),
    ("language", "string"),
    ("ide", "string"),
    ("file_name", "string"),
    ("code_content", "string"),
    ("code_complete", "boolean"),
    ("learning_topic", "string"),
    ("explanation_text", "string"),
    ("confidence", "number"),
]
NON_NULL = {"segment_type", "confidence"}
SEGMENT_TYPES = ("code", "learning", "mixed")


def json_schema() -> dict[str, Any]:
    """Standard JSON Schema (OpenAI strict structured outputs: every field required, nulls via type lists)."""
    props: dict[str, Any] = {}
    for name, typ in FIELDS:
        props[name] = {"type": typ if name in NON_NULL else [typ, "null"]}
    props["segment_type"]["enum"] = list(SEGMENT_TYPES)
    return {
        "type": "object",
        "properties": props,
        "required": [n for n, _ in FIELDS],
        "additionalProperties": False,
    }


def gemini_schema() -> dict[str, Any]:
    """The same contract in Gemini's OpenAPI-subset schema (nullable flags, explicit property order)."""
    props: dict[str, Any] = {}
    for name, typ in FIELDS:
        p: dict[str, Any] = {"type": typ.upper()}
        if name not in NON_NULL:
            p["nullable"] = True
        props[name] = p
    props["segment_type"]["enum"] = list(SEGMENT_TYPES)
    return {
        "type": "OBJECT",
        "properties": props,
        "required": ["segment_type", "code_content", "confidence"],
        "property_ordering": [n for n, _ in FIELDS],
    }


# ----------------------------------------------------------------------------------------------- images
def sent_size(width: int, height: int, max_long_side: int = MAX_LONG_SIDE) -> tuple[int, int]:
    """Size of the image actually sent for a frame of this size (never upscaled; used by the estimate too)."""
    scale = min(1.0, max_long_side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def downscale(frame: np.ndarray, max_long_side: int = MAX_LONG_SIDE) -> np.ndarray:
    h, w = frame.shape[:2]
    size = sent_size(w, h, max_long_side)
    return frame if size == (w, h) else cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def encode_jpeg(frame: np.ndarray, max_long_side: int = MAX_LONG_SIDE) -> bytes:
    ok, buf = cv2.imencode(".jpg", downscale(frame, max_long_side), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise FrameRecognitionError("could not encode the frame as JPEG")
    return buf.tobytes()


def frame_hash(frame: np.ndarray) -> str:
    """A perceptual key for "the same image": a 512 px grey thumbnail quantised to 16 levels, hashed.

    Much finer than a 64-bit pHash on purpose: two typing states differ by one character, and a coarse hash
    would hand back the previous state's code. Quantising absorbs re-encoding noise; identical decodes
    (the same video processed again) always match.
    """
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    small = downscale(grey, 512)
    q = (small >> 4).astype(np.uint8)
    h = hashlib.blake2b(q.tobytes(), digest_size=16)
    h.update(f"{q.shape[0]}x{q.shape[1]}".encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------- parsing
class MalformedOutput(ValueError):
    """The model answered, but not with a usable JSON object (or it was cut off)."""


_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```\s*$", re.DOTALL)


def parse_model_json(text: str | None, truncated: bool = False) -> dict[str, Any]:
    """Tolerant parse: strips ``` fences, finds the first JSON object in chatter; rejects truncation."""
    if truncated:
        raise MalformedOutput("the model's answer was cut off (max output tokens)")
    if not text or not text.strip():
        raise MalformedOutput("empty answer")
    body = text.strip()
    m = _FENCE.match(body)
    if m:
        body = m.group(1).strip()
    try:
        data = json.loads(body)
    except ValueError:
        start = body.find("{")
        if start < 0:
            raise MalformedOutput("no JSON object in the answer") from None
        try:
            data, _ = json.JSONDecoder().raw_decode(body[start:])
        except ValueError as e:
            raise MalformedOutput(f"invalid JSON: {e.msg}") from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise MalformedOutput("the answer is not a JSON object")
    if "segment_type" not in data:
        raise MalformedOutput("the answer has no segment_type")
    return normalize(data)


def _opt_str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _clean_code(v: Any) -> str | None:
    """Keep indentation exactly; drop only invisible trailing spaces and blank lines around the block."""
    if v is None:
        return None
    if isinstance(v, list):  # some local models answer with a list of lines
        v = "\n".join(str(x) for x in v)
    lines = [ln.rstrip() for ln in str(v).replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) or None


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Coerce a model's JSON into the contract's types (the dict that is cached)."""
    code = _clean_code(data.get("code_content"))
    st = str(data.get("segment_type") or "").strip().lower()
    if st not in SEGMENT_TYPES:
        st = "code" if code else "learning"
    try:
        conf = float(data.get("confidence", 0.5))
    except (TypeError, ValueError):
        conf = 0.5
    conf = 0.5 if math.isnan(conf) else min(1.0, max(0.0, conf))
    cc = data.get("code_complete")
    if isinstance(cc, str):
        cc = {"true": True, "false": False}.get(cc.strip().lower())
    lang = _opt_str(data.get("language"))
    return {
        "segment_type": st,
        "confidence": conf,
        "code_content": code if st != "learning" else None,
        "language": lang.lower() if lang else None,
        "code_complete": cc if isinstance(cc, bool) and code else None,
        "learning_topic": _opt_str(data.get("learning_topic")),
        "file_name": _opt_str(data.get("file_name")),
        "ide": _opt_str(data.get("ide")),
        "explanation_text": _opt_str(data.get("explanation_text")),
    }


def to_recognition(data: dict[str, Any]) -> Recognition:
    """Cached dicts go through `normalize` again so an old cache entry can never break the contract."""
    return Recognition(**normalize(data))


# ----------------------------------------------------------------------------------------------- secrets
_KEY_PATTERNS = [re.compile(r"sk-[A-Za-z0-9_\-*]{6,}"), re.compile(r"AIza[0-9A-Za-z_\-]{10,}")]


def redact(text: str, *secrets: str | None) -> str:
    """Remove keys (exact and key-shaped) from any message we log or raise."""
    for s in secrets:
        if s and len(s) >= 4:
            text = text.replace(s, "***")
    for p in _KEY_PATTERNS:
        text = p.sub("***", text)
    return text


def env_key(*names: str) -> str | None:
    for n in names:
        v = os.environ.get(n, "").strip()
        if v:
            return v
    return None


# ----------------------------------------------------------------------------------------------- retries
@dataclass
class Failure:
    """How an engine classifies an SDK error: give up (auth/fatal) or retry (after retry_after if known)."""

    kind: Literal["auth", "stop", "retry", "fatal"]  # stop: quota gone, end the run like a spent budget
    message: str
    retry_after: float | None = None


def parse_retry_after(headers: Any) -> float | None:
    """Retry-After (seconds or HTTP date) or OpenAI's retry-after-ms, from any mapping of headers."""
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
        ra = headers.get("retry-after")
    except (AttributeError, TypeError, ValueError):
        return None
    if ra is None:
        return None
    try:
        return max(0.0, float(ra))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(ra).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def is_transport_error(exc: BaseException) -> bool:
    """Timeouts, refused or dropped connections from httpx or its fork httpx2 (the SDKs use either)."""
    for mod in ("httpx", "httpx2"):
        try:
            m = __import__(mod)
        except ImportError:
            continue
        if isinstance(exc, m.TransportError):
            return True
    return isinstance(exc, (TimeoutError, ConnectionError))


T = TypeVar("T")


class VLMEngine(RecognitionEngine):
    """Template for remote vision-language engines. Thread-safe: many frames may be in flight at once."""

    offline: ClassVar[bool] = False
    max_long_side: ClassVar[int] = MAX_LONG_SIDE
    backoff_base: float = 1.0  # seconds; first retry waits ~base, doubling, full jitter
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0  # never sleep longer than this for one Retry-After
    auth_hint: ClassVar[str] = "check the API key in the environment"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.budget = RequestBudget(settings.vlm_max_requests)
        self._sem = threading.BoundedSemaphore(settings.vlm_concurrency)
        self._lock = threading.Lock()
        self.client_lock = threading.Lock()  # the SDK client is built once, lazily, by exactly one thread
        self.cache = LayeredCache(getattr(settings, "db_url", None))
        self.sleep: Callable[[float], None] = time.sleep  # tests may swap in a recorder
        self.stats = {"requests": 0, "cache_hits": 0, "retries": 0, "malformed": 0, "failed": 0,
                      "input_tokens": 0, "output_tokens": 0}
        self.backoff_base = float(getattr(settings, "vlm_backoff_base", self.backoff_base))

    # -- what an engine provides
    @property
    @abstractmethod
    def model_id(self) -> str:
        """Model identity used in the cache key (model name, plus server for self-hosted ones)."""

    _key: str | None = None
    _client: Any = None

    def _secrets(self) -> tuple[str | None, ...]:
        """Keys to scrub from every message."""
        return (self._key,)

    @property
    def client(self) -> Any:
        """The SDK client, built once on first use."""
        with self.client_lock:
            return self._client or self._make_client()

    @abstractmethod
    def _make_client(self) -> Any:
        """Build the SDK client (caller holds client_lock)."""

    def close(self) -> None:
        """Close the SDK client, best effort."""
        if self._client is not None:
            try:
                self._client.close()
            except Exception as e:  # noqa: BLE001 - closing is best effort
                log.debug("closing the %s client failed: %s", self.name, type(e).__name__)
            self._client = None

    @abstractmethod
    def _classify(self, exc: Exception) -> Failure | None:
        """Map an SDK exception to a Failure; None means 'not an API error' (re-raised as is)."""

    @abstractmethod
    def _ping(self) -> None:
        """One cheap authenticated call (list/get models) that raises the SDK's error on a bad key."""

    @abstractmethod
    def _generate(self, jpeg: bytes) -> tuple[str | None, bool, dict[str, int]]:
        """Send one image; return (text, truncated, usage). SDK errors propagate for `_classify`."""

    # -- shared behaviour
    def check(self) -> None:
        """Fail fast on a missing or invalid key or an unreachable server, before any frame is read."""
        self._call(self._ping, retries=min(2, self.settings.vlm_max_retries),
                   give_up=lambda m: EngineError(f"{self.name} engine check failed: {m}"))

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        key = self.cache_key(frame)
        data = self.cache.get(key)
        if data is not None:
            self._bump(cache_hits=1)
            return to_recognition(data)
        jpeg = encode_jpeg(frame, self.max_long_side)
        problem: MalformedOutput | None = None
        for _attempt in range(2):  # malformed or truncated output gets exactly one more try
            self.budget.take()
            try:
                with self._sem:
                    text, truncated, usage = self._call(
                        lambda: self._generate(jpeg), retries=self.settings.vlm_max_retries,
                        give_up=lambda m: FrameRecognitionError(f"frame at {context.t:.2f}s failed: {m}"))
            except FrameRecognitionError:
                self._bump(failed=1)
                raise
            self._bump(requests=1, input_tokens=usage.get("input", 0), output_tokens=usage.get("output", 0))
            try:
                data = parse_model_json(text, truncated)
                break
            except MalformedOutput as e:
                problem = e
                self._bump(malformed=1)
                log.info("%s: unusable answer for frame at %.2fs (%s)", self.name, context.t, e)
        else:
            self._bump(failed=1)
            raise FrameRecognitionError(f"frame at {context.t:.2f}s: unusable model output twice ({problem})")
        self.cache.put(key, data, engine=self.name, model=self.model_id, prompt_version=PROMPT_VERSION)
        return to_recognition(data)

    def _bump(self, **counts: int) -> None:
        with self._lock:
            for k, v in counts.items():
                self.stats[k] += v

    def _call(self, fn: Callable[[], T], retries: int, give_up: Callable[[str], Exception]) -> T:
        """Run `fn`; back off and retry transient failures; auth errors stop everything at once."""
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:
                f = self._classify(exc)
                if f is None:
                    raise
                msg = redact(f.message, *self._secrets())
            if f.kind == "auth":
                raise EngineAuthError(f"{self.name}: {msg}", hint=self.auth_hint) from None
            if f.kind == "stop":
                raise BudgetExceededError(f"{self.name}: {msg}") from None
            if f.kind == "fatal" or attempt >= retries:
                raise give_up(msg) from None
            wait = self._backoff(attempt, f.retry_after)
            log.info("%s: %s; retry %d/%d in %.2fs", self.name, msg, attempt + 1, retries, wait)
            self._bump(retries=1)
            self.sleep(wait)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    def cache_key(self, frame: np.ndarray) -> str:
        """Same picture + same engine, model and prompt = same answer; anything else is a new request."""
        raw = f"{frame_hash(frame)}|{self.name}|{self.model_id}|{PROMPT_VERSION}|{self.max_long_side}"
        return hashlib.sha256(raw.encode()).hexdigest()
