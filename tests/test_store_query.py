"""Interval index, timestamp parsing, atomic saves in the store, and settings layering."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from db_backends import database_url  # noqa: F401
from sqlalchemy.exc import OperationalError

from pausecode.errors import ConfigError, ExitCode, InvalidTimestampError, StoreError, VideoNotFoundError
from pausecode.models import ProcessingStats, Segment, VideoInfo, VideoResult
from pausecode.query.index import IntervalIndex, parse_timestamp
from pausecode.settings import Settings, load_settings
from pausecode.store import db as db_mod
from pausecode.store.db import Store

# ---------------------------------------------------------------------------------------------- index

SEGS = [
    Segment(1.0, 2.0, "learning", learning_topic="Intro"),
    Segment(2.0, 5.0, "code", code_content="a = 1"),
    Segment(6.0, 8.0, "code", code_content="a = 2"),  # gap [5, 6)
]


@pytest.fixture
def index() -> IntervalIndex:
    return IntervalIndex(list(reversed(SEGS)))  # unsorted input is sorted


def test_index_exact_hits(index):
    assert len(index) == 3
    assert [s.start for s in index.segments] == [1.0, 2.0, 6.0]
    for t, want in [(1.0, 0), (1.999, 0), (2.0, 1), (4.999, 1), (6.0, 2), (7.5, 2)]:
        seg, dist = index.find(t, 0.0)
        assert seg is SEGS[want] and dist == 0.0, t


def test_index_gaps_use_the_nearest_within_tolerance(index):
    seg, dist = index.find(5.3, 1.0)
    assert seg is SEGS[1] and dist == pytest.approx(0.3)
    seg, dist = index.find(5.8, 1.0)
    assert seg is SEGS[2] and dist == pytest.approx(0.2)
    seg, dist = index.find(5.5, 0.4)
    assert seg is None and dist == pytest.approx(0.5)
    seg, dist = index.find(5.5, 0.5)
    assert seg is not None and dist == pytest.approx(0.5)


def test_index_before_first_and_after_last(index):
    seg, dist = index.find(0.5, 1.0)
    assert seg is SEGS[0] and dist == pytest.approx(0.5)
    seg, dist = index.find(0.5, 0.2)
    assert seg is None and dist == pytest.approx(0.5)
    seg, dist = index.find(8.0, 0.0)  # the end of the last segment is still "at" it
    assert seg is SEGS[2] and dist == 0.0
    seg, dist = index.find(8.6, 1.0)
    assert seg is SEGS[2] and dist == pytest.approx(0.6)
    seg, dist = index.find(20.0, 1.0)
    assert seg is None and dist == pytest.approx(12.0)


def test_empty_index():
    idx = IntervalIndex([])
    assert len(idx) == 0
    seg, dist = idx.find(1.0, 5.0)
    assert seg is None and math.isinf(dist)


# ---------------------------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize("value, want", [
    ("1:30", 90.0), ("01:02:03", 3723.0), ("0:00.5", 0.5), (" 12.5 ", 12.5), ("0", 0.0), (7, 7.0), (2.25, 2.25),
])
def test_parse_timestamp_ok(value, want):
    assert parse_timestamp(value) == pytest.approx(want)


@pytest.mark.parametrize("value", [
    "abc", "", -1, "-1", -0.5, float("nan"), "nan", float("inf"), "inf", "-inf", True, "1:-5", "1:2:3:4", "1::2",
    "1:75", "1:60:00", "0:59:60",
])
def test_parse_timestamp_rejects(value):
    with pytest.raises(InvalidTimestampError) as e:
        parse_timestamp(value)
    assert e.value.exit_code == ExitCode.USAGE
    assert "timestamp" in str(e.value)


# ---------------------------------------------------------------------------------------------- store


def _result(vid: str, codes: list[str], partial: bool = False) -> VideoResult:
    info = VideoInfo(video_id=vid, path=f"/tmp/{vid}.mp4", source=f"{vid}.mp4", title=vid, duration=len(codes))
    segs = [Segment(float(i), float(i + 1), "code", code_content=c, confidence=0.9, language="python")
            for i, c in enumerate(codes)]
    return VideoResult(video=info, segments=segs, stats=ProcessingStats(partial=partial, engine="test"))


@pytest.fixture
def store(database_url: str) -> Store:  # noqa: F811 - SQLite and PostgreSQL
    return Store(database_url)


def test_store_round_trip(store):
    res = _result("vid1", ["a = 1", "a = 2", "a = 3"])
    store.mark_processing(res.video)
    assert store.status("vid1") == "processing" and not store.has_result("vid1")
    with pytest.raises(VideoNotFoundError):
        store.load_result("vid1")  # work in progress never reads as a result
    store.save_result(res)
    assert store.status("vid1") == "complete"
    loaded = store.load_result("vid1")
    assert [s.to_dict() for s in loaded.segments] == [s.to_dict() for s in res.segments]
    store.save_result(_result("vid2", ["x"], partial=True))
    assert store.status("vid2") == "partial" and store.has_result("vid2")


def _fail_on_second_segment(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    """Fail at the very end of the save transaction: the video row and the segments are already written."""
    real = db_mod._put_segments

    def boom(s, video_id, data, count, legacy) -> None:
        real(s, video_id, data, count, legacy)
        s.flush()
        raise exc

    monkeypatch.setattr(db_mod, "_put_segments", boom)


@pytest.mark.parametrize("exc, expected", [
    (OperationalError("INSERT", {}, Exception("disk I/O error")), StoreError),
    (RuntimeError("crash mid-save"), RuntimeError),
])
def test_save_result_is_atomic_for_a_new_video(store, monkeypatch, exc, expected):
    res = _result("vid1", ["a = 1", "a = 2", "a = 3"])
    store.mark_processing(res.video)
    _fail_on_second_segment(monkeypatch, exc)
    with pytest.raises(expected):
        store.save_result(res)
    assert store.status("vid1") == "processing"
    assert not store.has_result("vid1")
    with pytest.raises(VideoNotFoundError):
        store.load_result("vid1")
    listed = {v["video_id"]: v for v in store.list_videos()}
    assert listed["vid1"]["segments"] == 0


def test_failed_resave_keeps_the_previous_result(store, monkeypatch):
    old = _result("vid1", ["old = 1", "old = 2"])
    store.save_result(old)
    _fail_on_second_segment(monkeypatch, RuntimeError("crash mid-save"))
    with pytest.raises(RuntimeError):
        store.save_result(_result("vid1", ["new = 1", "new = 2", "new = 3"]))
    loaded = store.load_result("vid1")  # the delete of the old segments was rolled back too
    assert [s.code_content for s in loaded.segments] == ["old = 1", "old = 2"]
    assert store.status("vid1") == "complete"


def test_save_result_invalid_segment_is_refused(store):
    res = _result("vid1", ["a = 1", "a = 2"])
    res.segments[1].segment_type = None  # type: ignore[assignment]  # not a segment type
    store.mark_processing(res.video)
    with pytest.raises(StoreError):
        store.save_result(res)
    assert store.status("vid1") == "processing" and not store.has_result("vid1")


# ---------------------------------------------------------------------------------------------- settings


def test_settings_defaults(pc_env):
    s = load_settings()
    assert s.frame_interval == 2.0 and s.engine == "rapidocr" and s.min_code_length == 0
    assert s.similarity_threshold == 0.85
    assert s.data_dir == pc_env  # from PAUSECODE_DATA_DIR set by the fixture


def test_settings_layering(pc_env, tmp_path, monkeypatch):
    cfg = tmp_path / "custom.toml"
    cfg.write_text('frame_interval = 3.0\nengine = "tesseract"\nsettle_time = 0.5\nocr_threads = 1\n')
    s = load_settings(cfg)
    assert (s.frame_interval, s.engine, s.settle_time, s.ocr_threads) == (3.0, "tesseract", 0.5, 1)
    monkeypatch.setenv("PAUSECODE_FRAME_INTERVAL", "4.5")
    monkeypatch.setenv("PAUSECODE_ENGINE", "null")
    s = load_settings(cfg)
    assert (s.frame_interval, s.engine, s.settle_time) == (4.5, "null", 0.5)  # env beats file
    s = load_settings(cfg, frame_interval=1.25, engine=None)
    assert (s.frame_interval, s.engine) == (1.25, "null")  # flags beat env; None flags are ignored


def test_settings_file_found_by_cwd_and_env(pc_env, tmp_path, monkeypatch):
    (tmp_path / "pausecode.toml").write_text("[pausecode]\nframe_interval = 7.0\n")
    assert load_settings().frame_interval == 7.0  # ./pausecode.toml, [pausecode] table
    other = tmp_path / "elsewhere.toml"
    other.write_text("frame_interval = 8.0\n")
    monkeypatch.setenv("PAUSECODE_CONFIG", str(other))
    assert load_settings().frame_interval == 8.0


def test_reference_config_json(pc_env, tmp_path):
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({
        "frame_interval": 1.5,
        "code_extraction": {"similarity_threshold": 0.7, "min_code_length": 12},
        "output_dir": "ignored",
    }))
    s = load_settings(cfg)
    assert s.frame_interval == 1.5 and s.similarity_threshold == 0.7 and s.min_code_length == 12
    assert load_settings().min_code_length == 12  # ./config.json is found too


@pytest.mark.parametrize("text, suffix", [
    ("frame_interval = = 2", ".toml"),
    ("frame_interval = -1\n", ".toml"),
    ("{not json", ".json"),
    ('{"code_extraction": {"similarity_threshold": 3}}', ".json"),
])
def test_bad_config_is_a_config_error(pc_env, tmp_path, text, suffix):
    cfg = tmp_path / f"bad{suffix}"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as e:
        load_settings(cfg)
    assert e.value.exit_code == ExitCode.USAGE
    assert "bad" in str(e.value) or "invalid" in str(e.value)


def test_missing_config_file(pc_env, tmp_path):
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "nope.toml")


def test_public_dict_hides_the_api_key(pc_env, monkeypatch):
    monkeypatch.setenv("PAUSECODE_API_KEY", "s3cr3t-from-env")
    s = load_settings()
    assert s.api_key is not None and s.api_key.get_secret_value() == "s3cr3t-from-env"
    pub = s.public_dict()
    assert pub["api_key"] == "***"
    assert "s3cr3t" not in json.dumps(pub, default=str)
    assert "s3cr3t" not in repr(s) and "s3cr3t" not in str(s)
    s2 = Settings(api_key="another-secret")
    assert "another-secret" not in json.dumps(s2.public_dict(), default=str)
    monkeypatch.delenv("PAUSECODE_API_KEY")
    assert load_settings().public_dict()["api_key"] is None
