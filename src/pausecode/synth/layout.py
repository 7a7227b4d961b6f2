"""Where each part of the screen goes: which chrome is shown, and the pixel rectangles that follow.

The geometry also fixes the truth: how many editor rows are visible (a row counts when at least 80 % of
its height is in view) and how many columns fit before the minimap or webcam would cover text.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import fonts

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


@dataclass(frozen=True)
class Layout:
    """Which IDE elements are on screen. Every element is optional per case."""

    title_bar: bool = True
    activity_bar: bool = True
    sidebar: bool = True
    tabs: bool = True
    breadcrumbs: bool = True
    line_numbers: bool = True
    indent_guides: bool = True
    current_line: bool = True
    minimap: bool = False
    status_bar: bool = True
    panel: bool = False
    webcam: bool = False
    tmux_bar: bool = True  # terminal look only


@dataclass(frozen=True)
class Geometry:
    """Pixel rectangles of one screen configuration (IDE or terminal)."""

    width: int
    height: int
    scale: float
    font: str
    font_size: int
    cell: int
    line_height: int
    title: Rect | None
    activity: Rect | None
    sidebar: Rect | None
    tabs: Rect | None
    breadcrumbs: Rect | None
    editor: Rect  # gutter + code + minimap area
    gutter: Rect | None
    code: Rect
    minimap: Rect | None
    scrollbar: Rect | None
    panel: Rect | None
    status: Rect | None
    webcam: Rect | None
    rows: int  # rows counted as visible (>= 80 % of their height)
    cols: int  # columns that can be shown without being covered

    def row_top(self, i: int) -> int:
        """Top pixel of visible row i (0 = the first row of the viewport)."""
        return self.code[1] + i * self.line_height

    def col_x(self, col: int) -> int:
        return self.code[0] + col * self.cell


def line_height_for(font_size: int) -> int:
    return round(font_size * 1.36)


def _count_rows(height: int, lh: int) -> int:
    full, rest = divmod(height, lh)
    return full + (1 if rest >= 0.8 * lh else 0)


def ide_geometry(
    width: int, height: int, layout: Layout, font: str, font_size: int, max_line_number: int = 99
) -> Geometry:
    """Rectangles of the VS Code-like window for this layout and font."""
    s = height / 720.0
    cell = fonts.cell_width(font, font_size)
    lh = line_height_for(font_size)
    y0, y1, x0 = 0, height, 0
    title = activity = sidebar = tabs = crumbs = status = panel = None
    if layout.title_bar:
        title = (0, 0, width, int(30 * s))
        y0 = title[3]
    if layout.status_bar:
        status = (0, height - int(22 * s), width, height)
        y1 = status[1]
    if layout.activity_bar:
        activity = (0, y0, int(48 * s), y1)
        x0 = activity[2]
    if layout.sidebar:
        sidebar = (x0, y0, x0 + int(230 * s), y1)
        x0 = sidebar[2]
    if layout.panel:
        ph = int((y1 - y0) * 0.28)
        panel = (x0, y1 - ph, width, y1)
        y1 = panel[1]
    if layout.tabs:
        tabs = (x0, y0, width, y0 + int(35 * s))
        y0 = tabs[3]
    if layout.breadcrumbs:
        crumbs = (x0, y0, width, y0 + int(22 * s))
        y0 = crumbs[3]
    editor = (x0, y0, width, y1)
    top = y0 + int(4 * s)
    scrollbar = (width - int(14 * s), y0, width, y1)
    right = scrollbar[0]
    minimap = None
    if layout.minimap:
        minimap = (right - int(90 * s), y0, right, y1)
        right = minimap[0]
    if layout.line_numbers:
        digits = max(3, len(str(max_line_number)))
        gw = digits * cell + int(30 * s)
    else:
        gw = int(18 * s)
    gutter = (x0, top, x0 + gw, y1) if layout.line_numbers else None
    code = (x0 + gw, top, right, y1)
    webcam = None
    cols = (right - code[0] - int(4 * s)) // cell
    if layout.webcam:
        ww, wh = int(256 * s), int(192 * s)
        webcam = (right - ww - int(12 * s), y1 - wh - int(12 * s), right - int(12 * s), y1 - int(12 * s))
        cols = min(cols, (webcam[0] - code[0] - int(6 * s)) // cell)
    rows = _count_rows(y1 - top, lh)
    return Geometry(
        width,
        height,
        s,
        font,
        font_size,
        cell,
        lh,
        title,
        activity,
        sidebar,
        tabs,
        crumbs,
        editor,
        gutter,
        code,
        minimap,
        scrollbar,
        panel,
        status,
        webcam,
        rows,
        cols,
    )


def terminal_geometry(width: int, height: int, layout: Layout, font: str, font_size: int) -> Geometry:
    """A full-screen terminal (xterm + optional tmux status row): text from the top-left corner."""
    s = height / 720.0
    cell = fonts.cell_width(font, font_size)
    lh = round(font_size * 1.25)
    pad = int(6 * s)
    status = None
    y1 = height
    if layout.tmux_bar:
        status = (pad, height - pad - lh, width - pad, height - pad)
        y1 = status[1]
    code = (pad, pad, width - pad, y1)
    webcam = None
    cols = (code[2] - code[0]) // cell
    if layout.webcam:
        ww, wh = int(256 * s), int(192 * s)
        webcam = (width - ww - int(16 * s), y1 - wh - int(16 * s), width - int(16 * s), y1 - int(16 * s))
        cols = min(cols, (webcam[0] - code[0] - int(6 * s)) // cell)
    rows = (y1 - pad) // lh
    return Geometry(
        width,
        height,
        s,
        font,
        font_size,
        cell,
        lh,
        None,
        None,
        None,
        None,
        None,
        (0, 0, width, height),
        None,
        code,
        None,
        None,
        None,
        status,
        webcam,
        rows,
        cols,
    )


def tab_rects(geom: Geometry, names: list[str] | tuple[str, ...]) -> list[Rect]:
    """Tab rectangles in the tab bar, left to right (shared by the renderer and the mouse path)."""
    if geom.tabs is None:
        return []
    s = geom.scale
    font = fonts.sans(int(13 * s))
    x = geom.tabs[0]
    out = []
    for name in names:
        w = int(font.getlength(name) + 62 * s)
        out.append((x, geom.tabs[1], x + w, geom.tabs[3]))
        x += w
    return out
