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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from ....errors import EngineUnavailableError, FrameRecognitionError
from ...base import FrameContext, Recognition, RowRead, register_engine
from ...grid import Box, ink_columns
from ...ocr import OcrEngine

if TYPE_CHECKING:
    from ....settings import Settings

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
MONO_SHARE = 0.78  # share of symbol steps within ±25 % of the median: the text is on a monospace grid
SPACE_GAP_CHARS = 0.95  # an ink gap this wide (in character widths) holds at least one space
ICON_CONF = 0.4  # full-frame words this unsure and at most 3 characters long are icons, not text
CURSOR_LIKE = frozenset("|Il![]1")  # how Tesseract reads a text cursor
MIN_LAYOUT_LINES = 3  # a grid measured on fewer lines is not trusted for row re-reads of the next frame
RETRY_BELOW_CONF = 0.6  # a row read less sure than this is read again at the other scale
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


def prepare_gray(img: np.ndarray, scale: float = 1.0, stretch: bool = False) -> np.ndarray:
    """Gray, dark text on light (Tesseract's LSTM is trained on that), optionally upscaled. No binarisation.
    `stretch`: background to white, darkest ink to black, mid-tones darkened (dim syntax colours such as a
    pink keyword on a dark theme end up light gray after the conversion, and Tesseract misreads them)."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if float(gray.mean()) < 128:
        gray = 255 - gray
    if stretch:
        lo, hi = float(np.percentile(gray, 1)), float(np.median(gray))
        if hi - lo > 10:
            g = np.clip((gray.astype(np.float32) - lo) / (hi - lo), 0.0, 1.0)
            gray = (255.0 * g * g).astype(np.uint8)
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
    bottoms: list[float] = field(default_factory=list)  # y of each symbol box's bottom
    band: tuple[float, float, float] | None = None  # the text line's (baseline, ascent, descent)

    @property
    def h(self) -> float:
        return self.y2 - self.y1


def _iterate_words(api: Any, scale: float) -> list[list[_Word]]:
    """Recognised text lines (top to bottom) as lists of words, coordinates divided by `scale`."""
    from tesserocr import RIL

    lines: list[list[_Word]] = []
    it = api.GetIterator()
    # an empty page still yields an iterator, and asking it for row attributes crashes the process
    if it is None or it.Empty(RIL.SYMBOL):
        return lines
    word: _Word | None = None
    band: tuple[float, float] | None = None
    while True:
        if it.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
            lines.append([])
            band = None if it.Empty(RIL.TEXTLINE) else _line_band(it, scale)
        if it.IsAtBeginningOf(RIL.WORD) or word is None:
            bbox = it.BoundingBox(RIL.WORD)
            if bbox is None:
                word = None
            else:
                x1, y1, x2, y2 = (v / scale for v in bbox)
                word = _Word(x1, y1, x2, y2, max(0.0, min(1.0, it.Confidence(RIL.WORD) / 100.0)), [],
                             band=band)
                lines[-1].append(word)
        sym = it.GetUTF8Text(RIL.SYMBOL)
        sb = it.BoundingBox(RIL.SYMBOL)
        if word is not None and sym and sym.strip() and sb is not None:
            word.symbols.append((sym.strip(), (sb[0] + sb[2]) / 2 / scale))
            word.bottoms.append(sb[3] / scale)
        if not it.Next(RIL.SYMBOL):
            break
    return [[w for w in ln if w.symbols] for ln in lines if any(w.symbols for w in ln)]


def _line_band(it: Any, scale: float) -> tuple[float, float, float] | None:
    """The iterator's text line as (baseline y, ascender height above it, descender depth below it), frame px:
    what a detector box's height would be, whatever letters the line holds."""
    from tesserocr import RIL

    try:
        base = it.Baseline(RIL.TEXTLINE)
        attrs = it.RowAttributes()
    except (AttributeError, RuntimeError):  # pragma: no cover - older tesserocr
        return None
    if not base or not attrs:
        return None
    (_, by1), (_, by2) = base
    up, down = float(attrs["row_height"]), -float(attrs["descenders"])
    if not up > 0 or down < 0:
        return None
    return (by1 + by2) / 2 / scale, up / scale, down / scale


def _pitch(words: list[_Word]) -> float | None:
    """Monospace pitch from symbol centres: median distance between neighbours inside words."""
    diffs = _diffs(words)
    if len(diffs) < 4:
        return None
    return float(np.median(diffs))


def _diffs(words: list[_Word]) -> list[float]:
    diffs = [b[1] - a[1] for w in words for a, b in zip(w.symbols, w.symbols[1:])]
    return [d for d in diffs if d > 0]


