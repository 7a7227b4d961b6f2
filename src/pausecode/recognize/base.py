"""The one small interface every recognition engine implements, and the registry that finds engines by name.

An engine turns one video frame (BGR uint8 array) into a `Recognition`: is this code, learning or mixed, and
what code / topic is on screen. Engines that know where each text line is (OCR) also return `lines` and a
`CodeLayout`; the pipeline then derives the many short typing states between two readings from pixels alone.
Engines that don't (vision-language models) leave them empty and everything else works the same.

New engines register with `@register_engine` or via the `pausecode.engines` entry-point group; the pipeline
never names an engine.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..errors import EngineUnavailableError
from ..models import SegmentType

if TYPE_CHECKING:
    from ..settings import Settings


@dataclass
class CodeLayout:
    """Where the code grid is in the frame: pane box, line pitch, character width, x of column 0."""

    x0: float  # x of text column 0 (frame coordinates)
    y0: float  # top of the first full text row
    pitch: float  # line height in px
    char_width: float
    pane: tuple[int, int, int, int]  # x1, y1, x2, y2 of the code area (gutter excluded)
    gutter_x: float | None = None  # right edge of the line-number gutter, when the editor has one
    fit_lines: int = 0  # how many text lines the grid was measured on (few lines → a rough grid)
    bottom: int | None = None  # a border the editor ends at (a panel below it), when one was seen

    def row_top(self, row: int) -> int:
        return int(round(self.y0 + row * self.pitch))


@dataclass
class TextLine:
    """One recognised line: text with rebuilt indentation, and where it sits."""

    text: str
    top: float  # frame y of the line's row top
    confidence: float = 1.0
    row: int | None = None  # index on the layout's grid
    weakest: float = 1.0  # the recogniser's lowest probability for any one character of the line (1.0: unknown)
    # did the text's glyphs fit the measured grid's inked cells one to one (None: not checked, no grid)
    on_grid: bool | None = None


@dataclass(frozen=True)
class RowRead:
    """What the recogniser made of one single-line image.

    `score` is the mean of the per-character probabilities, `weakest` their minimum: one unsure glyph is
    what makes a code line wrong, and the mean over a long line hides it."""

    text: str
    score: float
    weakest: float
    # each character's x extent in the read image (px, from the first to past the last model step that gave
    # it), when the engine knows it: a run of one glyph the model did not break with a blank ('"""' read
    # as '""') spans as many cells as it stands for
    spans: tuple[tuple[float, float], ...] = ()


@dataclass
class Recognition:
    """What an engine saw in one frame. Field names follow the reference design's JSON contract."""

    segment_type: SegmentType
    confidence: float
    code_content: str | None = None
    language: str | None = None
    code_complete: bool | None = None
    learning_topic: str | None = None
    file_name: str | None = None
    ide: str | None = None
    explanation_text: str | None = None
    lines: list[TextLine] = field(default_factory=list)
    layout: CodeLayout | None = None
    regions: int = 1  # code regions read on their own grids (notebook cells); >1 has no single layout
    # the reading of each of those regions, top to bottom, each with its own layout and lines (empty: one region);
    # the code text is theirs joined by a blank line
    parts: list[Recognition] = field(default_factory=list)
    # set when this reading is a check that failed: a fresh whole-frame reading disagreed with the incremental
    # one, so the readings since the last whole-frame reading (this video time) stood on what it contradicted
    failed_check_since: float | None = None


@dataclass
class FrameContext:
    """What the pipeline knows around a frame; engines may use it to do less work (e.g. re-read changed rows)."""

    t: float
    video_id: str = ""
    previous: Recognition | None = None
    previous_frame: np.ndarray | None = None


class RecognitionEngine(ABC):
    """Frame in, Recognition out. Implementations must be safe to call from one thread at a time."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    offline: ClassVar[bool] = True

    # Work counters the run reports: rows read on a remembered layout, and whole-frame reads. An engine that does
    # not count keeps these defaults (no rows; every frame it read was a whole-frame read).
    rows_read: int = 0
    full_reads: int | None = None
    checks: int = 0  # incremental readings confirmed by a fresh whole-frame reading (the check stage)
    checks_disagreed: int = 0  # of those, the fresh reading differed

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def check(self) -> None:
        """Fail fast (bad key, missing model) before any frame is processed. Default: nothing to check."""

    @abstractmethod
    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        """Read one BGR frame. Raise `FrameRecognitionError` for a frame that cannot be read."""

    def read_line(self, luma: np.ndarray, top: int, layout: CodeLayout, row: int) -> TextLine | None:
        """Read grid row `row` of `layout` from luma rows that start at frame y `top` (a short state's changed
        rows). None when this engine cannot read single rows, or the row holds no text."""
        return None

    def read_rows(self, rows: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise single text-line images (no detection). Engines without it return [] (no fast path)."""
        return []

    def close(self) -> None:
        """Release resources."""


_REGISTRY: dict[str, type[RecognitionEngine]] = {}
# Built-in engines are imported lazily so optional dependencies are only needed when chosen.
_BUILTIN_MODULES = {
    "rapidocr": "pausecode.recognize.engines.ocr.rapid",
    "tesseract": "pausecode.recognize.engines.ocr.tesseract",
    "gemini": "pausecode.recognize.engines.vlm.gemini",
    "openai": "pausecode.recognize.engines.vlm.openai_compat",
    "null": "pausecode.recognize.engines.null",
    "hybrid": "pausecode.recognize.engines.vlm.hybrid",
}
# The pip extra that brings each built-in engine's optional package (the others need only the default install).
ENGINE_EXTRAS = {"tesseract": "tesseract", "gemini": "vlm", "openai": "vlm"}


def install_hint(name: str) -> str:
    """What to install for engine `name`: its one extra, never a list of guesses."""
    extra = ENGINE_EXTRAS.get(name)
    if extra:
        return f"pip install 'pausecode[{extra}]'"
    if name in _BUILTIN_MODULES:
        return "reinstall pausecode: its default install includes this engine's packages"
    return f"install the packages the plugin providing engine {name!r} depends on"


def register_engine(cls: type[RecognitionEngine]) -> type[RecognitionEngine]:
    _REGISTRY[cls.name] = cls
    return cls


def available_engines() -> list[str]:
    names = set(_REGISTRY) | set(_BUILTIN_MODULES)
    try:
        names |= {ep.name for ep in entry_points(group="pausecode.engines")}
    except Exception:  # pragma: no cover - broken metadata should not break listing
        pass
    return sorted(names)


def engine_class(name: str) -> type[RecognitionEngine]:
    if name not in _REGISTRY:
        module = _BUILTIN_MODULES.get(name)
        try:
            if module:
                importlib.import_module(module)
            else:
                for ep in entry_points(group="pausecode.engines"):
                    if ep.name == name:
                        register_engine(ep.load())
        except ImportError as e:
            raise EngineUnavailableError(
                f"engine {name!r} needs a package that is not installed: {e.name}",
                hint=install_hint(name),
            ) from e
    if name not in _REGISTRY:
        raise EngineUnavailableError(
            f"unknown engine {name!r}", hint=f"choose one of: {', '.join(available_engines())}"
        )
    return _REGISTRY[name]


def get_engine(name: str, settings: Settings) -> RecognitionEngine:
    """Instantiate an engine by name and run its fail-fast check."""
    engine = engine_class(name)(settings)
    engine.check()
    return engine
