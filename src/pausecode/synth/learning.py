"""Draw the learning screens that tutorials cut to: a slide, and a docs page in a browser.

They are mostly prose in a proportional font (a slide may quote an identifier, a docs page may hold a
short example), which is exactly what makes them hard to tell from code for a classifier.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from . import fonts
from .script import Docs, Slide

_SLIDE_STYLES = {
    # background top, background bottom, title, text, accent
    "dark": ((24, 32, 56), (14, 18, 34), (255, 255, 255), (214, 222, 240), (255, 196, 61)),
    "light": ((250, 250, 247), (236, 238, 242), (28, 36, 60), (55, 62, 80), (0, 120, 212)),
    "accent": ((46, 26, 92), (120, 40, 110), (255, 255, 255), (240, 230, 250), (120, 230, 200)),
}


def wrap(text: str, font: fonts.Font, width: float) -> list[str]:
    """Greedy word wrap by measured pixel width."""
    out: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and font.getlength(trial) > width:
            out.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        out.append(cur)
    return out


def _gradient(w: int, h: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    col = Image.linear_gradient("L").resize((1, h))
    a = Image.new("RGB", (1, h), top)
    b = Image.new("RGB", (1, h), bottom)
    return Image.composite(b, a, col).resize((w, h))


def render_slide(step: Slide, width: int, height: int, style: str = "dark", page: int = 1) -> Image.Image:
    top, bottom, title_c, text_c, accent = _SLIDE_STYLES.get(style, _SLIDE_STYLES["dark"])
    s = height / 720.0
    img = _gradient(width, height, top, bottom)
    d = ImageDraw.Draw(img)
    margin = int(90 * s)
    tf = fonts.sans(int(52 * s), bold=True)
    y = int(110 * s) if step.bullets else int(270 * s)
    for line in wrap(step.title, tf, width - 2 * margin):
        d.text((margin, y), line, font=tf, fill=title_c)
        y += int(64 * s)
    d.rectangle((margin, y + int(8 * s), margin + int(120 * s), y + int(14 * s)), fill=accent)
    y += int(60 * s)
    bf = fonts.sans(int(30 * s))
    for bullet in step.bullets:
        d.ellipse((margin + 4 * s, y + 13 * s, margin + 16 * s, y + 25 * s), fill=accent)
        for k, line in enumerate(wrap(bullet, bf, width - 2 * margin - 50 * s)):
            d.text((margin + int(40 * s), y), line, font=bf, fill=text_c)
            y += int(42 * s)
        y += int(16 * s)
    sf = fonts.sans(int(16 * s))
    d.text((margin, height - int(50 * s)), "Python for Beginners", font=sf, fill=text_c)
    num = str(page)
    d.text((width - margin - sf.getlength(num), height - int(50 * s)), num, font=sf, fill=text_c)
    return img


def render_docs(step: Docs, width: int, height: int, mono_font: str = "dejavu") -> Image.Image:
    s = height / 720.0
    img = Image.new("RGB", (width, height), (255, 255, 255))
    d = ImageDraw.Draw(img)
    ui = fonts.sans(int(13 * s))
    # browser chrome: tab strip, address bar
    d.rectangle((0, 0, width, int(38 * s)), fill=(222, 225, 230))
    d.rounded_rectangle(
        (int(10 * s), int(6 * s), int(260 * s), int(40 * s)), radius=int(8 * s), fill=(255, 255, 255)
    )
    d.text((int(24 * s), int(14 * s)), step.title, font=ui, fill=(40, 40, 40))
    d.rectangle((0, int(38 * s), width, int(78 * s)), fill=(255, 255, 255))
    d.rounded_rectangle(
        (int(110 * s), int(44 * s), width - int(120 * s), int(72 * s)),
        radius=int(14 * s),
        fill=(239, 241, 244),
    )
    d.text((int(134 * s), int(50 * s)), step.url, font=ui, fill=(60, 60, 60))
    for k in range(3):
        cx = int((24 + 30 * k) * s)
        d.ellipse(
            (cx - 7 * s, 58 * s - 7 * s, cx + 7 * s, 58 * s + 7 * s),
            outline=(110, 110, 110),
            width=max(1, int(s)),
        )
    d.line((0, int(78 * s), width, int(78 * s)), fill=(210, 210, 210))
    # site header
    d.rectangle((0, int(79 * s), width, int(115 * s)), fill=(55, 118, 171))
    d.text((int(30 * s), int(88 * s)), step.site, font=fonts.sans(int(15 * s)), fill=(255, 255, 255))
    # left navigation
    nav_w = int(250 * s)
    d.rectangle((0, int(115 * s), nav_w, height), fill=(245, 246, 248))
    nf = fonts.sans(int(14 * s))
    ny = int(140 * s)
    for item in (
        "Table of Contents",
        "An Informal Introduction",
        "More Control Flow Tools",
        "Data Structures",
        "Modules",
        "Input and Output",
        "Errors and Exceptions",
        "Classes",
    ):
        d.text(
            (int(24 * s), ny),
            item,
            font=nf,
            fill=(34, 85, 170) if item != "Table of Contents" else (30, 30, 30),
        )
        ny += int(30 * s)
    # article
    x = nav_w + int(50 * s)
    col_w = min(width - x - int(60 * s), int(820 * s))
    y = int(140 * s)
    hf = fonts.sans(int(34 * s), bold=True)
    for line in wrap(step.title, hf, col_w):
        d.text((x, y), line, font=hf, fill=(20, 20, 20))
        y += int(44 * s)
    y += int(12 * s)
    pf = fonts.sans(int(17 * s))
    paragraphs = list(step.paragraphs)
    for k, para in enumerate(paragraphs):
        for line in wrap(para, pf, col_w):
            if y > height - int(30 * s):
                return img
            d.text((x, y), line, font=pf, fill=(34, 34, 34))
            y += int(27 * s)
        y += int(16 * s)
        if k == 0 and step.example:
            mf = fonts.mono(mono_font, int(15 * s))
            ex = step.example.split("\n")
            h = int(len(ex) * 21 * s + 24 * s)
            d.rectangle((x, y, x + col_w, y + h), fill=(238, 255, 204), outline=(172, 200, 120))
            for i, line in enumerate(ex):
                d.text((x + int(14 * s), y + int(12 * s + i * 21 * s)), line, font=mf, fill=(51, 51, 51))
            y += h + int(18 * s)
    return img
