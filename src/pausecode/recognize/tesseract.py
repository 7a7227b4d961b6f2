"""Tesseract (through the `tesserocr` wheel, with the system's `eng.traineddata`): the fast offline fallback.

Settings follow ../shared/notes/ocr-findings.md: gray, inverted when the background is dark, LSTM only, psm 6 for
whole frames and psm 7 for single rows, `preserve_interword_spaces=1`, no Otsu (Tesseract binarises itself),
small text upscaled ×2. Boxes come from the result iterator at word level and are merged back into phrases on
each text line (the shared layout code in `ocr.py`/`classify.py` expects detector-like phrase boxes).

Install: `pip install 'pausecode[tesseract]'` and `apt-get install tesseract-ocr-eng` (Debian/Ubuntu) or
`brew install tesseract` (macOS). `TESSDATA_PREFIX` points at another tessdata folder.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..errors import EngineUnavailableError, FrameRecognitionError
from .base import register_engine
from .grid import Box, ink_columns
from .ocr import OcrEngine

log = logging.getLogger(__name__)

# where distributions put tessdata (first with eng.traineddata wins; TESSDATA_PREFIX is tried before these)
TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/usr/local/share/tesseract-ocr/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)
LANG = "eng"
INSTALL_HINT = (
    "install the Tesseract wheel and English model: pip install 'pausecode[tesseract]' and "
    "apt-get install tesseract-ocr-eng (or brew install tesseract); set TESSDATA_PREFIX to a folder "
    "holding eng.traineddata if it lives elsewhere"
)

FULL_FRAME_UPSCALE_BELOW = 1000  # frames shorter than this (720p and less) are read at ×2: editor text is small
ROW_UPSCALE_BELOW = 20  # single rows lower than this many px are upscaled ×2
ROW_PAD = 6  # px of background around a row image: Tesseract misses glyphs touching the border
PHRASE_GAP_CHARS = 2.6  # words closer than this many character widths belong to one phrase box
SPACE_GAP_CHARS = 0.95  # an ink gap this wide (in character widths) holds at least one space
SPACE_BEARING = 0.3  # ink gap ≈ (spaces + this) × char width: side bearings of the glyphs around it


def find_tessdata(lang: str = LANG) -> Path | None:
    """The tessdata folder holding `<lang>.traineddata`: TESSDATA_PREFIX first, then the usual places."""
    candidates: list[Path] = []
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        candidates += [Path(env), Path(env) / "tessdata"]
    candidates += [Path(p) for p in TESSDATA_CANDIDATES]
    for c in candidates:
        if (c / f"{lang}.traineddata").is_file():
            return c
    return None


def prepare_gray(img: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Gray, dark text on light (Tesseract's LSTM is trained on that), optionally upscaled. No binarisation."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if float(gray.mean()) < 128:
        gray = 255 - gray
    if scale != 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(gray, dtype=np.uint8)


@dataclass
class _Word:
    """One word as Tesseract saw it: ink box, confidence, and each symbol's text and x centre (frame px)."""

    x1: float
    y1: float
    x2: float
    y2: float
    conf: float
    symbols: list[tuple[str, float]]

    @property
    def h(self) -> float:
        return self.y2 - self.y1


def _iterate_words(api: Any, scale: float) -> list[list[_Word]]:
    """Recognised text lines (top to bottom) as lists of words, coordinates divided by `scale`."""
    from tesserocr import RIL

    lines: list[list[_Word]] = []
    it = api.GetIterator()
    if it is None:
        return lines
    word: _Word | None = None
    while True:
        if it.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
            lines.append([])
        if it.IsAtBeginningOf(RIL.WORD) or word is None:
            bbox = it.BoundingBox(RIL.WORD)
            if bbox is None:
                word = None
            else:
                x1, y1, x2, y2 = (v / scale for v in bbox)
                word = _Word(x1, y1, x2, y2, max(0.0, min(1.0, it.Confidence(RIL.WORD) / 100.0)), [])
                lines[-1].append(word)
        sym = it.GetUTF8Text(RIL.SYMBOL)
        sb = it.BoundingBox(RIL.SYMBOL)
        if word is not None and sym and sym.strip() and sb is not None:
            word.symbols.append((sym.strip(), (sb[0] + sb[2]) / 2 / scale))
        if not it.Next(RIL.SYMBOL):
            break
    return [[w for w in ln if w.symbols] for ln in lines if any(w.symbols for w in ln)]


def _pitch(words: list[_Word]) -> float | None:
    """Monospace pitch from symbol centres: median distance between neighbours inside words."""
    diffs = [b[1] - a[1] for w in words for a, b in zip(w.symbols, w.symbols[1:])]
    diffs = [d for d in diffs if d > 0]
    if len(diffs) < 4:
        return None
    return float(np.median(diffs))


