"""Vendored fonts (Debian font packages, licenses beside them) so frames render the same everywhere.

Fonts are loaded with Pillow's BASIC layout engine: no libraqm dependency, no ligatures, and integer
glyph advances, so a monospace cell is a whole number of pixels and columns line up exactly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"

MONO_FONTS: dict[str, str] = {
    "dejavu": "DejaVuSansMono.ttf",
    "jetbrains": "JetBrainsMono-Regular.ttf",
    "liberation": "LiberationMono-Regular.ttf",
    "noto": "NotoMono-Regular.ttf",
    "fira": "FiraCode-Regular.ttf",
}
SANS_REGULAR = "LiberationSans-Regular.ttf"
SANS_BOLD = "LiberationSans-Bold.ttf"

Font = ImageFont.FreeTypeFont


@lru_cache(maxsize=64)
def _load(file: str, size: int) -> Font:
    return ImageFont.truetype(str(FONT_DIR / file), size, layout_engine=ImageFont.Layout.BASIC)


def mono(name: str, size: int) -> Font:
    """A monospace code font by short name (see MONO_FONTS)."""
    if name not in MONO_FONTS:
        raise KeyError(f"unknown mono font {name!r}; have {sorted(MONO_FONTS)}")
    return _load(MONO_FONTS[name], int(size))


def sans(size: int, bold: bool = False) -> Font:
    """The proportional UI / slide font (Liberation Sans, Arial metrics)."""
    return _load(SANS_BOLD if bold else SANS_REGULAR, int(size))


@lru_cache(maxsize=64)
def cell_width(name: str, size: int) -> int:
    """Advance of one monospace cell in pixels (integer with the BASIC engine)."""
    f = mono(name, size)
    w = f.getlength("M" * 50) / 50
    if abs(w - round(w)) > 1e-6:  # pragma: no cover - guards the column arithmetic
        raise ValueError(f"font {name} {size}px has a fractional cell width {w}")
    return round(w)


def text_offset(font: Font, line_height: int) -> int:
    """Vertical offset that centres the font's ascent+descent box inside a row."""
    ascent, descent = font.getmetrics()
    return max(0, (line_height - (ascent + descent)) // 2)
