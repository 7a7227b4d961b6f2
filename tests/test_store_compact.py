"""The compact segment store: exact round trips, deduplicated and compressed code, databases written by the
previous schema (one `segments` row per segment) still read, and no free pages kept after a replace."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

import pytest
from db_backends import database_url  # noqa: F401

from pausecode.errors import StoreError
from pausecode.models import ProcessingStats, Segment, VideoInfo, VideoResult
from pausecode.store import segcodec
from pausecode.store.db import SegmentsRow, Store


def _info(vid: str, duration: float = 10.0) -> VideoInfo:
    return VideoInfo(video_id=vid, path=f"/tmp/{vid}.mp4", source=f"https://example.com/{vid}", title="T ü",
                     duration=duration, width=1280, height=720, fps=30.0, subtitles={"en": "/tmp/en.vtt"})


def _tricky_segments() -> list[Segment]:
    return [
        Segment(0.0, 17.766666666666666, "learning", learning_topic="Intro — ünïcode ✓", confidence=0.9833333333333333),
        Segment(17.766666666666666, 18.1, "code", code_content="", confidence=0.5, language=None, file_name="a.py"),
        Segment(18.1, 19.2, "code", code_content="x = 1\n", confidence=0.91, language="python",
                code_complete=True, file_name="a.py"),
        Segment(19.2, 20.0, "mixed", code_content="x = 1\n", confidence=0.7, code_complete=False),
        Segment(20.0, 21.5, "code", code_content=None, confidence=0.0),
        Segment(21.5, 23, "code", code_content="s = '```' \\ \"q\"\t\u00e9\u4e2d\U0001f600 \x00\r\n", confidence=1,
                language="python", code_complete=None, file_name=None),
        Segment(23.0, 24.0, "learning", learning_topic=None),
        Segment(24.0, 1e-300 + 25.0, "code", code_content="x = 1\n", confidence=0.1 + 0.2, file_name="b.py"),
    ]


def _url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def test_round_trip_is_exact(database_url):  # noqa: F811 - SQLite and PostgreSQL
    store = Store(database_url)
    segs = _tricky_segments()
    res = VideoResult(_info("vidA"), segs, ProcessingStats(engine="test", states=3, processing_time=1.25))
    store.save_result(res)
    loaded = store.load_result("vidA")
    assert loaded.segments == segs  # dataclass equality: every field, floats bit for bit
    for a, b in zip(loaded.segments, segs, strict=True):
        assert type(a.start) is float and type(a.end) is float and type(a.confidence) is float
        assert a.code_content == b.code_content and (a.code_content is None) == (b.code_content is None)
    assert loaded.video == res.video and loaded.stats == res.stats and loaded.cached is True
    assert [v["segments"] for v in store.list_videos()] == [len(segs)]


def test_code_texts_are_stored_once_and_compressed(tmp_path):
    base = "".join(f"line_{i} = compute({i}, 'value')\n" for i in range(60))  # ~2 KB
    segs = [Segment(float(i), float(i + 1), "code", code_content=base + "x" * (i // 3), confidence=0.9)
            for i in range(300)]
    raw = sum(len(s.code_content) for s in segs)
    store = Store(_url(tmp_path / "s.db"))
    store.save_result(VideoResult(_info("vidB", 300.0), segs, ProcessingStats()))
    with store.session() as s:
        row = s.get(SegmentsRow, "vidB")
        assert row is not None and row.segment_count == 300
        stored = len(row.data)
    assert raw > 500_000 and stored < 5_000, (raw, stored)
    assert store.load_result("vidB").segments == segs


@pytest.mark.parametrize("bad", [
    {"segment_type": "slides"}, {"start": None}, {"confidence": float("nan")}, {"code_content": 12},
])
def test_invalid_segments_are_refused(bad):
    seg = Segment(0.0, 1.0, "code", code_content="a")
    for k, v in bad.items():
        setattr(seg, k, v)
    with pytest.raises(StoreError):
        segcodec.encode([seg])


def test_damaged_or_unknown_records_are_errors():
    data = segcodec.encode(_tricky_segments())
    assert segcodec.decode(segcodec.CODEC, data) == _tricky_segments()
    with pytest.raises(StoreError, match="damaged"):
        segcodec.decode(segcodec.CODEC, data[:-9] + bytes(9))
    with pytest.raises(StoreError, match="codec"):
        segcodec.decode(segcodec.CODEC + 1, data)


# ---------------------------------------------------------------------------------------------- old schema

# The DDL the previous version created (copied from a data folder it wrote), with one row per segment.
OLD_SCHEMA = """
CREATE TABLE videos (
	video_id VARCHAR(64) NOT NULL,
	status VARCHAR(16) NOT NULL,
	info JSON NOT NULL,
	stats JSON NOT NULL,
	error TEXT,
	created_at FLOAT NOT NULL,
	updated_at FLOAT NOT NULL,
	PRIMARY KEY (video_id)
);
CREATE TABLE segments (
	video_id VARCHAR(64) NOT NULL,
	idx INTEGER NOT NULL,
	start FLOAT NOT NULL,
	"end" FLOAT NOT NULL,
	segment_type VARCHAR(16) NOT NULL,
	code_content TEXT,
	learning_topic TEXT,
	confidence FLOAT NOT NULL,
	language VARCHAR(32),
	code_complete BOOLEAN,
	file_name VARCHAR(255),
	PRIMARY KEY (video_id, idx),
	FOREIGN KEY(video_id) REFERENCES videos (video_id) ON DELETE CASCADE
);
"""


def _old_db(path: Path, videos: dict[str, tuple[str, list[Segment]]]) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(OLD_SCHEMA)
    for vid, (status, segs) in videos.items():
        con.execute("INSERT INTO videos VALUES (?,?,?,?,?,?,?)",
                    (vid, status, json.dumps(_info(vid).to_dict()), json.dumps(ProcessingStats(engine="old").to_dict()),
                     None, 1.0, 2.0 if vid == "old1" else 1.5))
        con.executemany("INSERT INTO segments VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
            (vid, i, s.start, s.end, s.segment_type, s.code_content, s.learning_topic, s.confidence, s.language,
             s.code_complete, s.file_name) for i, s in enumerate(segs)])
    con.commit()
    con.close()


def test_database_of_the_previous_schema_still_loads(tmp_path):
    path = tmp_path / "old.db"
    segs = [s for s in _tricky_segments() if "\x00" not in (s.code_content or "")]
    _old_db(path, {"old1": ("complete", segs), "old2": ("processing", segs[:2])})
    store = Store(_url(path))
    assert store.has_result("old1") and not store.has_result("old2")
    loaded = store.load_result("old1")
    assert loaded.segments == segs
    assert loaded.video == _info("old1") and loaded.stats.engine == "old"
    assert {v["video_id"]: v["segments"] for v in store.list_videos()} == {"old1": len(segs), "old2": 2}

    # saving again (a forced re-process) moves the video to the compact form and drops its old rows
    new = VideoResult(_info("old1"), segs[:3], ProcessingStats(engine="new"))
    store.save_result(new)
    assert store.load_result("old1").segments == segs[:3]
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM segments WHERE video_id='old1'").fetchone() == (0,)
    con.close()
    assert {v["video_id"]: v["segments"] for v in store.list_videos()} == {"old1": 3, "old2": 2}
    assert store.delete_video("old2") and not store.delete_video("old2")
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM segments").fetchone() == (0,)
    con.close()


# ---------------------------------------------------------------------------------------------- free pages


def _db_files_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def test_replacing_a_result_leaves_no_free_pages(tmp_path):
    path = tmp_path / "v.db"
    store = Store(_url(path))
    rng = random.Random(1)
    noise = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 \n") for _ in range(4000)) for _ in range(60)]
    big = [Segment(float(i), i + 1.0, "code", code_content=t) for i, t in enumerate(noise)]  # ~240 KB, incompressible
    store.save_result(VideoResult(_info("v"), big, ProcessingStats()))
    store.save_result(VideoResult(_info("w"), big[:2], ProcessingStats()))
    store.engine.dispose()  # checkpoint the WAL into the file
    full = _db_files_size(path)
    assert full > 150_000, full
    store.save_result(VideoResult(_info("v"), big[:1], ProcessingStats()))  # a forced re-process, smaller result
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert con.execute("PRAGMA page_size").fetchone() == (1024,)
    con.close()
    store.engine.dispose()
    after = _db_files_size(path)
    assert after < 40_000 and os.listdir(tmp_path) == ["v.db"], (after, os.listdir(tmp_path))
    assert store.delete_video("w")
    store.engine.dispose()
    assert _db_files_size(path) < after
    assert store.load_result("v").segments == big[:1]
