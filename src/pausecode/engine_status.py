"""Which recognition engines can run here, and why not: for `pausecode engines` and for refusing early.

Everything is checked locally and cheaply: installed packages (without importing the heavy ones), language data
on disk, API keys in the environment. Nothing is loaded and no server is contacted, so listing engines never
costs a request. An engine that looks available can still fail its own `check()` (a wrong key, a server down).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .errors import EngineUnavailableError, PausecodeError
from .recognize.base import ENGINE_EXTRAS, available_engines, engine_class, install_hint

if TYPE_CHECKING:
    from .settings import Settings

# (import name, distribution name) of the packages each built-in engine imports (base.ENGINE_EXTRAS: their extra).
ENGINE_PACKAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "rapidocr": (("rapidocr", "rapidocr"), ("onnxruntime", "onnxruntime")),
    "tesseract": (("tesserocr", "tesserocr"),),
    "gemini": (("google.genai", "google-genai"),),
    "openai": (("openai", "openai"),),
}
# Whether each built-in engine works offline (False: it sends frames to a remote service), known without
# importing it; the engine class's own `offline` is used whenever it can be imported.
BUILTIN_OFFLINE = {"rapidocr": True, "tesseract": True, "null": True, "gemini": False, "openai": False,
                   "hybrid": False}
KEY_VARIABLES = {"gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"), "openai": ("OPENAI_API_KEY",)}
OFFICIAL_OPENAI_HOST = "api.openai.com"  # the only OpenAI-compatible server that needs a real key


@dataclass(frozen=True)
class EngineStatus:
    name: str
    default: bool
    offline: bool | None  # None: a plugin that cannot be imported, so it cannot say
    available: bool
    reason: str | None  # why not available (None when available)
    description: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a broken install
        return False


def _missing_dist(name: str) -> tuple[str, str] | None:
    """(distribution, install command) of the first package a built-in engine needs that is not installed."""
    for module, dist in ENGINE_PACKAGES.get(name, ()):
        if not _installed(module):
            return dist, (install_hint(name) if name in ENGINE_EXTRAS else f"pip install {dist}")
    return None


def hybrid_vlm(settings: Settings) -> str:
    """The vision engine `hybrid` sends code frames to: the setting, else gemini when its key is set (the
    engine's own rule)."""
    return settings.hybrid_vlm or ("gemini" if _key_set("gemini") else "openai")


def missing_package(name: str, settings: Settings | None = None) -> EngineUnavailableError | None:
    """The error for a built-in engine whose package is not installed, naming the extra that brings it.
    With `settings`, `hybrid` is checked through the OCR and vision engines it would use."""
    if name == "hybrid" and settings is not None:
        return missing_package("rapidocr") or missing_package(hybrid_vlm(settings))
    missing = _missing_dist(name)
    if missing is None:
        return None
    dist, hint = missing
    return EngineUnavailableError(f"engine {name!r} needs the {dist} package, which is not installed", hint=hint)


def _key_set(name: str) -> bool:
    return any(os.environ.get(v, "").strip() for v in KEY_VARIABLES[name])


def _openai_is_local(settings: Settings) -> bool:
    from urllib.parse import urlparse

    base = settings.openai_base_url or os.environ.get("OPENAI_BASE_URL")
    return bool(base) and urlparse(base).hostname != OFFICIAL_OPENAI_HOST


def _why_not(name: str, settings: Settings) -> str | None:
    """A short reason the engine cannot run here, or None."""
    missing = _missing_dist(name)
    if missing is not None:
        return f"package {missing[0]} not installed ({missing[1]})"
    if name == "tesseract":
        from .recognize.engines.ocr.tesseract import LANG, find_tessdata

        if find_tessdata(LANG) is None:
            return (f"language data {LANG} not found (apt-get install tesseract-ocr-{LANG}, "
                    "or set TESSDATA_PREFIX)")
    if name == "gemini" and not _key_set("gemini"):
        return "no API key (set GEMINI_API_KEY)"
    if name == "openai" and not _key_set("openai") and not _openai_is_local(settings):
        return "no API key (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
    if name == "hybrid":
        ocr = _why_not("rapidocr", settings)
        if ocr is not None:
            return f"its OCR engine rapidocr is unavailable: {ocr}"
        vlms = [settings.hybrid_vlm] if settings.hybrid_vlm else ["gemini", "openai"]
        reasons = {v: _why_not(v, settings) for v in vlms}
        if all(reasons.values()):
            return "no vision engine available: " + "; ".join(f"{v}: {r}" for v, r in reasons.items())
    return None


def engine_status(name: str, settings: Settings) -> EngineStatus:
    reason = _why_not(name, settings)
    offline = BUILTIN_OFFLINE.get(name)  # None: a plugin, until its class says
    description = ""
    if _missing_dist(name) is None:  # importing an engine whose package is missing would only fail
        try:
            cls = engine_class(name)
            offline, description = bool(cls.offline), cls.description
        except PausecodeError as e:  # a plugin or engine module that does not import
            reason = reason or str(e)
    return EngineStatus(name=name, default=name == settings.engine, offline=offline, available=reason is None,
                        reason=reason, description=description)


def engine_statuses(settings: Settings) -> list[EngineStatus]:
    """Every known engine (built-in and plugins), the default first."""
    names = available_engines()
    return [engine_status(n, settings) for n in sorted(names, key=lambda n: (n != settings.engine, n))]
