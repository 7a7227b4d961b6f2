"""Exports: `<id>_timeline.md` (compact), `<id>_extracted_code.py` (compact), `<id>_analysis.json` (full).

A typing tutorial has a segment per pause between keystrokes, so hundreds of nearly identical code texts.
The markdown timeline lists every segment but shows its code in full only where a scene starts (after a learning
segment, on a change of file, or when a diff would be longer than the code) and otherwise as a unified diff
against the segment before it. The code file keeps only the states that are not intermediate typing states; for a
Python video it compiles (shell/REPL screens and states that are not valid Python on their own become comments).
The analysis JSON (the reference design's format, every segment with its full code) is produced on demand.
`Settings.exports` lists which files `write_all` writes when a video is processed.

Each file is written to a temporary name and renamed, so a crash never leaves a half-written export.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

from .models import Segment, VideoResult
from .segments.language import is_repl_or_shell

SEGMENT_TEXT_WIDTH = 60  # characters of the identifying line `pausecode segments` shows per segment


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


def _block(info: str, text: str) -> list[str]:
    fence = "````" if "```" in text else "```"
    return [f"{fence}{info}", text, fence]


def _unified_diff(old: str, new: str) -> str:
    """Hunks only (no ---/+++ file lines), no context lines: what changed and where."""
    lines = difflib.unified_diff(old.split("\n"), new.split("\n"), n=0, lineterm="")
    return "\n".join(list(lines)[2:])


def _meta(s: Segment, language: str | None) -> str:
    meta = [f"confidence {s.confidence:.2f}"]
    if s.language and s.language != language:
        meta.append(s.language)
    if s.code_complete is not None:
        meta.append("complete" if s.code_complete else "incomplete")
    return ", ".join(meta)


def timeline_markdown(result: VideoResult) -> str:
    """Every segment with its times; code in full where a scene starts, as a diff against the previous segment
    otherwise. A scene (`##` heading with the file and language) starts after a learning segment and on a change
    of file; the segments after it in the same scene get `###` headings."""
    v = result.video
    out = [f"# Code timeline: {v.title or v.video_id}", ""]
    out.append(f"- Video id: `{v.video_id}`")
    out.append(f"- Source: {v.source if '://' in v.source else os.path.basename(v.source)}")
    out.append(f"- Duration: {fmt_time(v.duration)}")
    n_code = sum(s.segment_type != "learning" for s in result.segments)
    out.append(f"- Segments: {len(result.segments)} ({n_code} with code)")
    out.append("- Code is shown in full where a scene starts (`##`: after a learning segment or on a change of "
               "file), then as a diff against the segment before (`###`). "
               "`pausecode export ID --format json` has every segment's full code.")
    out.append("")
    prev: Segment | None = None  # the previous segment if it showed code in the same scene
    scene_lang: str | None = None
    for s in result.segments:
        times = f"{fmt_time(s.start)} – {fmt_time(s.end)} · {s.segment_type}"
        if s.segment_type == "learning":
            out += [f"## {times}", "", f"Learning: {s.learning_topic or 'no code on screen'}", ""]
            prev = None
            continue
        code = (s.code_content or "").rstrip("\n")
        if prev is None or prev.file_name != s.file_name:
            scene_lang = s.language
            head = f"## {times}" + (f" · `{s.file_name}`" if s.file_name else "") + (
                f" · {s.language}" if s.language else "")
            out += [head, f"_{_meta(s, scene_lang)}_", *_block(_fence(s.language), code), ""]
        else:
            old = (prev.code_content or "").rstrip("\n")
            head = f"### {times} · {_meta(s, scene_lang)}"
            if code == old:
                out += [head, "_code unchanged_", ""]
            else:
                diff = _unified_diff(old, code)
                body = _block(_fence(s.language), code) if len(diff) > len(code) else _block("diff", diff)
                out += [head, *body, ""]
        prev = s
    return "\n".join(out)


def _only_extends(old: str, new: str) -> bool:
    """`new` keeps every line of `old`, except that at most one line may be changed (the line being typed),
    and may add lines anywhere: `old` is an intermediate typing state on the way to `new`."""
    a, b = old.split("\n"), new.split("\n")
    changed = 0
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "insert"):
            continue
        if tag == "delete" or i2 - i1 > 1:
            return False
        changed += 1
        if changed > 1:
            return False
    return True


def _code_states(segments: Iterable[Segment]) -> list[tuple[Segment, str, int]]:
    """(first segment, code, scene number) per run of one code text; a learning segment starts a new scene."""
    states: list[tuple[Segment, str, int]] = []
    scene = 0
    for s in segments:
        if s.segment_type == "learning":
            scene += 1
            continue
        code = (s.code_content or "").strip("\n")
        if states and states[-1][2] == scene and states[-1][0].file_name == s.file_name and states[-1][1] == code:
            continue  # same text again (only confidence or completeness differ): one state, first time kept
        states.append((s, code, scene))
    return states


def _compiles(code: str) -> bool:
    """Does `code` compile as a Python module (what `py_compile` checks, not just `ast.parse`)?"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an invalid escape in a string is a warning, not an error
        try:
            compile(code, "<state>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def is_python_video(segments: Iterable[Segment]) -> bool:
    """Most code segments whose language is known are Python."""
    langs = [s.language for s in segments if s.segment_type != "learning" and s.language]
    return bool(langs) and langs.count("python") * 2 > len(langs)


def _as_comment(code: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in code.split("\n"))


def extracted_code(result: VideoResult) -> str:
    """Each code state that is not an intermediate typing state, once, in order, with the time it appeared.

    A state is left out when the next state of the same file (no learning segment in between) only adds to it
    or changes one line (the one being typed). The last state before a learning segment, a change of file or
    the end always stays. For a Python video the file compiles: a state that is a shell or REPL screen, or
    that does not compile on its own (a typing fragment, a view scrolled into a block), is kept as comments."""
    python = is_python_video(result.segments)
    out = [f"# Code extracted from {result.video.title or result.video.video_id} ({result.video.video_id})",
           "# (intermediate typing states left out; `pausecode export ID --format json` has every segment)"]
    if python:
        out.append("# (shell/REPL screens and states that are not valid Python on their own are comments)")
    out.append("")
    states = _code_states(result.segments)
    seen: set[str] = set()
    for i, (s, code, scene) in enumerate(states):
        if not code.strip() or code in seen:
            continue
        if i + 1 < len(states):
            nxt, nxt_code, nxt_scene = states[i + 1]
            if (nxt_scene == scene and nxt.file_name == s.file_name and nxt_code.strip()
                    and _only_extends(code, nxt_code)):
                continue
        seen.add(code)
        name = f" {s.file_name}" if s.file_name else ""
        if python and is_repl_or_shell(code):
            out.append(f"# --- {fmt_time(s.start)}{name} (shell/REPL screen) ---")
            out.append(_as_comment(code))
        elif python and not _compiles(code):
            out.append(f"# --- {fmt_time(s.start)}{name} (not valid Python on its own) ---")
            out.append(_as_comment(code))
        else:
            out.append(f"# --- {fmt_time(s.start)}{name} ---")
            out.append(code)
        out.append("")
    text = "\n".join(out)
    if python and not _compiles(text):  # states that compile alone but not together: never a broken file
        return "\n".join(ln if ln.startswith("#") or not ln else f"# {ln}".rstrip() for ln in out)
    return text


def identifying_line(previous: str | None, code: str) -> tuple[int, str] | None:
    """What tells this code state apart, as (1-based line number, line): the first line changed or added
    since `previous` (the state before it in the same scene), else the last non-blank line. None for no code."""
    lines = code.split("\n")
    if previous is not None:
        matcher = difflib.SequenceMatcher(None, previous.split("\n"), lines, autojunk=False)
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "insert"):
                for j in range(j1, j2):
                    if lines[j].strip():
                        return j + 1, lines[j]
    for j in range(len(lines) - 1, -1, -1):
        if lines[j].strip():
            return j + 1, lines[j]
    return None


