"""pausecode: pause a programming tutorial video and get the exact code on screen, offline."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import PausecodeError  # noqa: E402
from .models import Segment, VideoInfo, VideoResult  # noqa: E402
from .settings import Settings, load_settings  # noqa: E402


def __getattr__(name: str):  # lazy: importing pausecode must stay cheap (no OCR/video libs)
    if name == "PauseToCodeService":
        from .service import PauseToCodeService

        return PauseToCodeService
    raise AttributeError(name)


__all__ = ["PauseToCodeService", "PausecodeError", "Segment", "Settings", "VideoInfo", "VideoResult", "load_settings"]
