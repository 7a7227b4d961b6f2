"""Shared fixtures: synthetic tutorial videos (generated once per session) and one processed sample.

`synth_dark` / `synth_terminal` are `SynthCase`s (folder, video path, truth dict) from `pausecode.synth`.
`processed_dark` processes `short_dark_py` once with the default engine into its own data folder and returns
`(service, result, truth)`. `pc_env` isolates one test: its own PAUSECODE_DATA_DIR, no PAUSECODE_* from the
environment, and a temporary working directory so no config file from the repo is picked up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest


class SynthCase(NamedTuple):
    folder: Path
    video: Path
    truth: dict[str, Any]


class ProcessedSample(NamedTuple):
    service: Any  # PauseToCodeService
    result: Any  # VideoResult
    truth: dict[str, Any]


def _clean_pausecode_env(mp: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PAUSECODE_"):
            mp.delenv(key, raising=False)


def _generate(case: str, root: Path) -> SynthCase:
    from pausecode.synth import generate

    folder = generate(case, root)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return SynthCase(folder, folder / "video.mp4", truth)


@pytest.fixture(scope="session")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def synth_dark(synth_root: Path) -> SynthCase:
    """`short_dark_py`: a slide (3 s), then a VS Code-like editor where a 4-line loop is typed (13.3 s)."""
    return _generate("short_dark_py", synth_root)


@pytest.fixture(scope="session")
def synth_terminal(synth_root: Path) -> SynthCase:
    """`short_terminal_repl`: a shell prompt, then the python3 REPL with >>> / ... prompts (12 s)."""
    return _generate("short_terminal_repl", synth_root)


@pytest.fixture(scope="session")
def processed_dark(synth_dark: SynthCase, tmp_path_factory: pytest.TempPathFactory) -> ProcessedSample:
    """`short_dark_py` processed once with the default engine, in its own data folder."""
    from pausecode.service import PauseToCodeService
    from pausecode.settings import load_settings

    data_dir = tmp_path_factory.mktemp("processed_dark") / "data"
    with pytest.MonkeyPatch.context() as mp:
        _clean_pausecode_env(mp)
        mp.chdir(data_dir.parent)  # no pausecode.toml / config.json from the repo
        service = PauseToCodeService(load_settings(data_dir=data_dir))
        result = service.process(str(synth_dark.video))
    return ProcessedSample(service, result, synth_dark.truth)


@pytest.fixture
def pc_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An isolated data folder for one test (PAUSECODE_DATA_DIR), no other PAUSECODE_* settings, cwd = tmp."""
    _clean_pausecode_env(monkeypatch)
    data_dir = tmp_path / "pc_data"
    monkeypatch.setenv("PAUSECODE_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    yield data_dir