def segment_rows(segments: Iterable[Segment]) -> list[str]:
    """One line per segment: times, type, confidence, file, line count and what identifies it (the line
    that changed since the segment before it in the same scene, else the last line)."""
    rows = []
    previous: str | None = None  # code of the segment before, in the same scene and file
    previous_file: str | None = None
    for s in segments:
        head = f"{fmt_time(s.start)}–{fmt_time(s.end)}  {s.segment_type:<8} {s.confidence:.2f}"
        if s.segment_type == "learning":
            rows.append(f"{head}  {s.learning_topic or 'no code on screen'}")
            previous = None
            continue
        code = (s.code_content or "").strip("\n")
        if previous is not None and s.file_name != previous_file:
            previous = None
        n_lines = len(code.split("\n")) if code.strip() else 0
        where = f"{s.file_name or '-'}  {n_lines:>3} line{'s' if n_lines != 1 else ' '}"
        if code == previous:
            what = "(unchanged)"
        else:
            hit = identifying_line(previous, code)
            if hit is None:
                what = "(empty)"
            else:
                number, line = hit
                text = line.strip()
                text = text if len(text) <= SEGMENT_TEXT_WIDTH else text[: SEGMENT_TEXT_WIDTH - 1] + "…"
                what = f"L{number}: {text}"
        rows.append(f"{head}  {where}  {what}")
        previous, previous_file = code, s.file_name
    return rows


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


EXPORT_FORMATS: dict[str, tuple[str, object]] = {
    "json": ("analysis.json", analysis_json),
    "md": ("timeline.md", timeline_markdown),
    "py": ("extracted_code.py", extracted_code),
}
DEFAULT_EXPORTS = ("md", "py")


def export_path(folder: Path, video_id: str, fmt: str) -> Path:
    return folder / f"{video_id}_{EXPORT_FORMATS[fmt][0]}"


def write_all(result: VideoResult, folder: Path, formats: Iterable[str] = DEFAULT_EXPORTS) -> dict[str, Path]:
    """Write the chosen exports of `result` into `folder`; the other formats' files for this video are removed,
    so no export older than the stored result is left behind. Returns {format: path} of what was written."""
    vid = result.video.video_id
    chosen = set(formats)
    unknown = chosen - EXPORT_FORMATS.keys()
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(sorted(unknown))}")
    written: dict[str, Path] = {}
    for fmt, (_, render) in EXPORT_FORMATS.items():
        path = export_path(folder, vid, fmt)
        if fmt in chosen:
            atomic_write(path, render(result))  # type: ignore[operator]
            written[fmt] = path
        else:
            path.unlink(missing_ok=True)
    return written
