"""Test rig: a fake API server plus settings and environment that point the real engine at it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from .vlm_servers import GOOD_KEY, FakeAPI, FakeGemini, FakeOpenAI

KEY_ENV = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GOOGLE_GEMINI_BASE_URL",
           "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_API_VERSION")


def code_frame(text: str = "print('hello')", size: tuple[int, int] = (720, 1280)) -> np.ndarray:
    """A dark editor-like BGR frame with some text, distinct per `text`."""
    img = np.full((*size, 3), 30, np.uint8)
    for i, line in enumerate(text.splitlines() or [text]):
        cv2.putText(img, line, (40, 60 + 34 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (220, 220, 220), 2)
    return img


@dataclass
class Rig:
    name: str
    fake: FakeAPI
    settings: Any
    env: pytest.MonkeyPatch
    sleeps: list[float] = field(default_factory=list)

    def engine(self, real_sleep: bool = False, **overrides: Any):
        """A fresh engine instance (no check yet) with instant, recorded backoff."""
        from pausecode.recognize.base import engine_class

        eng = engine_class(self.name)(self.settings.model_copy(update=overrides))
        eng.backoff_base = 0.001

        def sleep(s: float) -> None:
            self.sleeps.append(s)
            if real_sleep:
                time.sleep(s)

        eng.sleep = sleep
        return eng

    def set_key(self, key: str | None) -> None:
        var = "GEMINI_API_KEY" if self.name == "gemini" else "OPENAI_API_KEY"
        if key is None:
            self.env.delenv(var, raising=False)
        else:
            self.env.setenv(var, key)

    @property
    def posts(self) -> int:
        return len(self.fake.generations)


def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEY_ENV:
        monkeypatch.delenv(var, raising=False)


def make_rig(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **fake_kw: Any) -> Iterator[Rig]:
    from pausecode.settings import Settings

    clean_env(monkeypatch)
    fake = FakeGemini(**fake_kw) if name == "gemini" else FakeOpenAI(**fake_kw)
    with fake:
        over: dict[str, Any] = {}
        if name == "gemini":
            monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.base_url)
            monkeypatch.setenv("GEMINI_API_KEY", GOOD_KEY)
        else:
            over["openai_base_url"] = fake.base_url
            monkeypatch.setenv("OPENAI_API_KEY", GOOD_KEY)
        settings = Settings(data_dir=tmp_path / "data", vlm_max_retries=3, vlm_timeout=10.0, **over)
        yield Rig(name, fake, settings, monkeypatch)