def _spell(words: list[_Word], cw: float) -> tuple[str, list[float]]:
    """Words of one phrase → text with spaces from the gaps on the grid, and each character's x centre
    (inserted spaces get interpolated centres)."""
    text = ""
    centers: list[float] = []
    prev_c: float | None = None
    for wi, w in enumerate(words):
        for si, (sym, c) in enumerate(w.symbols):
            if prev_c is not None:
                steps = (c - prev_c) / cw
                # Tesseract's word breaks are not reliable spaces (`sorted` `(nums)`): the grid decides;
                # inside a word, where Tesseract saw no space, only a clear gap adds one
                limit = 1.5 if si == 0 else 1.75
                n_sp = max(1, int(round(steps)) - 1) if steps > limit else 0
                for k in range(n_sp):
                    text += " "
                    centers.append(prev_c + (k + 1) * (c - prev_c) / (n_sp + 1))
            text += sym
            centers.extend([c] * len(sym))
            prev_c = c
    return text, centers


def _phrase_box(words: list[_Word], cw: float) -> Box:
    """One detector-like box for words on one line: text with grid spacing, box on the character cells
    (Tesseract's boxes are tight around the ink; the layout code expects width ≈ len(text) × char width)."""
    text, centers = _spell(words, cw)
    n = len(text)
    if n >= 2:
        cols = np.arange(n, dtype=np.float64) + 0.5
        cs = np.asarray(centers, dtype=np.float64)
        slope, icpt = np.polyfit(cols, cs, 1)
        if not 0.5 * cw <= slope <= 1.6 * cw:  # a bad fit (odd symbol boxes): trust the line's pitch
            slope, icpt = cw, float(np.mean(cs - cols * cw))
    else:
        slope, icpt = cw, centers[0] - 0.5 * cw
    y1 = min(w.y1 for w in words)
    y2 = max(w.y2 for w in words)
    weights = [len(w.symbols) for w in words]
    score = float(np.average([w.conf for w in words], weights=weights))
    return Box(float(icpt), y1, float(icpt + n * slope), y2, text, score)


def _line_boxes(words: list[_Word], frame_cw: float | None) -> list[Box]:
    """Split a text line at wide gaps (sidebar | code | minimap) into phrase boxes."""
    if not words:
        return []
    words = sorted(words, key=lambda w: w.x1)
    h = float(np.median([w.h for w in words]))
    groups: list[list[_Word]] = [[words[0]]]
    for w in words[1:]:
        if w.x1 - groups[-1][-1].x2 > 3.0 * h:  # far apart: certainly different regions
            groups.append([w])
        else:
            groups[-1].append(w)
    out: list[Box] = []
    for g in groups:
        cw = _pitch(g) or frame_cw or 0.55 * h
        phrase = [g[0]]
        for w in g[1:]:
            if w.symbols[0][1] - phrase[-1].symbols[-1][1] > (PHRASE_GAP_CHARS + 1) * cw:
                out.append(_phrase_box(phrase, cw))
                phrase = [w]
            else:
                phrase.append(w)
        out.append(_phrase_box(phrase, cw))
    return out


def _ink_words(gray: np.ndarray, margin: int, scale: float, cw: float) -> list[tuple[float, float]]:
    """Runs of ink in a prepared row image, split where the gap is about a character wide or more (spaces).
    `margin`: px of padding around the row (excluded); result in the same coordinates as the symbols."""
    core = gray[margin + int(scale): gray.shape[0] - margin - int(scale), margin: gray.shape[1] - margin]
    if core.size == 0:
        return []
    cols = ink_columns(core)
    idx = np.flatnonzero(cols)
    if len(idx) == 0:
        return []
    xs = (idx + margin) / scale
    words: list[list[float]] = [[xs[0], xs[0] + 1 / scale]]
    for x in xs[1:]:
        if x - words[-1][1] >= SPACE_GAP_CHARS * cw:
            words.append([x, x + 1 / scale])
        else:
            words[-1][1] = x + 1 / scale
    return [(a, b) for a, b in words]


def _spell_by_ink(words: list[_Word], ink: list[tuple[float, float]], cw: float) -> str | None:
    """Row text with spaces where the ink has character-wide gaps: Tesseract's characters go to the ink word
    under them; gaps become spaces on the grid. None when the ink and the reading don't fit together."""
    if not ink:
        return None
    chunks: list[str] = ["" for _ in ink]
    for w in words:
        for sym, c in w.symbols:
            best = min(range(len(ink)), key=lambda i: 0.0 if ink[i][0] <= c <= ink[i][1]
                       else min(abs(c - ink[i][0]), abs(c - ink[i][1])))
            a, b = ink[best]
            if min(abs(c - a), abs(c - b)) > 1.5 * cw and not a <= c <= b:
                return None  # a character far from any ink: the reading and the pixels disagree
            chunks[best] += sym
    out = ""
    prev_end: float | None = None
    for (a, b), text in zip(ink, chunks):
        if not text:  # ink Tesseract did not read (a dim mark, pointer): no text, but keep the spacing
            continue
        if prev_end is not None:
            out += " " * max(1, int(round((a - prev_end) / cw - SPACE_BEARING)))
        out += text
        prev_end = b
    return out


