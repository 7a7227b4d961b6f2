"""STUB (to be replaced by the ingest work): local files only."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import FileMissingError
from ..models import VideoInfo


def open_source(source, settings, progress=None) -> VideoInfo:
    p = Path(source)
    if not p.is_file():
        raise FileMissingError(f"no such file: {source}")
    h = hashlib.sha256()
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    import av

    with av.open(str(p)) as c:
        s = c.streams.video[0]
        dur = float(c.duration / 1e6) if c.duration else 0.0
        return VideoInfo(video_id=h.hexdigest()[:16], path=str(p.resolve()), source=str(source), title=p.stem,
                         duration=dur, width=s.width, height=s.height, fps=float(s.average_rate or 0), platform="local")
