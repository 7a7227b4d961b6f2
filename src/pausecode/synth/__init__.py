"""Synthetic tutorial screen recordings with exact truth, for tests, the demo and the benchmark.

from pausecode.synth import generate, CASES
folder = generate("short_dark_py", "/tmp/synth")   # -> /tmp/synth/short_dark_py/{video.mp4,truth.json}
"""

from __future__ import annotations

from .generate import generate, plan
from .layout import Layout
from .scenarios import CASES
from .script import CaseSpec

__all__ = ["CASES", "CaseSpec", "Layout", "generate", "plan"]
