"""Odd download situations: a broken ffmpeg on PATH, and an offline machine asked for a public site."""

from __future__ import annotations

import logging
import os
import socket
import stat
from pathlib import Path

import pytest

from pausecode.errors import DownloadError, SourceError
from pausecode.ingest import download as dl
from pausecode.ingest import ffmpeg as ffmpeg_mod
from pausecode.ingest import urls
from pausecode.ingest.source import open_source
from pausecode.ingest.urls import check_url
from pausecode.settings import Settings


def fake_ffmpeg(folder: Path, script: str) -> Path:
    """An `ffmpeg` on PATH that runs `script` (and counts its runs in calls.log)."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "ffmpeg"
    exe.write_text(f"#!/bin/sh\necho run >> '{folder / 'calls.log'}'\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return exe


@pytest.fixture
def only_on_path(monkeypatch: pytest.MonkeyPatch):
    ffmpeg_mod._probe.cache_clear()

    def use(folder: Path) -> None:
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")

    yield use
    ffmpeg_mod._probe.cache_clear()


def test_broken_ffmpeg_is_not_trusted_for_merging(
    tmp_path: Path, only_on_path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = fake_ffmpeg(
        tmp_path / "bin", "echo 'error while loading shared libraries: libavdevice.so' >&2; exit 127"
    )
    only_on_path(broken.parent)
    settings = Settings(data_dir=tmp_path / "d")
    with caplog.at_level(logging.WARNING):
        first = dl._ydl_options(settings, tmp_path)
        second = dl._ydl_options(settings, tmp_path)
    assert first["format"] == second["format"] == dl.FORMAT_SINGLE_FILE
    assert first["merge_output_format"] is None
    assert first["ffmpeg_location"] == ffmpeg_mod.NO_FFMPEG_LOCATION  # yt-dlp is not pointed at the broken one
    assert (broken.parent / "calls.log").read_text().count("run") == 1  # probed once
    warnings = [r.getMessage() for r in caplog.records if "does not work" in r.getMessage()]
    assert len(warnings) == 1 and "libavdevice" in warnings[0] and "single-file" in warnings[0]


def test_working_ffmpeg_is_used_for_merging(tmp_path: Path, only_on_path) -> None:
    good = fake_ffmpeg(tmp_path / "bin", "echo 'ffmpeg version 6.1.1 Copyright (c) 2000-2023'; exit 0")
    only_on_path(good.parent)
    opts = dl._ydl_options(Settings(data_dir=tmp_path / "d"), tmp_path)
    assert opts["format"] == dl.FORMAT_WITH_FFMPEG
    assert opts["ffmpeg_location"] == str(good)


# ---------------------------------------------------------------------------------------------- offline


@pytest.mark.parametrize(
    ("errno_", "text"),
    [
        (socket.EAI_AGAIN, "Temporary failure in name resolution"),
        (socket.EAI_NONAME, "Name or service not known"),  # what an offline resolver with no DNS server says
        (getattr(socket, "EAI_NODATA", -5), "No address associated with hostname"),
    ],
)
def test_offline_machine_cannot_reach_a_public_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errno_: int, text: str
) -> None:
    """No network: DNS fails for every name. The user is told the site cannot be reached, not that it does
    not exist."""

    def offline(host: str, *args: object, **kwargs: object) -> list:
        raise socket.gaierror(errno_, text)

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    with pytest.raises(DownloadError) as err:
        open_source("https://www.youtube.com/watch?v=dQw4w9WgXcQ", strict)
    message = str(err.value)
    assert "cannot reach www.youtube.com" in message and "does not exist" not in message
    assert "network" in (err.value.hint or "").lower()


def test_offline_machine_without_a_route_cannot_reach_any_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(host: str, *args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    monkeypatch.setattr(urls, "has_network_route", lambda: False)
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    with pytest.raises(DownloadError, match="cannot reach videos.example.org"):
        check_url("https://videos.example.org/lesson.mp4", strict)


def test_network_route_probe_sends_nothing_and_answers() -> None:
    assert isinstance(urls.has_network_route(), bool)


def test_a_host_that_really_does_not_exist_is_still_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Online (other names resolve), a name with no DNS record is a bad URL, not a network problem."""

    def online(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host == "no-such-host.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", online)
    monkeypatch.setattr(urls, "has_network_route", lambda: True)
    strict = Settings(data_dir=tmp_path / "d", allow_private_urls=False)
    with pytest.raises(SourceError, match="does not exist"):
        check_url("https://no-such-host.example/v.mp4", strict)
