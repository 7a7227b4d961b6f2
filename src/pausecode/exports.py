"""Exports as in the reference design: `<id>_analysis.json`, `<id>_timeline.md`, `<id>_extracted_code.py`.

Each file is written to a temporary name and renamed, so a crash never leaves a half-written export.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .models import VideoResult


def fmt_time(t: float) -> str:
    m, s = divmod(max(t, 0.0), 60)
    h, m = divmod(int(m), 60)
    return f"{h:d}:{m:02d}:{s:05.2f}" if h else f"{m:02d}:{s:05.2f}"


def analysis_json(result: VideoResult) -> str:
    return json.dumps(
        {
            "video": result.video.to_dict(),
            "summary": result.summary(),
            "stats": result.stats.to_dict(),
            "segments": [s.to_dict() for s in result.segments],
        },
        ensure_ascii=False,
        indent=2,
    )


def _fence(language: str | None) -> str:
    return (language or "").lower().replace("c++", "cpp")


def timeline_markdown(result: VideoResult) -> str:
    v = result.video
    out = [f"# Code timeline: {v.title or v.video_id}", ""]
    out.append(f"- Video id: `{v.video_id}`")
    out.append(f"- Source: {v.source if '://' in v.source else os.path.basename(v.source)}")
    out.append(f"- Duration: {fmt_time(v.duration)}")
    n_code = sum(s.segment_type != "learning" for s in result.segments)
    out.append(f"- Segments: {len(result.segments)} ({n_code} with code)")
    out.append("")
    for s in result.segments:
        head = f"## {fmt_time(s.start)} – {fmt_time(s.end)} · {s.segment_type}"
        if s.file_name:
            head += f" · `{s.file_name}`"
        out.append(head)
        out.append("")
        if s.segment_type == "learning":
            out.append(f"Learning: {s.learning_topic or 'no code on screen'}")
        else:
            meta = [f"confidence {s.confidence:.2f}"]
            if s.language:
                meta.append(s.language)
            if s.code_complete is not None:
                meta.append("complete" if s.code_complete else "incomplete")
            out.append(f"_{', '.join(meta)}_")
            out.append("")
            fence = "````" if "```" in (s.code_content or "") else "```"
            out.append(f"{fence}{_fence(s.language)}")
            out.append((s.code_content or "").rstrip("\n"))
            out.append(fence)
        out.append("")
    return "\n".join(out)


def extracted_code(result: VideoResult) -> str:
    """Every distinct code state once, in order of first appearance, with the time it appeared."""
    seen: set[str] = set()
    out = [f"# Code extracted from {result.video.title or result.video.video_id} ({result.video.video_id})", ""]
    for s in result.segments:
        code = (s.code_content or "").strip("\n")
        if s.segment_type == "learning" or not code.strip() or code in seen:
            continue
        seen.add(code)
        name = f" {s.file_name}" if s.file_name else ""
        out.append(f"# --- {fmt_time(s.start)}{name} ---")
        out.append(code)
        out.append("")
    return "\n".join(out)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; exports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(result: VideoResult, folder: Path) -> dict[str, Path]:
    vid = result.video.video_id
    paths = {
        "json": folder / f"{vid}_analysis.json",
        "md": folder / f"{vid}_timeline.md",
        "py": folder / f"{vid}_extracted_code.py",
    }
    atomic_write(paths["json"], analysis_json(result))
    atomic_write(paths["md"], timeline_markdown(result))
    atomic_write(paths["py"], extracted_code(result))
    return paths
