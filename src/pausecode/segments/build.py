"""Screen states with their readings → segments: merge runs of the same content, repair, label.

Consecutive states that read the same are one segment; a state whose reading differs only by OCR noise from
both neighbours inside a run of the same code is outvoted (line-level vote) so one bad frame cannot spoil it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from rapidfuzz.distance import Levenshtein

from ..models import Segment
from ..recognize.base import Recognition
from ..recognize.check import normalised as _norm
from .language import code_complete, detect_language
from .repair import build_forms, repair_code, vocabulary


@dataclass
class TimedReading:
    start: float
    end: float
    rec: Recognition


def distrust_failed_checks(readings: list[TimedReading]) -> list[TimedReading]:
    """A failed check condemns what it checked: when a fresh whole-frame reading contradicted the incremental
    one, every reading since the last whole-frame reading stood on the same layout and text, so none of them is
    surer than the check's own result. Readings sorted by start; a new list, the inputs untouched."""
    out = list(readings)
    for i, r in enumerate(readings):
        since = r.rec.failed_check_since
        if since is None:
            continue
        for j in range(i - 1, -1, -1):
            e = out[j]
            if e.start < since:
                break
            if e.rec.segment_type != "learning" and e.rec.confidence > r.rec.confidence:
                out[j] = TimedReading(e.start, e.end, replace(e.rec, confidence=r.rec.confidence))
    return out


def _kind(rec: Recognition) -> str:
    return "learning" if rec.segment_type == "learning" else rec.segment_type


def vote_flicker(readings: list[TimedReading], max_dist: int = 3) -> None:
    """A short reading sandwiched between two identical ones, differing by a few characters, is OCR noise."""
    for i in range(1, len(readings) - 1):
        a, b, c = readings[i - 1].rec, readings[i].rec, readings[i + 1].rec
        if _kind(a) != "learning" and _kind(a) == _kind(b) == _kind(c):
            ca, cb, cc = _norm(a.code_content), _norm(b.code_content), _norm(c.code_content)
            if ca == cc and cb != ca and Levenshtein.distance(ca, cb) <= max_dist:
                readings[i].rec = a


def build_segments(readings: list[TimedReading], min_code_length: int = 0) -> list[Segment]:
    readings = [r for r in readings if r.end > r.start]
    vote_flicker(readings)
    texts = [r.rec.code_content or "" for r in readings if _kind(r.rec) != "learning"]
    forms = build_forms(texts)
    vocab = vocabulary(list(dict.fromkeys(texts)), underscored_only=False)
    segs: list[Segment] = []
    topics: list[str | None] = []
    for r in readings:
        rec = r.rec
        kind = _kind(rec)
        code = _norm(rec.code_content) if kind != "learning" else None
        if code is not None and len(code.strip()) < min_code_length:
            kind, code = "learning", None
        topic = rec.learning_topic if kind != "code" else None
        if segs and segs[-1].segment_type == kind and (
            (kind == "learning" and (topic is None or topics[-1] is None or topic == topics[-1]))
            or (kind != "learning" and segs[-1].code_content == code)
        ):
            last = segs[-1]
            last.end = max(last.end, r.end)
            last.confidence = max(last.confidence, rec.confidence)
            if topics[-1] is None and topic:
                topics[-1] = last.learning_topic = topic
            if last.file_name is None and rec.file_name:
                last.file_name = rec.file_name
            continue
        if segs and segs[-1].end < r.start:
            segs[-1].end = r.start  # intervals tile the timeline
        segs.append(Segment(start=r.start, end=r.end, segment_type=kind, code_content=code, learning_topic=topic,
                            confidence=rec.confidence, file_name=rec.file_name))
        topics.append(topic)
    # file name: carry within a run of code segments when a frame missed the tab
    for i in range(1, len(segs)):
        if segs[i].segment_type != "learning" and not segs[i].file_name and segs[i - 1].segment_type != "learning":
            segs[i].file_name = segs[i - 1].file_name
    _label(segs, forms, vocab)
    return segs


def _label(segs: list[Segment], forms: dict[str, str], vocab: Counter[str]) -> None:
    by_file: dict[str | None, Counter[str]] = {}
    for s in segs:
        if s.segment_type == "learning" or s.code_content is None:
            continue
        lang = detect_language(s.code_content, s.file_name)
        by_file.setdefault(s.file_name, Counter())[lang or ""] += 1
        s.language = lang
    overall: Counter[str] = sum(by_file.values(), Counter())
    video_lang = max(((k, v) for k, v in overall.items() if k), key=lambda kv: kv[1], default=(None, 0))[0]
    for s in segs:  # one language per file (short states read too little to tell)
        if s.segment_type == "learning" or s.code_content is None:
            continue
        votes = by_file.get(s.file_name)
        if votes:
            best = max(((k, v) for k, v in votes.items() if k), key=lambda kv: kv[1], default=(None, 0))[0]
            s.language = best or s.language
        # an editor too empty to tell (and with no file name) is in the video's language
        s.language = s.language or video_lang
        s.code_content = repair_code(s.code_content, s.language, forms, vocab)
        s.code_complete = code_complete(s.code_content, s.language)
