"""Colour themes: a Pygments style for the code plus editor-chrome colours around it.

Code colours come straight from real Pygments styles, so token colouring looks like the editors that
ship those themes; chrome colours follow VS Code's Dark+/Light+ defaults, tinted by the style background.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import Token, _TokenType

RGB = tuple[int, int, int]


def hex_rgb(value: str) -> RGB:
    v = value.lstrip("#")
    if len(v) == 3:
        v = "".join(c * 2 for c in v)
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def mix(a: RGB, b: RGB, k: float) -> RGB:
    """Blend a toward b by k (0..1)."""
    return tuple(round(x + (y - x) * k) for x, y in zip(a, b))  # type: ignore[return-value]


def luminance(c: RGB) -> float:
    return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255.0


@dataclass(frozen=True)
class Theme:
    """All colours one frame needs. Build with make_theme()."""

    name: str
    dark: bool
    style: str
    bg: RGB
    fg: RGB
    gutter_fg: RGB
    gutter_fg_active: RGB
    line_highlight: RGB
    indent_guide: RGB
    title_bg: RGB
    title_fg: RGB
    activity_bg: RGB
    activity_fg: RGB
    sidebar_bg: RGB
    sidebar_fg: RGB
    sidebar_sel: RGB
    tabbar_bg: RGB
    tab_inactive_bg: RGB
    tab_fg: RGB
    tab_inactive_fg: RGB
    status_bg: RGB
    status_fg: RGB
    panel_bg: RGB
    panel_fg: RGB
    border: RGB
    cursor: RGB
    minimap_bg: RGB
    scrollbar: RGB
    accent: RGB
    _tokens: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def token_color(self, ttype: _TokenType) -> RGB:
        """Foreground colour of a Pygments token type (cached)."""
        hit = self._tokens.get(ttype)
        if hit is None:
            hit = _token_color(self.style, ttype, self.fg)
            self._tokens[ttype] = hit
        return hit


@cache
def _style(name: str) -> StyleMeta:
    return get_style_by_name(name)


def _token_color(style_name: str, ttype: _TokenType, default: RGB) -> RGB:
    st = _style(style_name).style_for_token(ttype)
    return hex_rgb(st["color"]) if st.get("color") else default


# name -> (pygments style, dark?, status-bar colour, accent)
_PRESETS: dict[str, tuple[str, bool, str, str]] = {
    "monokai": ("monokai", True, "#007acc", "#66d9ef"),
    "one-dark": ("one-dark", True, "#21252b", "#528bff"),
    "dracula": ("dracula", True, "#bd93f9", "#ff79c6"),
    "github-dark": ("github-dark", True, "#1f6feb", "#58a6ff"),
    "native": ("native", True, "#007acc", "#6ab825"),
    "vs": ("vs", False, "#007acc", "#005fb8"),
    "friendly": ("friendly", False, "#3d7b7b", "#4070a0"),
    "solarized-light": ("solarized-light", False, "#268bd2", "#268bd2"),
    "default": ("default", False, "#6c3fc5", "#3d7b7b"),
    "xcode": ("xcode", False, "#0b4f9e", "#0b4f9e"),
}

THEMES = tuple(_PRESETS)


@cache
def make_theme(name: str) -> Theme:
    """Theme by preset name (see THEMES)."""
    if name not in _PRESETS:
        raise KeyError(f"unknown theme {name!r}; have {list(_PRESETS)}")
    style_name, dark, status, accent = _PRESETS[name]
    style = _style(style_name)
    bg = hex_rgb(style.background_color or ("#1e1e1e" if dark else "#ffffff"))
    if dark and luminance(bg) > 0.3 or (not dark and luminance(bg) < 0.6):
        bg = (30, 30, 30) if dark else (255, 255, 255)
    base_fg = _token_color(style_name, Token.Text, (212, 212, 212) if dark else (30, 30, 30))
    if dark:
        fg = base_fg if luminance(base_fg) > 0.5 else (212, 212, 212)
        chrome = mix(bg, (0, 0, 0), 0.25)
        return Theme(
            name=name,
            dark=True,
            style=style_name,
            bg=bg,
            fg=fg,
            gutter_fg=mix(bg, (255, 255, 255), 0.42),
            gutter_fg_active=mix(bg, (255, 255, 255), 0.78),
            line_highlight=mix(bg, (255, 255, 255), 0.06),
            indent_guide=mix(bg, (255, 255, 255), 0.16),
            title_bg=mix(bg, (0, 0, 0), 0.35),
            title_fg=(204, 204, 204),
            activity_bg=mix(bg, (0, 0, 0), 0.15),
            activity_fg=(133, 133, 133),
            sidebar_bg=chrome,
            sidebar_fg=(204, 204, 204),
            sidebar_sel=mix(chrome, (255, 255, 255), 0.12),
            tabbar_bg=chrome,
            tab_inactive_bg=mix(chrome, (255, 255, 255), 0.05),
            tab_fg=(255, 255, 255),
            tab_inactive_fg=(150, 150, 150),
            status_bg=hex_rgb(status),
            status_fg=(255, 255, 255),
            panel_bg=bg,
            panel_fg=(204, 204, 204),
            border=mix(bg, (255, 255, 255), 0.1),
            cursor=(174, 175, 173),
            minimap_bg=bg,
            scrollbar=mix(bg, (255, 255, 255), 0.18),
            accent=hex_rgb(accent),
        )
    fg = base_fg if luminance(base_fg) < 0.5 else (30, 30, 30)
    chrome = mix(bg, (0, 0, 0), 0.04)
    return Theme(
        name=name,
        dark=False,
        style=style_name,
        bg=bg,
        fg=fg,
        gutter_fg=(110, 118, 129),
        gutter_fg_active=(11, 33, 108),
        line_highlight=mix(bg, (0, 0, 0), 0.045),
        indent_guide=mix(bg, (0, 0, 0), 0.13),
        title_bg=(221, 221, 221),
        title_fg=(51, 51, 51),
        activity_bg=(44, 44, 44) if name == "vs" else mix(bg, (0, 0, 0), 0.1),
        activity_fg=(150, 150, 150),
        sidebar_bg=mix(bg, (0, 0, 0), 0.05),
        sidebar_fg=(59, 59, 59),
        sidebar_sel=mix(bg, (0, 90, 200), 0.15),
        tabbar_bg=mix(bg, (0, 0, 0), 0.07),
        tab_inactive_bg=chrome,
        tab_fg=(51, 51, 51),
        tab_inactive_fg=(110, 110, 110),
        status_bg=hex_rgb(status),
        status_fg=(255, 255, 255),
        panel_bg=bg,
        panel_fg=(51, 51, 51),
        border=mix(bg, (0, 0, 0), 0.12),
        cursor=(0, 0, 0),
        minimap_bg=bg,
        scrollbar=mix(bg, (0, 0, 0), 0.2),
        accent=hex_rgb(accent),
    )