def _is_monospace(words: list[_Word]) -> bool | None:
    """Do the symbols sit on a regular grid? None when there are too few to tell."""
    diffs = _diffs(words)
    if len(diffs) < 4:
        return None
    m = float(np.median(diffs))
    return float(np.mean([abs(d - m) <= 0.25 * m for d in diffs])) >= MONO_SHARE


def _spell(words: list[_Word], cw: float, mono: bool | None = True) -> tuple[str, list[float]]:
    """Words of one phrase → text and each character's x centre (inserted spaces get interpolated centres).

    Monospace: spaces from the gaps on the grid (Tesseract's word breaks are not reliable spaces there:
    `sorted` `(nums)`; inside a word only a clear gap adds one). Proportional text: Tesseract's word breaks.
    """
    text = ""
    centers: list[float] = []
    prev_c: float | None = None
    for w in words:
        for si, (sym, c) in enumerate(w.symbols):
            if prev_c is not None:
                steps = (c - prev_c) / cw
                if mono is False:
                    n_sp = 1 if si == 0 else 0
                else:
                    limit = (1.5 if mono else 1.3) if si == 0 else 1.75
                    n_sp = max(1, round(steps) - 1) if steps > limit else 0
                for k in range(n_sp):
                    text += " "
                    centers.append(prev_c + (k + 1) * (c - prev_c) / (n_sp + 1))
            text += sym
            centers.extend([c] * len(sym))
            prev_c = c
    return text, centers


def _phrase_box(words: list[_Word], cw: float, mono: bool | None,
                typical: tuple[float, float] | None, group_base: float | None = None) -> Box:
    """One detector-like box for words on one line. Monospace: the box covers the character cells (Tesseract's
    boxes are tight around the ink; the layout code expects width ≈ len(text) × char width); proportional: the
    ink. Height: the line's ascender-descender band, so `>>>` or `...` get the height of any other line."""
    text, centers = _spell(words, cw, mono)
    n = len(text)
    if mono is False:
        x1, x2 = min(w.x1 for w in words), max(w.x2 for w in words)
    else:
        if n >= 2:
            cols = np.arange(n, dtype=np.float64) + 0.5
            cs = np.asarray(centers, dtype=np.float64)
            slope, icpt = np.polyfit(cols, cs, 1)
            if not 0.5 * cw <= slope <= 1.6 * cw:  # a bad fit (odd symbol boxes): trust the line's pitch
                slope, icpt = cw, float(np.mean(cs - cols * cw))
        else:
            slope, icpt = cw, centers[0] - 0.5 * cw
        x1, x2 = float(icpt), float(icpt + n * slope)
    y1 = min(w.y1 for w in words)
    y2 = max(w.y2 for w in words)
    band = words[0].band
    if band is not None:
        base, up, down = band
        if group_base is not None:
            base = group_base
        if typical is not None and (0.75 * typical[0] <= up <= 1.4 * typical[0] or (up < typical[0] and n < 6)):
            # Same font size as most lines: the frame's typical ascent/descent, so every line's box sits the
            # same way around its baseline and box centres are exactly one line pitch apart (Tesseract's
            # per-line estimates vary ±15 % with the letters; `>>>` or `...` alone are far too low).
            up, down = typical
        y1, y2 = min(y1, base - up), max(y2, base + down)
        if typical is not None and up == typical[0]:
            y1, y2 = base - up, base + down  # not stretched by a stray tall glyph box
    weights = [len(w.symbols) for w in words]
    score = float(np.average([w.conf for w in words], weights=weights))
    return Box(x1, y1, x2, y2, normalize_code_text(text), score)


def _line_boxes(words: list[_Word], frame_cw: float | None,
                typical: tuple[float, float] | None = None) -> list[Box]:
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
        mono = _is_monospace(g)
        base = _own_baseline(g)
        phrase = [g[0]]
        for w in g[1:]:
            if w.symbols[0][1] - phrase[-1].symbols[-1][1] > (PHRASE_GAP_CHARS + 1) * cw:
                out.append(_phrase_box(phrase, cw, mono, typical, base))
                phrase = [w]
            else:
                phrase.append(w)
        out.append(_phrase_box(phrase, cw, mono, typical, base))
    return out


def _own_baseline(words: list[_Word]) -> float | None:
    """Where this part of a text line really sits: Tesseract gives a line spanning sidebar and editor one
    baseline although their rows are not aligned. Median bottom of the letters and digits that sit on it."""
    bottoms = [y for w in words for (sym, _), y in zip(w.symbols, w.bottoms)
               if len(sym) == 1 and sym.isalnum() and sym not in "gjpqyQ"]
    return float(np.median(bottoms)) if len(bottoms) >= 2 else None


