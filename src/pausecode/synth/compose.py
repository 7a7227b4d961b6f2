"""Assemble each video frame: the cached static image of the current state plus the per-frame
overlays (blinking caret, mouse pointer, webcam / presenter picture).

Frames whose inputs did not change are reported as repeats, so the encoder reuses the previous
picture instead of converting a new one: the main reason generation runs faster than real time.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from . import script as S
from .layout import Geometry
from .learning import render_docs, render_slide
from .render_ide import caret_rect, geometry_for, render_ide
from .render_term import block_caret, render_terminal, term_geometry_for
from .state import Snapshot, Timeline
from .themes import make_theme
from .webcam import presenter_array, webcam_array

BLINK = 0.53  # seconds per caret phase (on, then off)


@lru_cache(maxsize=8)
def pointer_sprite(kind: str, scale: float) -> np.ndarray:
    """RGBA mouse pointer: the classic arrow, or the text I-beam shown over an editor."""
    s = max(1.0, scale)
    if kind == "arrow":
        w, h = int(13 * s), int(21 * s)
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        pts = [(0, 0), (0, 16), (4, 12), (7, 19), (9, 18), (6, 11), (11, 11)]
        ImageDraw.Draw(img).polygon(
            [(x * s, y * s) for x, y in pts], fill=(0, 0, 0, 255), outline=(255, 255, 255, 255)
        )
    else:
        w, h = int(9 * s), int(19 * s)
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        for colour, width in (((0, 0, 0, 255), 3), ((235, 235, 235, 255), 1)):
            lw = max(1, int(width * s))
            cx = w // 2
            d.line((cx, 1, cx, h - 2), fill=colour, width=lw)
            d.line((1, 1, w - 2, 1), fill=colour, width=lw)
            d.line((1, h - 2, w - 2, h - 2), fill=colour, width=lw)
    return np.asarray(img)


class Composer:
    """Produces frame pixels for a timeline; caches the static image of each state."""

    def __init__(self, spec: S.CaseSpec, tl: Timeline, seed: int = 0) -> None:
        self.spec = spec
        self.tl = tl
        self.seed = seed
        self.theme = make_theme(spec.theme)
        files: list[str] = [st.file for st in spec.steps if isinstance(st, S.Open)]
        self.project_files = list(dict.fromkeys(files + list(spec.extra_files)))
        slides = [st for st in spec.steps if isinstance(st, S.Slide)]
        self.slide_page = {id(st): i + 2 for i, st in enumerate(slides)}
        self._snap: Snapshot | None = None
        self._base: np.ndarray | None = None
        self._geom: Geometry | None = None

    def geometry(self, snap: Snapshot) -> Geometry | None:
        if snap.kind == "ide":
            return geometry_for(snap, self.spec)
        if snap.kind == "terminal":
            return term_geometry_for(snap, self.spec)
        return None

    def render_static(self, snap: Snapshot) -> Image.Image:
        sp = self.spec
        if snap.kind == "ide":
            return render_ide(snap, sp, self.theme, self.project_files)
        if snap.kind == "terminal":
            return render_terminal(snap, sp, self.theme)
        if snap.kind == "slide":
            return render_slide(
                snap.view, sp.width, sp.height, sp.slide_style, self.slide_page.get(id(snap.view), 1)
            )
        if snap.kind == "docs":
            return render_docs(snap.view, sp.width, sp.height, sp.font)
        return Image.new("RGB", (sp.width, sp.height))  # presenter: drawn per frame

    def _use(self, snap: Snapshot) -> None:
        if snap is not self._snap:
            self._snap = snap
            self._geom = self.geometry(snap)
            self._base = np.asarray(self.render_static(snap)) if snap.kind != "presenter" else None

    def caret_on(self, snap: Snapshot, t: float) -> bool:
        return snap.is_code and int((t - snap.blink_origin + 1e-9) // BLINK) % 2 == 0

    def key(self, f: int) -> tuple:
        """Everything that decides frame f's pixels; equal keys mean identical frames."""
        snap = self.tl.at_frame(f)
        t = f / self.tl.fps
        animated = snap.kind == "presenter" or (snap.is_code and snap.layout.webcam)
        return (id(snap), self.caret_on(snap, t), self.tl.mouse_at(t), f if animated else None)

    def parts(self, f: int) -> tuple[Hashable, np.ndarray, list[Overlay]]:
        """Frame f as (key of its static image, that image, overlays drawn on top of it)."""
        snap = self.tl.at_frame(f)
        self._use(snap)
        sp, t = self.spec, f / self.tl.fps
        overlays: list[Overlay] = []
        if snap.kind == "presenter":
            view: S.Presenter = snap.view
            base = presenter_array(
                sp.width, sp.height, f, self.tl.fps, view.name, view.role, sp.presenter_webcam_seed
            )
            base_key: Hashable = ("presenter", f)
        else:
            base, base_key = self._base, id(snap)
        g = self._geom
        if g is not None:
            if self.caret_on(snap, t):
                box = caret_rect(snap, g) if snap.kind == "ide" else block_caret(snap, g)
                if box:
                    colour = (
                        self.theme.cursor
                        if snap.kind == "ide"
                        else ((200, 200, 200) if self.theme.dark else (40, 40, 40))
                    )
                    overlays.append(("fill", box, colour))
            if g.webcam:
                x0, y0, x1, y1 = g.webcam
                cam = webcam_array(x1 - x0, y1 - y0, f, self.tl.fps, sp.presenter_webcam_seed)
                overlays.append(("image", g.webcam, cam))
        mx, my, visible = self.tl.mouse_at(t)
        if visible:
            over_text = g is not None and g.code[0] <= mx < g.code[2] and g.code[1] <= my < g.code[3]
            sprite = pointer_sprite("ibeam" if over_text else "arrow", sp.height / 720.0)
            ox = sprite.shape[1] // 2 if over_text else 0
            oy = sprite.shape[0] // 2 if over_text else 0
            x, y = mx - ox, my - oy
            overlays.append(("rgba", (x, y, x + sprite.shape[1], y + sprite.shape[0]), sprite))
        return base_key, base, overlays

    def frame(self, f: int) -> np.ndarray:
        """Full RGB pixels of frame f (for tests and stills; the encoder patches YUV instead)."""
        _, base, overlays = self.parts(f)
        arr = base.copy()
        apply_overlays(arr, (0, 0, arr.shape[1], arr.shape[0]), overlays)
        return arr


Overlay = tuple[str, tuple[int, int, int, int], object]


def apply_overlays(patch: np.ndarray, rect: tuple[int, int, int, int], overlays: list[Overlay]) -> None:
    """Draw overlays (fill / image / rgba sprite, in frame coordinates) into `patch`, which holds
    the frame region `rect`."""
    px0, py0, px1, py1 = rect
    for kind, (x0, y0, x1, y1), data in overlays:
        cx0, cy0, cx1, cy1 = max(x0, px0), max(y0, py0), min(x1, px1), min(y1, py1)
        if cx0 >= cx1 or cy0 >= cy1:
            continue
        dst = patch[cy0 - py0 : cy1 - py0, cx0 - px0 : cx1 - px0]
        if kind == "fill":
            dst[:] = data
        elif kind == "image":
            dst[:] = data[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        else:
            sp = data[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
            a = sp[..., 3:4].astype(np.uint16)
            dst[:] = ((sp[..., :3] * a + dst * (255 - a)) // 255).astype(np.uint8)
