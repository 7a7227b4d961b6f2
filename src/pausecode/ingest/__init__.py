"""Ingest: a local file or a URL becomes a local video file plus its `VideoInfo` (id, title, duration...)."""

from __future__ import annotations

from .source import open_source

__all__ = ["open_source"]
