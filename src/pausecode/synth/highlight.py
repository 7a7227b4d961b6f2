"""Syntax colouring with Pygments: the whole buffer is lexed at once (docstrings and multi-line strings
need context), then split into per-line coloured runs the renderer draws."""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name

from .themes import RGB, Theme, make_theme

Run = tuple[int, str, RGB]  # start column, text, colour


@lru_cache(maxsize=8)
def _lexer(language: str) -> Lexer:
    return get_lexer_by_name(language, stripnl=False, ensurenl=False)


@lru_cache(maxsize=4096)
def colour_lines(lines: tuple[str, ...], language: str, theme_name: str) -> tuple[tuple[Run, ...], ...]:
    """Coloured runs per line (whitespace-only runs dropped)."""
    theme: Theme = make_theme(theme_name)
    text = "\n".join(lines)
    out: list[list[Run]] = [[] for _ in lines]
    row = col = 0
    for ttype, value in _lexer(language).get_tokens(text):
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k > 0:
                row += 1
                col = 0
            if part and part.strip() and row < len(out):
                out[row].append((col, part, theme.token_color(ttype)))
            col += len(part)
    return tuple(tuple(r) for r in out)


def group_by_colour(runs: tuple[Run, ...]) -> dict[RGB, str]:
    """One string per colour with other columns blanked: a line is drawn with one text call per colour,
    so glyph spacing is exactly the font's own."""
    if not runs:
        return {}
    width = max(c + len(t) for c, t, _ in runs)
    by: dict[RGB, list[str]] = {}
    for col, text, colour in runs:
        buf = by.get(colour)
        if buf is None:
            buf = by[colour] = [" "] * width
        buf[col : col + len(text)] = list(text)
    return {c: "".join(b).rstrip() for c, b in by.items()}
