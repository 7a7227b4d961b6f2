"""Build truth.json (the bench format) from a timeline: one sample every 0.25 s from the very state
the frame at that time shows, plus the boundary and action events."""

from __future__ import annotations

import math
from typing import Any

from . import script as S
from .layout import Geometry
from .render_ide import geometry_for
from .render_term import term_geometry_for, visible_rows
from .simulate import topic_of, view_name
from .state import BOUNDARY_KINDS, Snapshot, Timeline

SAMPLE_STEP = 0.25
NEAR = 0.5


def geometry(snap: Snapshot, spec: S.CaseSpec) -> Geometry | None:
    if snap.kind == "ide":
        return geometry_for(snap, spec)
    if snap.kind == "terminal":
        return term_geometry_for(snap, spec)
    return None


def visible_lines(snap: Snapshot, spec: S.CaseSpec) -> list[str]:
    """Editor lines on screen (>= 80 % of their height), indentation kept, trailing blanks stripped."""
    g = geometry(snap, spec)
    if g is None:
        return []
    if snap.kind == "terminal":
        rows = [r.rstrip() for r in visible_rows(snap, g)]
    else:
        rows = [ln.rstrip() for ln in snap.lines[snap.top : snap.top + g.rows]]
    too_long = [r for r in rows if len(r) > g.cols]
    if too_long:
        raise ValueError(f"{spec.name}: line wider than the {g.cols} visible columns: {too_long[0]!r}")
    return rows


def sample(snap: Snapshot, spec: S.CaseSpec, t: float) -> dict[str, Any]:
    if not snap.is_code:
        view = snap.view
        return {
            "t": t,
            "type": "learning",
            "visible_code": None,
            "full_code": None,
            "file": None,
            "view": view_name(view),
            "topic": topic_of(view),
        }
    rows = visible_lines(snap, spec)
    full = "\n".join(ln.rstrip() for ln in snap.lines)
    out: dict[str, Any] = {
        "t": t,
        "type": "code",
        "visible_code": "\n".join(rows),
        "full_code": full,
        "file": snap.file,
        "editor": snap.editor,
        "view": "editor",
        "first_line": snap.top + 1,
        "cursor": [snap.cursor[0] + 1, snap.cursor[1] + 1],
    }
    if snap.kind == "ide":
        out["open_files"] = [name for name, _ in snap.files]
    return out


def build_truth(spec: S.CaseSpec, tl: Timeline, seed: int = 0) -> dict[str, Any]:
    fps = tl.fps
    duration = tl.n_frames / fps
    bounds = tl.boundaries()
    samples = []
    n = math.ceil(duration / SAMPLE_STEP - 1e-9)
    for k in range(n):
        t = round(k * SAMPLE_STEP, 3)
        f = min(math.floor(t * fps + 1e-6), tl.n_frames - 1)
        s = sample(tl.at_frame(f), spec, t)
        if any(abs(b - t) <= NEAR for b in bounds):
            s["near_boundary"] = True
        samples.append(s)
    kinds = {st.kind for st in tl.states}
    editor = "synthetic VS Code-like window" if "ide" in kinds else "synthetic terminal"
    if "ide" in kinds and "terminal" in kinds:
        editor = "synthetic VS Code-like window + terminal (shell, python3 REPL)"
    return {
        "case": spec.name,
        "video": "video.mp4",
        "duration": round(duration, 4),
        "width": spec.width,
        "height": spec.height,
        "fps": fps,
        "editor": f"{editor} (theme {spec.theme}, font {spec.font} {spec.font_size}px)",
        "language": spec.language,
        "sample_step": SAMPLE_STEP,
        "generator": "pausecode.synth",
        "seed": seed,
        "description": spec.description,
        "samples": samples,
        "events": [{"t": e.t, "kind": e.kind, "what": e.what} for e in sorted(tl.events, key=lambda e: e.t)],
        "boundary_kinds": sorted(BOUNDARY_KINDS),
    }
