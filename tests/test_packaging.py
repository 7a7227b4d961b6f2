"""A plain `pip install pausecode` serves the API, the jobs and the player; heavy engines stay extras.

Building a fresh virtualenv per test run is too slow, so this proves the two halves separately: the default
dependencies in pyproject.toml hold everything `pausecode serve` imports, and the server (and the CLI) work in a
process where the optional engine packages cannot be imported at all.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# What `pausecode serve` imports (API, upload parsing, job queue, Redis client): the default install must have it.
SERVE_PACKAGES = {"fastapi", "uvicorn", "huey", "python-multipart", "redis"}
# Heavy, optional engine packages: extras only, never in the default install.
OPTIONAL_PACKAGES = {"google-genai": "vlm", "openai": "vlm", "tesserocr": "tesseract"}
# Modules a process without the extras cannot import.
HIDDEN_MODULES = ("google.genai", "openai", "tesserocr")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_default_install_has_what_serve_needs() -> None:
    default = _names(PYPROJECT["project"]["dependencies"])
    assert SERVE_PACKAGES <= default, SERVE_PACKAGES - default
    extras = PYPROJECT["project"]["optional-dependencies"]
    for package, extra in OPTIONAL_PACKAGES.items():
        assert package not in default, f"{package} is heavy and optional: it belongs in an extra"
        assert package in _names(extras[extra]), (package, extra)


def test_license_is_an_spdx_string() -> None:
    """A license table prints a deprecation box on every install with setuptools >= 77."""
    assert PYPROJECT["project"]["license"] == "MIT"
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    assert re.fullmatch(r"setuptools>=(7[7-9]|[89]\d|\d{3,})(\.\d+)*", setuptools), setuptools


_WITHOUT_EXTRAS = textwrap.dedent(
    """
    import importlib.abc, sys

    HIDDEN = {hidden!r}

    class NoExtras(importlib.abc.MetaPathFinder):
        '''As if the optional engine packages were never installed.'''
        def find_spec(self, name, path=None, target=None):
            if any(name == h or name.startswith(h + ".") for h in HIDDEN):
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None

    sys.meta_path.insert(0, NoExtras())
    for h in HIDDEN:
        try:
            __import__(h)
        except ImportError:
            pass
        else:
            raise SystemExit(f"{{h}} still importable")
    """
)


def _run_without_extras(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = _WITHOUT_EXTRAS.format(hidden=HIDDEN_MODULES) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180,
                          cwd=tmp_path, check=False, env=_clean_env(tmp_path))


def _clean_env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAUSECODE_")}
    env["PAUSECODE_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])  # this tree's code
    return env


def test_server_serves_health_docs_and_player_without_the_extras(tmp_path: Path) -> None:
    proc = _run_without_extras(
        """
        from fastapi.testclient import TestClient
        from pausecode.server.app import create_app
        from pausecode.settings import load_settings

        with TestClient(create_app(load_settings())) as client:
            for path, marker in (("/health", "healthy"), ("/docs", "swagger"), ("/", "<html")):
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code)
                assert marker in r.text.lower(), (path, r.text[:200])
                print("ok", path)
        for mod in ("google.genai", "openai", "tesserocr"):
            assert mod not in sys.modules, mod
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == ["ok", "/health", "ok", "/docs", "ok", "/"]


@pytest.mark.parametrize(("engine", "extra"), [("gemini", "vlm"), ("openai", "vlm"), ("hybrid", "vlm"),
                                               ("tesseract", "tesseract")])
def test_missing_engine_package_is_one_line_naming_the_extra(engine: str, extra: str, tmp_path: Path) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0" * 64)  # never opened: the engine is refused first
    proc = _run_without_extras(
        f"""
        from pausecode.cli import main
        raise SystemExit(main(["process", {str(video)!r}, "--engine", {engine!r}]))
        """,
        tmp_path,
    )
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 7, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert f"pip install 'pausecode[{extra}]'" in lines[0]
    other = {"vlm": "tesseract", "tesseract": "vlm"}[extra]
    assert f"pausecode[{other}]" not in lines[0], "name the one extra this engine needs"
    assert not (tmp_path / "data").exists(), "a refused engine leaves nothing behind"


def test_engines_list_says_which_extra_a_missing_engine_needs(tmp_path: Path) -> None:
    proc = _run_without_extras(
        """
        from pausecode.cli import main
        raise SystemExit(main(["engines"]))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    rows = {ln.split()[0]: ln for ln in proc.stdout.splitlines()}
    assert rows["gemini"].endswith("unavailable: package google-genai not installed (pip install 'pausecode[vlm]')")
    assert rows["tesseract"].endswith(
        "unavailable: package tesserocr not installed (pip install 'pausecode[tesseract]')")
    assert rows["rapidocr"].split()[1:] == ["default", "offline", "available"]
