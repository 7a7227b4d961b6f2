"""Compact exports: the markdown timeline (full code where a scene starts, unified diffs otherwise), the code file
without intermediate typing states, the `exports` setting, and the storage budget (database plus the exports
written at process time under 1 MB per hour of video)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from pausecode import exports
from pausecode.errors import ConfigError
from pausecode.models import ProcessingStats, Segment, VideoInfo, VideoResult
from pausecode.settings import load_settings
from pausecode.store.db import Store

# ---------------------------------------------------------------------------------------------- helpers


def _result(segs: list[Segment], vid: str = "vidX", duration: float | None = None) -> VideoResult:
    info = VideoInfo(video_id=vid, path=f"/tmp/{vid}.mp4", source=f"/videos/{vid}.mp4", title="Lesson",
                     duration=duration if duration is not None else (segs[-1].end if segs else 0.0))
    return VideoResult(video=info, segments=segs, stats=ProcessingStats(engine="test"))


def _apply_unified_diff(old: str, diff: str) -> str:
    """Apply a zero-context unified diff (hunks only), checking every removed line."""
    lines = old.split("\n")
    out: list[str] = []
    pos = 0
    hunks = re.split(r"^(@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@)$", diff, flags=re.MULTILINE)
    assert hunks[0] == "", diff
    for header, body in zip(hunks[1::2], hunks[2::2], strict=True):
        a_start, a_len = re.match(r"@@ -(\d+)(?:,(\d+))?", header).groups()
        a_start, a_len = int(a_start), 1 if a_len is None else int(a_len)
        start = a_start - 1 if a_len else a_start
        body_lines = body.strip("\n").split("\n") if body.strip("\n") else []
        minus = [ln[1:] for ln in body_lines if ln.startswith("-")]
        plus = [ln[1:] for ln in body_lines if ln.startswith("+")]
        assert len(minus) + len(plus) == len(body_lines), body_lines
        out += lines[pos:start]
        assert lines[start:start + a_len] == minus, (header, lines[start:start + a_len], minus)
        out += plus
        pos = start + a_len
    out += lines[pos:]
    return "\n".join(out)


def _parse_timeline(md: str) -> list[dict]:
    """Per segment heading: level, heading text, and the code it shows (rebuilt from snapshots and diffs)."""
    blocks = re.split(r"^(#{2,3} .*)$", md, flags=re.MULTILINE)
    out: list[dict] = []
    code: str | None = None
    for heading, body in zip(blocks[1::2], blocks[2::2], strict=True):
        level = len(heading.split(" ")[0])
        item = {"level": level, "heading": heading, "kind": None, "code": None, "meta": heading}
        if level == 2 and body.startswith("\n_"):
            item["meta"] += body.split("\n")[1]
        if " · learning" in heading:
            item["kind"] = "learning"
            item["topic"] = body.strip().removeprefix("Learning: ")
            code = None
        elif "_code unchanged_" in body:
            item["kind"], item["code"] = "same", code
        else:
            m = re.search(r"^(`{3,4})(\S*)\n(.*?)\n\1$", body, flags=re.MULTILINE | re.DOTALL)
            assert m, body
            info, text = m.group(2), m.group(3)
            if info == "diff":
                assert code is not None and level == 3, heading
                code = _apply_unified_diff(code, text)
                item["kind"] = "diff"
            else:
                code = text
                item["kind"] = "full"
            item["code"] = code
        out.append(item)
    return out


def _typing(start: float, base: str, steps: list[str], file_name: str | None = "app.py") -> list[Segment]:
    segs, text, t = [], base, start
    for add in steps:
        text += add
        segs.append(Segment(t, t + 1.0, "code", code_content=text, confidence=0.9, language="python",
                            code_complete=text.count("(") == text.count(")"), file_name=file_name))
        t += 1.0
    return segs


# ---------------------------------------------------------------------------------------------- timeline


def _scenes() -> list[Segment]:
    segs = [Segment(0.0, 3.0, "learning", learning_topic="Welcome", confidence=0.9)]
    head = "import os\nimport sys\n\nLIMIT = 10\n\n"
    segs += _typing(3.0, head, ["def f", "(x):\n", "    ret", "urn x", " + 1\n"])             # 3..8
    segs.append(Segment(8.0, 9.0, "code", code_content=segs[-1].code_content, confidence=0.5,
                        language="python", code_complete=True, file_name="app.py"))        # same code again
    segs += _typing(9.0, "# other file\n", ["y = 2\n", "w = 3\n"], file_name="util.py")     # file change
    segs.append(Segment(11.0, 12.0, "code", code_content="".join(f"z{i} = {i}\n" for i in range(12)),
                        confidence=0.8, language="python", file_name="util.py"))           # diff > code
    segs.append(Segment(12.0, 14.0, "learning", learning_topic="Slides: loops", confidence=0.9))
    segs += _typing(14.0, "s = '```'\nimport os\nimport sys\n\n", ["for i in", " range(3):\n", "    print(i)"])  # fence
    segs.append(Segment(17.0, 18.0, "mixed", code_content=segs[-1].code_content + "\n", confidence=0.7,
                        language="python", code_complete=True, file_name="app.py"))
    return segs


def test_timeline_lists_every_segment_and_rebuilds_every_code():
    segs = _scenes()
    md = exports.timeline_markdown(_result(segs))
    assert md.startswith("# Code timeline: Lesson")
    assert f"- Segments: {len(segs)} ({len(segs) - 2} with code)" in md
    items = _parse_timeline(md)
    assert len(items) == len(segs)
    for item, s in zip(items, segs, strict=True):
        assert f"{exports.fmt_time(s.start)} – {exports.fmt_time(s.end)} · {s.segment_type}" in item["heading"]
        if s.segment_type == "learning":
            assert item["kind"] == "learning" and item["topic"] == s.learning_topic
            continue
        assert item["code"] == (s.code_content or "").rstrip("\n"), item["heading"]
        assert f"confidence {s.confidence:.2f}" in item["meta"]
    kinds = [i["kind"] for i in items]
    assert kinds == ["learning", "full", "diff", "diff", "diff", "diff", "same",   # typing in app.py
                     "full", "diff", "full",                                       # util.py, then a rewrite
                     "learning", "full", "diff", "diff", "same"]   # after the slides; only a final newline added
    # a scene start names its file and language; later segments of the scene do not repeat them
    assert items[1]["level"] == 2 and "`app.py` · python" in items[1]["heading"]
    assert items[7]["level"] == 2 and "`util.py`" in items[7]["heading"]
    assert items[2]["level"] == 3 and "app.py" not in items[2]["heading"]
    assert "````python\ns = '```'" in md  # code holding a fence gets a longer fence
    assert md.count("```diff") == 7


def test_timeline_is_small_for_typing():
    base = "".join(f"value_{i} = compute({i}, 'x')\n" for i in range(50))
    segs = _typing(0.0, base, ["new_val", "ue = 1\n"] * 50)
    md = exports.timeline_markdown(_result(segs))
    full = sum(len(s.code_content) for s in segs)
    assert len(md) < 0.08 * full, (len(md), full)
    assert md.count("```python") == 1


# ---------------------------------------------------------------------------------------------- code file


def _py_states(py: str) -> list[tuple[str, str]]:
    parts = re.split(r"^# --- (.*) ---$", py, flags=re.MULTILINE)
    return [(head, body.strip("\n")) for head, body in zip(parts[1::2], parts[2::2], strict=True)]


def test_extracted_code_keeps_only_states_that_are_not_superseded():
    segs = [Segment(0.0, 2.0, "learning", learning_topic="Intro")]
    segs += _typing(2.0, "a = 1\n", ["b", " = 2\n", "c = 3"])                                 # 2..5
    # line 1 deleted: the state before is not an intermediate typing state of this one
    segs.append(Segment(5.0, 6.0, "code", code_content="b = 2\nc = 3", file_name="app.py"))
    segs += _typing(6.0, "b = 2\nc = 3", ["\nd"])                                             # 6..7
    segs.append(Segment(7.0, 8.0, "code", code_content="b = 2\nc = 30\nd = 4", file_name="app.py"))  # 2 lines
    segs += _typing(8.0, "", ["x", " = 1"], file_name="other.py")                               # file change
    segs.append(Segment(10.0, 11.0, "learning", learning_topic="Slides"))
    segs += _typing(11.0, "x = 1", ["\ny"], file_name="other.py")                             # after learning
    segs.append(Segment(12.0, 13.0, "code", code_content="x = 1\ny = 2", file_name="other.py"))
    segs.append(Segment(13.0, 14.0, "code", code_content="x = 1\ny = 2", file_name="other.py", confidence=0.3))
    py = exports.extracted_code(_result(segs))
    assert py.splitlines()[0] == "# Code extracted from Lesson (vidX)"
    states = _py_states(py)
    assert states == [
        ("00:04.00 app.py", "a = 1\nb = 2\nc = 3"),   # before a line was deleted
        ("00:06.00 app.py", "b = 2\nc = 3\nd"),        # before two lines changed at once
        ("00:07.00 app.py", "b = 2\nc = 30\nd = 4"),   # last state before the file change
        ("00:09.00 other.py", "x = 1"),                # last state before the learning segment
        ("00:12.00 other.py", "x = 1\ny = 2"),         # the end; first time the final text appeared
    ]


def test_extracted_code_does_not_repeat_a_state():
    segs = _typing(0.0, "", ["a = 1"]) + [Segment(1.0, 2.0, "learning")] + _typing(2.0, "", ["a = 1"])
    segs += [Segment(3.0, 4.0, "code", code_content="  \n", file_name="app.py")]
    states = _py_states(exports.extracted_code(_result(segs)))
    assert states == [("00:00.00 app.py", "a = 1")]


# ---------------------------------------------------------------------------------------------- settings


def test_write_all_writes_the_chosen_files_and_removes_the_others(tmp_path):
    res = _result(_scenes())
    folder = tmp_path / "exports"
    written = exports.write_all(res, folder, ["json", "md", "py"])
    assert set(written) == {"json", "md", "py"}
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert [s["code_content"] for s in data["segments"]] == [s.code_content for s in res.segments]
    written = exports.write_all(res, folder)  # the default: the compact ones
    assert sorted(p.name for p in folder.iterdir()) == ["vidX_extracted_code.py", "vidX_timeline.md"]
    assert written["md"].read_text(encoding="utf-8") == exports.timeline_markdown(res)
    assert exports.write_all(res, folder, []) == {} and not any(folder.iterdir())
    with pytest.raises(ValueError):
        exports.write_all(res, folder, ["xml"])


@pytest.mark.parametrize("value, want", [
    ("md,py", ["md", "py"]), ("json", ["json"]), ('["py", "json"]', ["py", "json"]), ("", []), ("none", []),
    (" MD , md ", ["md"]),
])
def test_exports_setting_from_the_environment(pc_env, monkeypatch, value, want):
    monkeypatch.setenv("PAUSECODE_EXPORTS", value)
    assert load_settings().exports == want


def test_exports_setting_default_file_and_errors(pc_env, tmp_path, monkeypatch):
    assert load_settings().exports == ["md", "py"]
    cfg = tmp_path / "pausecode.toml"
    cfg.write_text('exports = ["json", "md", "py"]\n')
    assert load_settings(cfg).exports == ["json", "md", "py"]
    monkeypatch.setenv("PAUSECODE_EXPORTS", "md,xml")
    with pytest.raises(ConfigError, match="unknown export 'xml'"):
        load_settings()


# ---------------------------------------------------------------------------------------------- budget


def typing_tutorial(n_segments: int = 300, seconds: float = 300.0, seed: int = 7) -> VideoResult:
    """A 5-minute typing tutorial as the pipeline sees it: a title slide, then one segment per pause between
    keystrokes, each adding a few characters to a ~1 KB file that grows to ~2 KB, a slide in the middle."""
    rng = random.Random(seed)
    names = ["total", "count", "value", "items", "result", "score", "index", "name", "price", "limit"]
    funcs = ["compute", "load", "parse", "merge", "round", "clamp", "scale", "render"]

    def line(i: int) -> str:
        return f"    {rng.choice(names)}_{i} = {rng.choice(funcs)}({rng.choice(names)}, {rng.randint(1, 99)})\n"

    text = "def main():\n" + "".join(line(i) for i in range(32))
    to_type = "".join(line(i) for i in range(32, 80))
    middle = n_segments // 2
    step = seconds / (n_segments + 5)  # the title slide lasts 4 steps, the middle slide 3, a keystroke pause 1
    segs = [Segment(0.0, step * 4, "learning", learning_topic="Lesson 3: loops", confidence=0.95)]
    t, pos = step * 4, 0
    for k in range(1, n_segments):
        if k == middle:
            segs.append(Segment(t, t + step * 3, "learning", learning_topic="Slides: what we typed", confidence=0.9))
            t += step * 3
            continue
        n = rng.randint(2, 6)
        text, pos = text + to_type[pos:pos + n], pos + n
        segs.append(Segment(t, t + step, "code", code_content=text, confidence=rng.uniform(0.85, 0.97),
                            language="python", code_complete=text.endswith("\n"), file_name="main.py"))
        t += step
    segs[-1].end = seconds
    info = VideoInfo(video_id="typing5min", path="/tmp/typing.mp4", source="https://example.com/watch?v=typing",
                     title="Typing tutorial", duration=seconds, width=1280, height=720, fps=30.0)
    return VideoResult(video=info, segments=segs, stats=ProcessingStats(engine="test", states=len(segs)))


def storage_bytes(data_dir: Path) -> dict[str, int]:
    """What bench/run_bench.py `_storage` counts: every file in the data folder except downloaded videos."""
    return {str(p.relative_to(data_dir)): p.stat().st_size for p in sorted(data_dir.rglob("*"))
            if p.is_file() and "videos" not in p.parts}


def test_database_and_default_exports_stay_under_1_mb_per_hour(tmp_path, pc_env):
    res = typing_tutorial()
    codes = [s.code_content for s in res.segments if s.code_content]
    assert len(res.segments) == 300 and 1000 < len(codes[0]) < len(codes[-1]) < 2200
    settings = load_settings(data_dir=tmp_path / "data")
    store = Store(settings.db_url)
    store.save_result(res)
    exports.write_all(res, settings.exports_dir, settings.exports)
    store.engine.dispose()  # as at the end of a run: the WAL is checkpointed into the database file
    sizes = storage_bytes(settings.data_dir)
    total = sum(sizes.values())
    print(f"\nstorage for a {res.video.duration:.0f}-s typing tutorial ({len(res.segments)} segments, "
          f"{sum(map(len, codes))} bytes of code): {sizes}, total {total} bytes, "
          f"{total / 1024 / (res.video.duration / 3600):.0f} KB/hour")
    assert set(sizes) == {"pausecode.db", "exports/typing5min_timeline.md", "exports/typing5min_extracted_code.py"}
    assert total < 85_000, sizes  # 1 MB per hour is 85.3 KB for 300 s
    assert Store(settings.db_url).load_result("typing5min").segments == res.segments