def _ink_words(gray: np.ndarray, margin: int, scale: float, cw: float) -> list[tuple[float, float, int]]:
    """Runs of ink in a prepared row image, split where the gap is about a character wide or more (spaces),
    as (x1, x2, dots) in the symbols' coordinates; `dots` > 0 marks a run of that many baseline dots (the
    REPL's `...` prompt, which Tesseract does not read), -1 a terminal's block cursor after the text.
    `margin`: px of padding around the row (excluded)."""
    core = gray[margin + int(scale): gray.shape[0] - margin - int(scale), margin: gray.shape[1] - margin]
    if core.size == 0:
        return []
    cols = ink_columns(core)
    idx = np.flatnonzero(cols)
    if len(idx) == 0:
        return []
    gap = SPACE_GAP_CHARS * cw * scale
    runs: list[list[int]] = [[int(idx[0]), int(idx[0]) + 1]]
    for i in idx[1:]:
        if i - runs[-1][1] >= gap:
            runs.append([int(i), int(i) + 1])
        else:
            runs[-1][1] = int(i) + 1
    mask = np.abs(core.astype(np.int16) - float(np.median(core))) > 40
    out = []
    for k, (a, b) in enumerate(runs):
        if k == len(runs) - 1 and k > 0 and _is_block_cursor(mask[:, a:b], cw * scale):
            out.append(((a + margin) / scale, (b + margin) / scale, -1))
            continue
        dots = _dot_count(mask[:, a:b], cw * scale)
        if dots == 1:  # a lone speck far from any text (a neighbour's descender, noise) is not a full stop
            near = [r for j, r in enumerate(runs) if j != k and min(abs(r[0] - b), abs(a - r[1])) < 2.5 * cw * scale]
            if not near:
                continue
        out.append(((a + margin) / scale, (b + margin) / scale, dots))
    return out


def _is_block_cursor(mask: np.ndarray, cw: float) -> bool:
    """A terminal's block cursor after the text: one cell of (almost) solid ink, full height."""
    w = mask.shape[1]
    return 0.6 * cw <= w <= 1.3 * cw and float(mask.mean()) > 0.6 and mask.any(axis=1).mean() > 0.8


def _dot_count(mask: np.ndarray, cw: float) -> int:
    """How many baseline dots this ink is, or 0 if it is anything else."""
    ys = np.flatnonzero(mask.any(axis=1))
    if len(ys) == 0:
        return 0
    h = mask.shape[0]
    if ys[-1] - ys[0] + 1 > 0.2 * h or ys[-1] < 0.55 * h:
        return 0
    cols = mask.any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], cols.astype(np.int8), [0]])))
    blobs = list(zip(edges[::2], edges[1::2]))
    if not blobs or any(b - a > 0.45 * cw for a, b in blobs):
        return 0
    return len(blobs)


def _spell_by_ink(words: list[_Word], ink: list[tuple[float, float, int]], cw: float) -> str | None:
    """Row text with spaces where the ink has character-wide gaps: Tesseract's characters go to the ink word
    under them; gaps become spaces on the grid. None when the ink and the reading don't fit together."""
    if not ink:
        return None
    chunks: list[str] = ["" for _ in ink]
    for w in words:
        for sym, c in w.symbols:
            best = min(range(len(ink)), key=lambda i: 0.0 if ink[i][0] <= c <= ink[i][1]
                       else min(abs(c - ink[i][0]), abs(c - ink[i][1])))
            a, b, _ = ink[best]
            off = 0.0 if a <= c <= b else min(abs(c - a), abs(c - b))
            if sym in CURSOR_LIKE and (off > 0.6 * cw or (off > 0.2 * cw and c > ink[-1][1])):
                continue  # a text cursor or indent guide (thin full-height line, not ink): not a character
            if off > 1.5 * cw:
                return None  # a character far from any ink: the reading and the pixels disagree
            chunks[best] += sym
    out = ""
    prev_end: float | None = None
    for (a, b, dots), text in zip(ink, chunks):
        if dots < 0:  # a block cursor: whatever Tesseract made of it is not text
            continue
        if dots:
            text = "." * dots
        if not text:  # ink Tesseract did not read (a dim mark, pointer): no text, but keep the spacing
            continue
        if prev_end is not None:
            out += " " * max(1, round((a - prev_end) / cw - SPACE_BEARING))
        out += text
        prev_end = b
    if out.endswith("|") and len(out) > 1 and out[-2] != " ":
        out = out[:-1]  # the text cursor right after the last character, read as a pipe
    return out


