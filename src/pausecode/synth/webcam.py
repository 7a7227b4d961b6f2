"""A person-like webcam picture that changes every frame (sway, talking, blinking, sensor noise).

Drawn at low resolution and upscaled, like a real webcam feed: cheap enough for every frame, and it
keeps a moving region on screen that a frame-differencing pipeline must not mistake for code edits.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from . import fonts

_PALETTES = [
    # wall top, wall bottom, skin, hair, shirt
    ((92, 110, 130), (60, 70, 84), (224, 180, 150), (60, 40, 30), (40, 90, 160)),
    ((170, 150, 120), (120, 100, 80), (190, 140, 105), (25, 20, 20), (160, 50, 60)),
    ((60, 80, 70), (35, 45, 40), (240, 200, 170), (180, 130, 60), (60, 60, 70)),
]


@lru_cache(maxsize=16)
def _background(w: int, h: int, seed: int) -> Image.Image:
    top, bottom = _PALETTES[seed % len(_PALETTES)][:2]
    grad = np.linspace(0.0, 1.0, h)[:, None, None]
    arr = np.array(top)[None, None] * (1 - grad) + np.array(bottom)[None, None] * grad
    arr = np.repeat(arr, w, axis=1).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(seed)
    # a bookshelf and a lamp glow behind the person
    sx = int(w * 0.05)
    for k in range(3):
        y = int(h * (0.18 + 0.2 * k))
        d.rectangle((sx, y, sx + int(w * 0.28), y + max(1, h // 60)), fill=(70, 50, 35))
        x = sx + 2
        while x < sx + w * 0.27:
            bw = int(rng.integers(max(2, w // 90), max(3, w // 45)))
            bh = int(h * rng.uniform(0.08, 0.14))
            c = tuple(int(v) for v in rng.integers(40, 200, 3))
            d.rectangle((x, y - bh, x + bw, y - 1), fill=c)
            x += bw + 1
    d.ellipse((int(w * 0.78), int(h * 0.05), int(w * 0.98), int(h * 0.3)), fill=(235, 215, 160))
    return img


def person(w: int, h: int, t: float, seed: int = 0) -> Image.Image:
    """One frame of the presenter at time t (RGB, w x h, already low-res)."""
    _, _, skin, hair, shirt = _PALETTES[seed % len(_PALETTES)]
    img = _background(w, h, seed).copy()
    d = ImageDraw.Draw(img)
    sway = math.sin(t * 1.3 + seed) * w * 0.015 + math.sin(t * 0.37) * w * 0.02
    nod = math.sin(t * 2.1) * h * 0.008
    cx = w * 0.55 + sway
    # shoulders / torso
    d.ellipse((cx - w * 0.33, h * 0.72 + nod, cx + w * 0.33, h * 1.35), fill=shirt)
    d.rectangle((cx - w * 0.06, h * 0.58 + nod, cx + w * 0.06, h * 0.78 + nod), fill=skin)
    # head
    hx0, hy0, hx1, hy1 = cx - w * 0.13, h * 0.2 + nod, cx + w * 0.13, h * 0.66 + nod
    d.ellipse((hx0 - w * 0.01, hy0 - h * 0.04, hx1 + w * 0.01, hy0 + h * 0.22), fill=hair)
    d.ellipse((hx0, hy0, hx1, hy1), fill=skin)
    d.chord((hx0 - w * 0.005, hy0 - h * 0.03, hx1 + w * 0.005, hy0 + h * 0.2), 180, 360, fill=hair)
    # eyes blink for ~0.15 s every ~3.7 s
    ey = hy0 + (hy1 - hy0) * 0.45
    blink = (t * 0.27 + seed * 0.1) % 1.0 < 0.04
    for ex in (cx - w * 0.05, cx + w * 0.05):
        if blink:
            d.line((ex - w * 0.018, ey, ex + w * 0.018, ey), fill=(40, 30, 30))
        else:
            d.ellipse((ex - w * 0.015, ey - h * 0.012, ex + w * 0.015, ey + h * 0.012), fill=(40, 30, 30))
    # talking mouth
    my = hy0 + (hy1 - hy0) * 0.75
    open_ = abs(math.sin(t * 9.0)) * abs(math.sin(t * 1.7)) * h * 0.03
    d.ellipse((cx - w * 0.035, my - open_ / 2 - 1, cx + w * 0.035, my + open_ / 2 + 1), fill=(120, 50, 50))
    return img


def webcam_array(w: int, h: int, frame: int, fps: int, seed: int = 0) -> np.ndarray:
    """The webcam box content for a frame: drawn at half size, upscaled, with sensor noise."""
    lw, lh = max(16, w // 2), max(12, h // 2)
    small = np.asarray(person(lw, lh, frame / fps, seed), dtype=np.int16)
    noise = np.random.default_rng((seed, frame)).normal(0.0, 3.0, small.shape).astype(np.int16)
    small = np.clip(small + noise, 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(small, "RGB").resize((w, h), Image.BILINEAR))


@lru_cache(maxsize=8)
def _caption(width: int, height: int, name: str, role: str) -> tuple[np.ndarray, int]:
    s = height / 720.0
    bh = int(90 * s)
    img = Image.new("RGB", (int(width * 0.45), bh), (20, 24, 38))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, int(8 * s), bh), fill=(255, 196, 61))
    d.text((int(28 * s), int(14 * s)), name, font=fonts.sans(int(30 * s), bold=True), fill=(255, 255, 255))
    d.text((int(28 * s), int(54 * s)), role, font=fonts.sans(int(18 * s)), fill=(200, 205, 220))
    return np.asarray(img), int(height - bh - 60 * s)


def presenter_array(
    width: int, height: int, frame: int, fps: int, name: str, role: str, seed: int = 0
) -> np.ndarray:
    """A full-screen presenter shot with a name caption (a learning screen with almost no text)."""
    lw, lh = width // 4, height // 4
    small = np.asarray(person(lw, lh, frame / fps, seed + 1), dtype=np.int16)
    noise = np.random.default_rng((seed + 7, frame)).normal(0.0, 2.0, small.shape).astype(np.int16)
    small = np.clip(small + noise, 0, 255).astype(np.uint8)
    full = np.array(Image.fromarray(small, "RGB").resize((width, height), Image.BILINEAR))
    cap, y = _caption(width, height, name, role)
    x = int(60 * height / 720.0)
    full[y : y + cap.shape[0], x : x + cap.shape[1]] = cap
    return full