@register_engine
class TesseractEngine(OcrEngine):
    name = "tesseract"
    description = "Offline OCR with Tesseract 5 LSTM (tesserocr + eng.traineddata). Faster than rapidocr, less exact."

    def __init__(self, settings) -> None:  # noqa: ANN001
        super().__init__(settings)
        self._apis: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._tessdata: Path | None = None

    # ------------------------------------------------------------------ setup
    def check(self) -> None:
        try:
            import tesserocr  # noqa: F401
        except ImportError as e:
            raise EngineUnavailableError("the tesseract engine needs the tesserocr package", hint=INSTALL_HINT) from e
        path = find_tessdata()
        if path is None:
            where = os.environ.get("TESSDATA_PREFIX") or ", ".join(TESSDATA_CANDIDATES[:3])
            raise EngineUnavailableError(f"Tesseract's {LANG}.traineddata was not found (looked in {where})",
                                         hint=INSTALL_HINT)
        self._tessdata = path
        self._api(6)  # load the model now: a broken install fails before any frame is read

    def _api(self, psm: int) -> Any:
        api = self._apis.get(psm)
        if api is not None:
            return api
        from tesserocr import OEM, PyTessBaseAPI

        if self._tessdata is None:
            self._tessdata = find_tessdata()
            if self._tessdata is None:
                raise EngineUnavailableError(f"Tesseract's {LANG}.traineddata was not found", hint=INSTALL_HINT)
        try:
            api = PyTessBaseAPI(path=str(self._tessdata) + os.sep, lang=LANG, psm=psm, oem=OEM.LSTM_ONLY,
                                variables={"preserve_interword_spaces": "1"})
        except RuntimeError as e:
            raise EngineUnavailableError(f"Tesseract could not load {LANG} from {self._tessdata}: {e}",
                                         hint=INSTALL_HINT) from e
        self._apis[psm] = api
        return api

    def close(self) -> None:
        with self._lock:
            for api in self._apis.values():
                try:
                    api.End()
                except Exception:  # pragma: no cover - best effort
                    pass
            self._apis.clear()

    # ------------------------------------------------------------------ primitives
    def _recognize_gray(self, api: Any, gray: np.ndarray) -> None:
        api.SetImageBytes(gray.tobytes(), gray.shape[1], gray.shape[0], 1, gray.shape[1])
        api.Recognize()

    def _detect_and_read(self, frame: np.ndarray) -> list[Box]:
        h = frame.shape[0]
        scale = 2.0 if h < FULL_FRAME_UPSCALE_BELOW else 1.0
        gray = prepare_gray(frame, scale)
        with self._lock:
            api = self._api(6)
            try:
                self._recognize_gray(api, gray)
                lines = _iterate_words(api, scale)
            except RuntimeError as e:
                raise FrameRecognitionError(f"tesseract failed on the frame: {e}") from e
        frame_cw = _pitch([w for ln in lines for w in ln])
        boxes: list[Box] = []
        for words in lines:
            boxes.extend(_line_boxes(words, frame_cw))
        return boxes

    def _read_row_images(self, images: list[np.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        read: list[list[_Word] | None] = []
        prepared: list[tuple[np.ndarray, float]] = []
        with self._lock:
            api = self._api(7)
            for im in images:
                if im.size == 0 or im.shape[0] < 2 or im.shape[1] < 2:
                    read.append(None)
                    prepared.append((np.zeros((1, 1), np.uint8), 1.0))
                    continue
                scale = 2.0 if im.shape[0] < ROW_UPSCALE_BELOW else 1.0
                gray = prepare_gray(im, scale)
                bg = int(np.median(gray))
                gray = cv2.copyMakeBorder(gray, ROW_PAD, ROW_PAD, ROW_PAD, ROW_PAD, cv2.BORDER_CONSTANT, value=bg)
                prepared.append((gray, scale))
                try:
                    self._recognize_gray(api, gray)
                    lines = _iterate_words(api, scale)
                except RuntimeError as e:
                    log.warning("tesseract failed on a row: %s", e)
                    read.append(None)
                    continue
                read.append([w for ln in lines for w in ln])
        # rows of one call come from one code pane: one pitch for all of them
        all_words = [w for ws in read if ws for w in ws]
        cw = _pitch(all_words)
        if cw is None and all_words:
            cw = float(np.median([w.h for w in all_words])) * 0.55
        out: list[tuple[str, float]] = []
        for ws, (gray, scale) in zip(read, prepared):
            if not ws or cw is None:
                out.append(("", 0.0))
                continue
            ws = sorted(ws, key=lambda w: w.x1)
            text = _spell_by_ink(ws, _ink_words(gray, ROW_PAD, scale, cw), cw)
            if text is None:
                text, _ = _spell(ws, cw)
            weights = [len(w.symbols) for w in ws]
            out.append((text, float(np.average([w.conf for w in ws], weights=weights))))
        return out
