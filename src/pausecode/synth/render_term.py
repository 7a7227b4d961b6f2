"""Draw a full-screen terminal (xterm + tmux look): shell prompts in colour, the Python REPL plain.

There is no gutter and no syntax colouring, as in a real `python3` REPL; the tmux status row at the
bottom is chrome, not code.
"""

from __future__ import annotations

import re

from PIL import Image, ImageDraw

from . import fonts
from .layout import Geometry, terminal_geometry
from .script import CaseSpec
from .state import Snapshot
from .themes import Theme

_PROMPT = re.compile(r"^([\w.-]+@[\w.-]+)(:)([^$]*)(\$ ?)")


def term_geometry_for(snap: Snapshot, spec: CaseSpec) -> Geometry:
    return terminal_geometry(spec.width, spec.height, snap.layout, spec.font, snap.font_size)


def visible_rows(snap: Snapshot, g: Geometry) -> list[str]:
    """Screen rows as shown (the newest rows when the scrollback is longer than the screen)."""
    return list(snap.term_rows[snap.top : snap.top + g.rows])


def render_terminal(snap: Snapshot, spec: CaseSpec, theme: Theme) -> Image.Image:
    g = term_geometry_for(snap, spec)
    bg = theme.bg if theme.dark else (250, 250, 250)
    fg = (204, 204, 204) if theme.dark else (40, 40, 40)
    img = Image.new("RGB", (g.width, g.height), bg)
    d = ImageDraw.Draw(img)
    font = fonts.mono(g.font, g.font_size)
    off = fonts.text_offset(font, g.line_height)
    green = (80, 200, 120) if theme.dark else (0, 130, 60)
    blue = (100, 150, 255) if theme.dark else (30, 80, 200)
    for i, row in enumerate(visible_rows(snap, g)):
        y = g.row_top(i) + off
        m = _PROMPT.match(row)
        if m:
            x = g.code[0]
            for part, colour in ((m.group(1), green), (m.group(2), fg), (m.group(3), blue), (m.group(4), fg)):
                d.text((x, y), part, font=font, fill=colour)
                x += len(part) * g.cell
            d.text((x, y), row[m.end() :], font=font, fill=fg)
        else:
            d.text((g.code[0], y), row, font=font, fill=fg)
    if g.status:
        x0, y0, x1, y1 = g.status
        bar = theme.status_bg if theme.dark else (0, 95, 135)
        d.rectangle((x0, y0, x1, y1 - 1), fill=bar)
        name = "python3" if snap.editor == "terminal_repl" else "bash"
        d.text((x0 + 2, y0 + off), f"[{spec.project}]0:{name}*", font=font, fill=(255, 255, 255))
        right = spec.project
        d.text((x1 - (len(right) + 1) * g.cell, y0 + off), right, font=font, fill=(255, 255, 255))
    if g.webcam:
        x0, y0, x1, y1 = g.webcam
        d.rectangle((x0 - 2, y0 - 2, x1 + 1, y1 + 1), fill=(20, 20, 20))
    return img


def block_caret(snap: Snapshot, g: Geometry) -> tuple[int, int, int, int] | None:
    row, col = snap.cursor
    r = row - snap.top
    if not 0 <= r < g.rows:
        return None
    x, y = g.col_x(col), g.row_top(r)
    return x, y + 1, x + g.cell, y + g.line_height - 1
