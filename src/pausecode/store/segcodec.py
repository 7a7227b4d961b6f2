"""One video's segments as one compressed record: each distinct code text once, segments as columns.

A typing tutorial has a segment per pause between keystrokes, so hundreds of segments whose code texts differ
by a few characters. Stored row by row with the full text, a 5-minute video took ~250 KB; here the texts are
deduplicated and the whole record is LZMA-compressed (consecutive texts share almost everything, and LZMA's
window spans all of them), which gives ~4 KB for the same video.

The record is JSON (floats written with `repr`, so they read back bit for bit; strings ASCII-escaped, so any
text the pipeline produces round-trips) inside an `.xz` container (which carries a CRC: a damaged record is an
error, never wrong code). `decode(encode(segments)) == segments`.
"""

from __future__ import annotations

import json
import lzma
import math
from typing import Any

from ..errors import StoreError
from ..models import SEGMENT_TYPES, Segment

CODEC = 1  # bump when the layout changes; `decode` refuses codecs it does not know

_COLUMNS = ("start", "end", "segment_type", "learning_topic", "confidence", "language", "code_complete",
            "file_name")


def _float(value: Any, name: str, i: int) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StoreError(f"segment {i}: {name} must be a number, got {value!r}")
    return float(value)


def _text(value: Any, name: str, i: int) -> str | None:
    if value is not None and not isinstance(value, str):
        raise StoreError(f"segment {i}: {name} must be text or None, got {type(value).__name__}")
    return value


def encode(segments: list[Segment]) -> bytes:
    """The record for `segments`. Raises StoreError for a segment the database would have refused."""
    codes: list[str] = []
    code_ids: dict[str, int] = {}
    cols: dict[str, list[Any]] = {c: [] for c in ("code", *_COLUMNS)}
    for i, s in enumerate(segments):
        if s.segment_type not in SEGMENT_TYPES:
            raise StoreError(f"segment {i}: segment type must be one of {', '.join(SEGMENT_TYPES)}, "
                             f"got {s.segment_type!r}")
        code = _text(s.code_content, "code_content", i)
        if code is None:
            cols["code"].append(None)
        else:
            cid = code_ids.get(code)
            if cid is None:
                cid = code_ids[code] = len(codes)
                codes.append(code)
            cols["code"].append(cid)
        cols["start"].append(_float(s.start, "start", i))
        cols["end"].append(_float(s.end, "end", i))
        cols["segment_type"].append(s.segment_type)
        cols["learning_topic"].append(_text(s.learning_topic, "learning_topic", i))
        cols["confidence"].append(_float(s.confidence, "confidence", i))
        cols["language"].append(_text(s.language, "language", i))
        cols["code_complete"].append(None if s.code_complete is None else bool(s.code_complete))
        cols["file_name"].append(_text(s.file_name, "file_name", i))
    for name in ("start", "end", "confidence"):
        if any(math.isnan(v) for v in cols[name]):  # SQL has no NaN: the row store refused these too
            raise StoreError(f"segment {name} must be a number, got NaN")
    doc = {"n": len(segments), "codes": codes, **cols}
    return lzma.compress(json.dumps(doc, separators=(",", ":")).encode("ascii"))


def decode(codec: int, data: bytes) -> list[Segment]:
    if codec != CODEC:
        raise StoreError(f"stored segments use codec {codec}, this version reads codec {CODEC}",
                         hint="upgrade pausecode, or process the video again with --force")
    try:
        doc = json.loads(lzma.decompress(data))
        codes = doc["codes"]
        n = doc["n"]
        cols = [doc[c] for c in ("code", *_COLUMNS)]
        if any(len(c) != n for c in cols):
            raise ValueError("columns of different lengths")
    except (lzma.LZMAError, ValueError, KeyError, TypeError) as e:
        raise StoreError(f"stored segments are damaged: {e}") from e
    return [
        Segment(start=start, end=end, segment_type=st, code_content=None if cid is None else codes[cid],
                learning_topic=topic, confidence=conf, language=lang, code_complete=complete, file_name=fname)
        for cid, start, end, st, topic, conf, lang, complete, fname in zip(*cols, strict=True)
    ]
