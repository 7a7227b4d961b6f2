"""A no-op engine: every frame is a learning moment. For tests, dry runs and wiring checks."""

from __future__ import annotations

import numpy as np

from ..base import FrameContext, Recognition, RecognitionEngine, register_engine


@register_engine
class NullEngine(RecognitionEngine):
    name = "null"
    description = "Reads nothing: every frame is learning (for tests and dry runs)."

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        return Recognition(segment_type="learning", confidence=0.0, learning_topic=None)
