"""One settings object: defaults < config file (TOML, or the reference's config.json) < PAUSECODE_* env < flags.

Keys (API keys) are only ever read from the environment and are never shown by `Settings.public_dict()`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .errors import ConfigError

CONFIG_CANDIDATES = ("pausecode.toml", "config.json")
EXPORT_CHOICES = ("json", "md", "py")  # <id>_analysis.json, <id>_timeline.md, <id>_extracted_code.py


def _split_list(v: Any) -> Any:
    """A list setting from the environment: a JSON list, or comma-separated words."""
    if isinstance(v, str):
        v = v.strip()
        if v.startswith("["):
            return json.loads(v)
        return [s.strip() for s in v.split(",") if s.strip()]
    return v


class Settings(BaseSettings):
    """Everything tunable. Field names are the env names without the PAUSECODE_ prefix."""

    model_config = SettingsConfigDict(env_prefix="PAUSECODE_", extra="ignore", validate_assignment=True)

    data_dir: Path = Path("./pausecode_data")
    database_url: str | None = None  # default: sqlite:///<data_dir>/pausecode.db

    # sampling / change detection
    frame_interval: float = Field(2.0, gt=0, le=60)  # max time a change can go unseen (reference's frame_interval)
    settle_time: float = Field(0.35, ge=0, le=10)  # a screen state lasting this long is read by the engine
    max_video_duration: float = Field(4 * 3600, gt=0)

    # recognition
    engine: str = "rapidocr"
    ocr_threads: int = Field(2, ge=1, le=64)
    # overrides of the OCR reader's thresholds (`recognize.ocr.ReadPolicy` field -> value), for sweeping them in
    # the benchmark; env: PAUSECODE_READ_POLICY='{"grid_snap": 0.25}'. Empty: the defaults.
    read_policy: dict[str, float] = Field(default_factory=dict)
    # a frame read taking longer than this (s) is a hang: skipped and counted. Above a remote engine's worst
    # legitimate case (vlm_timeout 60 s x vlm_max_retries 5, plus backoff)
    frame_timeout: float = Field(600.0, gt=0)

    # segments (reference's code_extraction.* keys)
    similarity_threshold: float = Field(0.85, ge=0, le=1)
    min_code_length: int = Field(0, ge=0)

    # exports written to <data_dir>/exports when a video is processed; all of them are always available on
    # demand (`pausecode export`, `PauseToCodeService.export`). Env: PAUSECODE_EXPORTS="md,py" (or a JSON list;
    # "" or "none" writes none). The full analysis JSON repeats every segment's code, so it is not written by
    # default.
    exports: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["md", "py"])

    # downloads
    download_retries: int = Field(3, ge=0, le=20)
    download_timeout: float = Field(60.0, gt=0)
    allow_private_urls: bool = False
    # networks a download may connect to although they are not public (env: "10.1.0.0/16,127.0.0.2/32");
    # checked at connect time for every request the downloader makes. Default: none.
    url_allow: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_upload_mb: int = Field(2048, gt=0)
    # uploads (server): a body that sends nothing for this many seconds is dropped (a stalled client must not
    # hold a connection and a half-written file forever)
    upload_body_timeout: float = Field(60.0, gt=0)
    # free disk space (MB) that must remain after an upload of the declared size, or it is refused with 507
    upload_min_free_mb: int = Field(512, ge=0)
    # partial uploads (`*.part`, left by a killed server) untouched for this many seconds are removed; must be
    # longer than upload_body_timeout, so a live upload is never swept
    upload_part_max_age: float = Field(3600.0, gt=0)
    upload_sweep_interval: float = Field(600.0, gt=0)  # seconds between sweeps while the server runs

    # server
    api_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # env: "a,b" or a JSON list
    redis_url: str | None = None
    # where the player's "Run it" loads Pyodide from (served at /vendor/pyodide/); default <data_dir>/vendor/pyodide
    pyodide_dir: Path | None = None

    # remote engines (keys come from the environment only: GEMINI_API_KEY / OPENAI_API_KEY)
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    hybrid_vlm: str | None = None  # engine the hybrid mode sends code frames to: gemini | openai
    vlm_backoff_base: float = Field(1.0, ge=0)
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    vlm_temperature: float = 0.0
    vlm_max_output_tokens: int = 4096
    vlm_concurrency: int = Field(4, ge=1, le=64)
    vlm_max_requests: int | None = None
    vlm_timeout: float = 60.0
    vlm_max_retries: int = 5

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, v: Any) -> Any:
        return _split_list(v)

    @field_validator("url_allow", mode="before")
    @classmethod
    def _split_url_allow(cls, v: Any) -> Any:
        return _split_list(v)

    @field_validator("url_allow")
    @classmethod
    def _valid_networks(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for text in v:
            try:
                out.append(str(ipaddress.ip_network(text.strip(), strict=False)))
            except ValueError:
                raise ValueError(
                    f"url_allow: {text!r} is not a network (e.g. 10.0.0.0/8 or 127.0.0.2/32)"
                ) from None
        return out

    @field_validator("exports", mode="before")
    @classmethod
    def _split_exports(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip().lower() == "none":
            return []
        return _split_list(v.replace(" ", ",") if isinstance(v, str) and not v.strip().startswith("[") else v)

    @field_validator("exports")
    @classmethod
    def _known_exports(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for fmt in v:
            fmt = fmt.strip().lower()
            if fmt not in EXPORT_CHOICES:
                raise ValueError(f"unknown export {fmt!r}: choose from {', '.join(EXPORT_CHOICES)}")
            if fmt not in out:
                out.append(fmt)
        return out

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'pausecode.db').resolve()}"

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def pyodide_path(self) -> Path:
        return self.pyodide_dir or self.data_dir / "vendor" / "pyodide"

    def public_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        d["api_key"] = "***" if self.api_key else None
        return d


def _flatten_reference_json(raw: dict[str, Any]) -> dict[str, Any]:
    """Map the reference design's config.json keys onto ours."""
    out: dict[str, Any] = {}
    if "frame_interval" in raw:
        out["frame_interval"] = raw["frame_interval"]
    ce = raw.get("code_extraction") or {}
    for key in ("similarity_threshold", "min_code_length"):
        if key in ce:
            out[key] = ce[key]
    for key in Settings.model_fields:
        if key in raw and key not in out:
            out[key] = raw[key]
    return out


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from e
    try:
        if path.suffix == ".json":
            return _flatten_reference_json(json.loads(text))
        raw = tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"config file {path} is malformed: {e}") from e
    raw = raw.get("pausecode", raw)
    out = _flatten_reference_json(raw)
    out.pop("api_key", None)  # secrets come from the environment only
    return out


def find_config_file() -> Path | None:
    env = os.environ.get("PAUSECODE_CONFIG")
    if env:
        return Path(env)
    for name in CONFIG_CANDIDATES:
        p = Path(name)
        if p.is_file():
            return p
    return None


def load_settings(config_file: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the layered settings. `overrides` (flags) win; None values are ignored."""
    path = Path(config_file) if config_file else find_config_file()
    file_values = read_config_file(path) if path else {}
    try:
        env_values = Settings().model_dump(exclude_unset=True)  # only what the environment set
        merged = {**file_values, **env_values, **{k: v for k, v in overrides.items() if v is not None}}
        return Settings(**merged)
    except ValueError as e:
        raise ConfigError(f"invalid settings: {e}") from e
