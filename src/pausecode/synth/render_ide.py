"""Draw the static part of a VS Code-like frame: chrome, gutter, highlighted code, minimap.

The caret, the mouse pointer and the webcam picture change on their own clock and are overlaid per
frame by compose.py, so this (slower) drawing runs once per screen state only.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw

from . import fonts
from .editor import indent_of
from .highlight import colour_lines, group_by_colour
from .layout import Geometry, ide_geometry, tab_rects
from .script import CaseSpec
from .state import Snapshot
from .themes import Theme, mix

_LANG_LABEL = {"python": "Python", "javascript": "JavaScript", "js": "JavaScript"}


def lexer_for(file: str | None, default: str) -> str:
    if file and file.endswith((".js", ".mjs")):
        return "javascript"
    if file and file.endswith(".py"):
        return "python"
    if file and file.endswith(".md"):
        return "markdown"
    return default


@lru_cache(maxsize=4096)
def line_image(
    runs: tuple, font_name: str, size: int, lh: int, bg: tuple[int, int, int]
) -> Image.Image | None:
    """One highlighted code line on its background (cached: most lines stay the same between
    keystrokes, and glyph rendering is the costly part of a frame)."""
    if not runs:
        return None
    font = fonts.mono(font_name, size)
    cell = fonts.cell_width(font_name, size)
    width = max(c + len(t) for c, t, _ in runs) * cell + cell
    img = Image.new("RGB", (width, lh), bg)
    d = ImageDraw.Draw(img)
    off = fonts.text_offset(font, lh)
    for colour, text in group_by_colour(runs).items():
        d.text((0, off), text, font=font, fill=colour)
    return img


def geometry_for(snap: Snapshot, spec: CaseSpec) -> Geometry:
    return ide_geometry(
        spec.width, spec.height, snap.layout, spec.font, snap.font_size, max(99, len(snap.lines))
    )


def _chevron(d: ImageDraw.ImageDraw, x: float, y: float, size: float, fill, down: bool = True) -> None:
    if down:
        d.polygon([(x, y), (x + size, y), (x + size / 2, y + size * 0.6)], fill=fill)
    else:
        d.polygon([(x, y), (x + size * 0.6, y + size / 2), (x, y + size)], fill=fill)


def _title_bar(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, spec: CaseSpec) -> None:
    x0, y0, x1, y1 = g.title
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.title_bg)
    f = fonts.sans(int(13 * s))
    d.rectangle((int(12 * s), int(8 * s), int(26 * s), int(22 * s)), fill=(0, 122, 204))
    x = int(44 * s)
    for word in ("File", "Edit", "Selection", "View", "Go", "Run", "Terminal", "Help"):
        d.text((x, int(8 * s)), word, font=f, fill=th.title_fg)
        x += int(f.getlength(word) + 18 * s)
    title = f"{snap.file} - {spec.project} - Visual Studio Code"
    d.text(((x1 - f.getlength(title)) / 2, int(8 * s)), title, font=f, fill=th.title_fg)
    cy = (y0 + y1) // 2
    bx = x1 - int(120 * s)
    d.line((bx, cy, bx + int(10 * s), cy), fill=th.title_fg)
    bx += int(44 * s)
    d.rectangle((bx, cy - int(5 * s), bx + int(10 * s), cy + int(5 * s)), outline=th.title_fg)
    bx += int(44 * s)
    d.line((bx, cy - 5 * s, bx + 10 * s, cy + 5 * s), fill=th.title_fg)
    d.line((bx, cy + 5 * s, bx + 10 * s, cy - 5 * s), fill=th.title_fg)


def _activity_bar(d: ImageDraw.ImageDraw, g: Geometry, th: Theme) -> None:
    x0, y0, x1, y1 = g.activity
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.activity_bg)
    cx = (x0 + x1) // 2
    sel = th.fg if th.dark else (255, 255, 255)
    for i in range(5):
        cy = y0 + int((25 + 48 * i) * s)
        col = sel if i == 0 else th.activity_fg
        r = 10 * s
        if i == 0:
            d.rectangle((x0, cy - 24 * s, x0 + 2 * s, cy + 24 * s), fill=sel)
            d.rectangle((cx - r * 0.8, cy - r, cx + r * 0.6, cy + r), outline=col, width=max(1, int(1.5 * s)))
        elif i == 1:
            d.ellipse(
                (cx - r * 0.8, cy - r * 0.8, cx + r * 0.4, cy + r * 0.4),
                outline=col,
                width=max(1, int(2 * s)),
            )
            d.line((cx + r * 0.3, cy + r * 0.3, cx + r, cy + r), fill=col, width=max(1, int(2 * s)))
        elif i == 2:
            for dx, dy in ((-r * 0.5, -r * 0.7), (-r * 0.5, r * 0.7), (r * 0.5, -r * 0.2)):
                d.ellipse((cx + dx - 3 * s, cy + dy - 3 * s, cx + dx + 3 * s, cy + dy + 3 * s), outline=col)
            d.line(
                (cx - r * 0.5, cy - r * 0.4, cx - r * 0.5, cy + r * 0.4), fill=col, width=max(1, int(1.5 * s))
            )
        elif i == 3:
            d.polygon(
                [(cx - r * 0.6, cy - r * 0.8), (cx + r * 0.8, cy), (cx - r * 0.6, cy + r * 0.8)], outline=col
            )
        else:
            for dx, dy in ((-1, -1), (1, -1), (-1, 1)):
                d.rectangle(
                    (
                        cx + dx * 7 * s - 5 * s,
                        cy + dy * 7 * s - 5 * s,
                        cx + dx * 7 * s + 5 * s,
                        cy + dy * 7 * s + 5 * s,
                    ),
                    outline=col,
                )
    for k, cy in enumerate((y1 - int(70 * s), y1 - int(25 * s))):
        if k == 0:
            d.ellipse(
                (cx - 9 * s, cy - 9 * s, cx + 9 * s, cy + 9 * s),
                outline=th.activity_fg,
                width=max(1, int(1.5 * s)),
            )
        else:
            d.ellipse(
                (cx - 8 * s, cy - 8 * s, cx + 8 * s, cy + 8 * s),
                outline=th.activity_fg,
                width=max(1, int(3 * s)),
            )


def _sidebar(
    d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, spec: CaseSpec, project_files: list[str]
) -> None:
    x0, y0, x1, y1 = g.sidebar
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.sidebar_bg)
    small = fonts.sans(int(11 * s))
    bold = fonts.sans(int(11 * s), bold=True)
    f = fonts.sans(int(13 * s))
    d.text((x0 + 20 * s, y0 + 12 * s), "EXPLORER", font=small, fill=th.sidebar_fg)
    d.text((x1 - 28 * s, y0 + 6 * s), "…", font=f, fill=th.sidebar_fg)
    y = y0 + 38 * s
    _chevron(d, x0 + 6 * s, y + 5 * s, 8 * s, th.sidebar_fg)
    d.text((x0 + 16 * s, y), spec.project.upper(), font=bold, fill=th.sidebar_fg)
    y += 22 * s
    entries = [(".vscode", True)] + [(n, False) for n in sorted(set(project_files), key=str.lower)]
    for name, folder in entries:
        if name == snap.file:
            d.rectangle((x0, y - 3 * s, x1 - 1, y + 18 * s), fill=th.sidebar_sel)
        if folder:
            _chevron(d, x0 + 14 * s, y + 3 * s, 8 * s, th.sidebar_fg, down=False)
        else:
            colour = (
                (230, 200, 80)
                if name.endswith(".js")
                else (80, 150, 220)
                if name.endswith(".py")
                else th.activity_fg
            )
            d.text(
                (x0 + 24 * s, y),
                "≡" if name.endswith(".py") else "JS" if name.endswith(".js") else "i",
                font=fonts.sans(int(10 * s), bold=True),
                fill=colour,
            )
        d.text((x0 + 42 * s, y), name, font=f, fill=th.sidebar_fg)
        y += 22 * s
    for k, label in enumerate(("OUTLINE", "TIMELINE")):
        yy = y1 - (44 - 22 * k) * s
        d.line((x0, yy - 4 * s, x1, yy - 4 * s), fill=th.border)
        _chevron(d, x0 + 6 * s, yy + 2 * s, 7 * s, th.sidebar_fg, down=False)
        d.text((x0 + 16 * s, yy), label, font=bold, fill=th.sidebar_fg)


def _tabs(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot) -> None:
    x0, y0, x1, y1 = g.tabs
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.tabbar_bg)
    f = fonts.sans(int(13 * s))
    names = [n for n, _ in snap.files]
    for i, (r, name) in enumerate(zip(tab_rects(g, names), names)):
        active = i == snap.active
        d.rectangle((r[0], r[1], r[2] - 2, r[3] - 1), fill=th.bg if active else th.tab_inactive_bg)
        if active and not th.dark:
            d.line((r[0], r[1], r[2] - 2, r[1]), fill=th.accent, width=max(1, int(2 * s)))
        colour = (230, 200, 80) if name.endswith(".js") else (80, 150, 220)
        d.text(
            (r[0] + 12 * s, r[1] + 10 * s),
            "≡" if name.endswith(".py") else "JS",
            font=fonts.sans(int(10 * s), bold=True),
            fill=colour,
        )
        d.text((r[0] + 30 * s, r[1] + 10 * s), name, font=f, fill=th.tab_fg if active else th.tab_inactive_fg)
        if active:
            cx, cy = r[2] - 20 * s, (r[1] + r[3]) / 2
            d.line(
                (cx - 4 * s, cy - 4 * s, cx + 4 * s, cy + 4 * s), fill=th.tab_fg, width=max(1, int(1.2 * s))
            )
            d.line(
                (cx - 4 * s, cy + 4 * s, cx + 4 * s, cy - 4 * s), fill=th.tab_fg, width=max(1, int(1.2 * s))
            )


def _breadcrumbs(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, spec: CaseSpec) -> None:
    x0, y0, x1, y1 = g.breadcrumbs
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.bg)
    f = fonts.sans(int(13 * s))
    d.text(
        (x0 + 14 * s, y0 + 3 * s),
        f"{spec.project} › {snap.file}",
        font=f,
        fill=th.gutter_fg_active if th.dark else (97, 97, 97),
    )


def _status(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, language: str) -> None:
    x0, y0, x1, y1 = g.status
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.status_bg)
    f = fonts.sans(int(12 * s))
    ty = y0 + 4 * s
    d.text((x0 + 10 * s, ty), "main*", font=f, fill=th.status_fg)
    bx = x0 + 10 * s + f.getlength("main*") + 18 * s
    cy = (y0 + y1) / 2
    r = 5 * s
    d.ellipse((bx - r, cy - r, bx + r, cy + r), outline=th.status_fg, width=max(1, int(s)))
    d.text((bx + 9 * s, ty), "0", font=f, fill=th.status_fg)
    bx += 28 * s
    d.polygon([(bx - r, cy + r), (bx + r, cy + r), (bx, cy - r)], outline=th.status_fg)
    d.text((bx + 9 * s, ty), "0", font=f, fill=th.status_fg)
    row, col = snap.cursor
    label = _LANG_LABEL.get(language, language)
    right = f"Ln {row + 1}, Col {col + 1}     Spaces: 4     UTF-8     LF     {{ }} {label}"
    d.text((x1 - f.getlength(right) - 40 * s, ty), right, font=f, fill=th.status_fg)


def _panel(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, spec: CaseSpec) -> None:
    x0, y0, x1, y1 = g.panel
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.panel_bg)
    d.line((x0, y0, x1, y0), fill=th.border, width=max(1, int(s)))
    f = fonts.sans(int(11 * s))
    x = x0 + 18 * s
    for label in ("PROBLEMS", "OUTPUT", "DEBUG CONSOLE", "TERMINAL", "PORTS"):
        colour = th.panel_fg if label == "TERMINAL" else th.gutter_fg
        d.text((x, y0 + 10 * s), label, font=f, fill=colour)
        if label == "TERMINAL":
            d.line(
                (x, y0 + 27 * s, x + f.getlength(label), y0 + 27 * s), fill=th.accent, width=max(1, int(s))
            )
        x += f.getlength(label) + 24 * s
    mf = fonts.mono(spec.font, max(12, snap.font_size - 1))
    lh = int(mf.size * 1.3)
    nrows = max(1, int((y1 - y0 - 40 * s) // lh))
    rows = list(snap.panel) or ["$ "]
    for i, text in enumerate(rows[-nrows:]):
        d.text((x0 + 18 * s, y0 + 36 * s + i * lh), text, font=mf, fill=th.panel_fg)


def _minimap(d: ImageDraw.ImageDraw, g: Geometry, th: Theme, snap: Snapshot, runs) -> None:
    x0, y0, x1, y1 = g.minimap
    s = g.scale
    d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=th.minimap_bg)
    ph = max(2, round(2 * s))
    pw = max(1.0, 1.0 * s)
    rows = g.rows
    d.rectangle((x0, y0 + snap.top * ph, x1 - 1, y0 + (snap.top + rows) * ph), fill=mix(th.bg, th.fg, 0.1))
    for i, line_runs in enumerate(runs):
        y = y0 + i * ph
        if y + ph > y1:
            break
        for col, text, colour in line_runs:
            xa = x0 + 4 * s + col * pw
            d.rectangle((xa, y, xa + len(text) * pw - 1, y + ph - 1), fill=mix(th.bg, colour, 0.7))


def render_ide(snap: Snapshot, spec: CaseSpec, theme: Theme, project_files: list[str]) -> Image.Image:
    """The static IDE frame of a state (no caret, pointer or webcam picture)."""
    g = geometry_for(snap, spec)
    img = Image.new("RGB", (g.width, g.height), theme.bg)
    d = ImageDraw.Draw(img)
    lines = snap.lines
    language = lexer_for(snap.file, spec.language)
    runs = colour_lines(tuple(lines), language, theme.name)
    font = fonts.mono(g.font, g.font_size)
    lh, cell = g.line_height, g.cell
    off = fonts.text_offset(font, lh)
    crow, _ = snap.cursor
    lay = snap.layout
    if lay.current_line and snap.top <= crow < snap.top + g.rows + 1:
        y = g.row_top(crow - snap.top)
        x_start = g.gutter[2] if g.gutter else g.code[0]
        d.rectangle((x_start, y, g.code[2] - 1, y + lh - 1), fill=theme.line_highlight)
    last = min(len(lines), snap.top + g.rows + 1)  # one extra, partially visible row
    hl_row = crow if lay.current_line else -1
    for i in range(snap.top, last):
        y = g.row_top(i - snap.top)
        bg = theme.line_highlight if i == hl_row else theme.bg
        strip = line_image(runs[i], g.font, g.font_size, lh, bg)
        if strip is not None:
            img.paste(strip, (g.code[0], y))
    if lay.indent_guides:
        levels = [indent_of(ln) // 4 if ln.strip() else -1 for ln in lines]
        for i in range(snap.top, last):
            lv = levels[i]
            if lv < 0:
                nxt = next((v for v in levels[i + 1 :] if v >= 0), 0)
                prv = next((v for v in reversed(levels[:i]) if v >= 0), 0)
                lv = min(nxt, prv)
            y = g.row_top(i - snap.top)
            for k in range(lv):
                x = g.code[0] + k * 4 * cell
                d.line((x, y, x, y + lh - 1), fill=theme.indent_guide)
    if g.gutter:
        gx1 = g.gutter[2] - int(26 * g.scale)
        d.rectangle((g.editor[0], g.code[1], g.gutter[2] - 1, g.code[3]), fill=theme.bg)
        if lay.current_line and snap.top <= crow < last:
            y = g.row_top(crow - snap.top)
            d.rectangle((g.editor[0], y, g.gutter[2] - 1, y + lh - 1), fill=theme.bg)
        for i in range(snap.top, last):
            num = str(i + 1)
            colour = theme.gutter_fg_active if i == crow else theme.gutter_fg
            d.text((gx1 - font.getlength(num), g.row_top(i - snap.top) + off), num, font=font, fill=colour)
    d.rectangle((g.code[2], g.editor[1], g.width - 1, g.editor[3] - 1), fill=theme.bg)
    if g.minimap:
        _minimap(d, g, theme, snap, runs)
    if len(lines) > g.rows and g.scrollbar:
        sx0, sy0, sx1, sy1 = g.scrollbar
        h = sy1 - sy0
        th_h = max(20, h * g.rows // len(lines))
        ty = sy0 + (h - th_h) * snap.top // max(1, len(lines) - g.rows)
        d.rectangle((sx0 + 2, ty, sx1 - 2, ty + th_h), fill=theme.scrollbar)
    if g.breadcrumbs:
        _breadcrumbs(d, g, theme, snap, spec)
    if g.tabs:
        _tabs(d, g, theme, snap)
    if g.panel:
        _panel(d, g, theme, snap, spec)
    if g.sidebar:
        _sidebar(d, g, theme, snap, spec, project_files)
    if g.activity:
        _activity_bar(d, g, theme)
    if g.title:
        _title_bar(d, g, theme, snap, spec)
    if g.status:
        _status(d, g, theme, snap, language)
    if g.webcam:
        x0, y0, x1, y1 = g.webcam
        d.rectangle((x0 - 2, y0 - 2, x1 + 1, y1 + 1), fill=(20, 20, 20))
    return img


def caret_rect(snap: Snapshot, g: Geometry) -> tuple[int, int, int, int] | None:
    """The thin text caret of the IDE, or None when its row is scrolled out of view."""
    row, col = snap.cursor
    r = row - snap.top
    if not 0 <= r < g.rows:
        return None
    x = g.col_x(col)
    y = g.row_top(r)
    w = max(2, round(2 * g.scale))
    return x, y + 1, x + w, y + g.line_height - 1