@register_engine
class TesseractEngine(OcrEngine):
    name = "tesseract"
    description = "Offline OCR with Tesseract 5 LSTM (tesserocr + eng.traineddata): faster than rapidocr, less exact."

    def __init__(self, settings: Settings) -> None:
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
                except RuntimeError as e:  # pragma: no cover - best effort
                    log.debug("tesseract End() failed: %s", e)
            self._apis.clear()

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        prev = context.previous
        if prev is not None and prev.layout is not None and \
                sum(1 for ln in prev.lines if ln.text.strip()) < MIN_LAYOUT_LINES:
            # One or two lines give no line pitch (it is guessed from the box height), so re-reading rows
            # on that grid reads across two lines: read the whole frame until the grid is measured.
            context = FrameContext(t=context.t, video_id=context.video_id)
        return super().recognize(frame, context)

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
        # icons (folder arrows, activity bar, tab marks) come out as short low-confidence "words" like `>»`,
        # `CQ`, `G =`; they would pass for code punctuation beside the file tree
        lines = [kept for ln in lines
                 if (kept := [w for w in ln if not (w.conf < ICON_CONF and len(w.symbols) <= 3)])]
        frame_cw = _pitch([w for ln in lines for w in ln])
        bands = [ln[0].band for ln in lines if ln and ln[0].band is not None]
        typical = (float(np.median([b[1] for b in bands])), float(np.median([b[2] for b in bands]))) if bands else None
        boxes: list[Box] = []
        for words in lines:
            boxes.extend(_line_boxes(words, frame_cw, typical))
        return boxes

    def _read_row(self, api: Any, im: np.ndarray, scale: float,
                  stretch: bool = False) -> tuple[list[_Word], np.ndarray, float]:
        gray = prepare_gray(im, scale, stretch)
        bg = int(np.median(gray))
        gray = cv2.copyMakeBorder(gray, ROW_PAD, ROW_PAD, ROW_PAD, ROW_PAD, cv2.BORDER_CONSTANT, value=bg)
        try:
            self._recognize_gray(api, gray)
            words = [w for ln in _iterate_words(api, scale) for w in ln]
        except RuntimeError as e:  # "no text returned" and the like
            log.debug("tesseract read nothing on a row: %s", e)
            words = []
        conf = _mean_conf(words)
        return words, gray, conf

    def _read_row_images(self, images: list[np.ndarray]) -> list[RowRead]:
        if not images:
            return []
        reads: list[tuple[list[_Word], np.ndarray, float] | None] = []
        with self._lock:
            api = self._api(7)
            for im in images:
                if im.size == 0 or im.shape[0] < 2 or im.shape[1] < 2:
                    reads.append(None)
                    continue
                scale = 2.0 if im.shape[0] < ROW_UPSCALE_BELOW else 1.0
                words, gray, conf = self._read_row(api, im, scale)
                if conf < RETRY_BELOW_CONF:
                    # an unsure read: the other scale often reads it (`>>>` at ×1 → SoS), or more contrast
                    # (a dim keyword colour: `if n > 5:` → `SE ees`)
                    other = 1.0 if scale == 2.0 else 2.0
                    for sc, stretch in ((other, False), (2.0, True), (1.0, True)):
                        words2, gray2, conf2 = self._read_row(api, im, sc, stretch)
                        if conf2 > conf:
                            words, gray, scale, conf = words2, gray2, sc, conf2
                        if conf >= RETRY_BELOW_CONF + 0.2:
                            break
                reads.append((words, gray, scale))  # type: ignore[arg-type]
        # rows of one call come from one code pane: one pitch for all of them
        all_words = [w for r in reads if r for w in r[0]]
        cw = _pitch(all_words)
        if cw is None and all_words:
            cw = float(np.median([w.h for w in all_words])) * 0.55
        if cw is None:
            cw = float(np.median([im.shape[0] for im in images])) * 0.5
        out: list[RowRead] = []
        for r in reads:
            if r is None:
                out.append(RowRead("", 0.0, 0.0))
                continue
            words, gray, scale = r
            words = sorted(words, key=lambda w: w.x1)
            ink = _ink_words(gray, ROW_PAD, scale, cw)
            text = _spell_by_ink(words, ink, cw)
            if text is None:
                text = _spell(words, cw)[0] if words else ""
            conf = _mean_conf(words) if words else (0.5 if text else 0.0)  # dots only
            weakest = min((w.conf for w in words), default=conf)  # Tesseract gives a confidence per word
            out.append(RowRead(normalize_code_text(text), conf, weakest))
        return out


def _mean_conf(words: list[_Word]) -> float:
    if not words:
        return 0.0
    return float(np.average([w.conf for w in words], weights=[len(w.symbols) for w in words]))


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u00b4": "'"})


def normalize_code_text(text: str) -> str:
    """Typographic quotes are never code: Tesseract reads `"` as “ or ” on editor fonts."""
    return text.translate(_QUOTES)
