"""The only module that knows the stage order: frames → states → recognition → segments. (being written)"""

from __future__ import annotations

from collections.abc import Callable

from .models import ProcessingStats, Segment, VideoInfo
from .recognize.base import RecognitionEngine
from .settings import Settings

ProgressFn = Callable[[str, float, float], None]  # (stage, done, total); total 0 = unknown


def run_pipeline(info: VideoInfo, engine: RecognitionEngine, settings: Settings, progress: ProgressFn | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> tuple[list[Segment], ProcessingStats]:
    raise NotImplementedError
