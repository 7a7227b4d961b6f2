"""The web player in a real headless Chromium (Debian's, driven by Playwright; no browser download).

Screenshots of each step are kept under artifacts/screenshots/ (git-ignored; CI keeps them as artifacts).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CODE_A,
    CODE_B,
    SCREENSHOTS,
    LiveServer,
    install_truth_engine,
    make_video,
    save_fake_result,
    settings_for,
)

from pausecode.jobs import JobConfig, JobQueue
from pausecode.server.app import create_app

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)

FAST = JobConfig(lease_seconds=5, heartbeat_seconds=0.5, reap_interval=1, progress_interval=0.1)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-final.png"), full_page=True)
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def code_text(page) -> str:
    return page.locator("#code").text_content() or ""


def pause_at(page, t: float) -> None:
    """Play from just before `t`, then pause there (the learner's action)."""
    page.evaluate(
        """async (t) => {
            const v = document.getElementById('video');
            v.muted = true;
            await new Promise((ok) => { v.addEventListener('seeked', ok, { once: true }); v.currentTime = t; });
            await v.play();
            v.pause();
        }""",
        t,
    )


def test_player_pause_timeline_diff_copy_download(tmp_path: Path, page) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, fps=10, size=(320, 180))
    save_fake_result(settings, "vid_demo01", path=video, duration=6.0, title="Functions demo")
    save_fake_result(settings, "vid_other", path=video, duration=6.0, title="Another video")
    with LiveServer(create_app(settings)) as srv:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=srv.url)
        page.goto(srv.url + "/#v=vid_demo01")
        page.wait_for_function("document.querySelectorAll('#timeline .seg').length === 3")
        assert page.locator("#video-title").text_content() == "Functions demo"
        assert page.locator("#timeline .seg.learning").count() == 1
        assert page.locator("#timeline .seg.code").count() == 2

        pause_at(page, 3.0)  # inside the first code segment
        page.wait_for_function("document.getElementById('code').textContent.includes('hello')")
        assert code_text(page) == CODE_A
        assert page.locator("#code .tok-kw", has_text="def").count() >= 1
        assert "greet.py" in (page.locator("#code-meta").text_content() or "")
        shot(page, "player-code")

        page.locator("#timeline .seg.learning").click()  # click to seek into the learning segment
        page.wait_for_selector("#learning-panel:not([hidden])")
        assert page.locator("#learning-topic").text_content() == "Functions in Python"
        assert page.locator("#code-panel").is_hidden()
        assert page.evaluate("document.getElementById('video').currentTime") < 2.0
        shot(page, "player-learning")

        page.locator("#timeline .seg.code").nth(1).click()
        page.wait_for_function("document.getElementById('code').textContent.includes('world')")
        assert code_text(page) == CODE_B
        page.locator("#diff-toggle").check()
        added = page.locator("#code .line.add")
        assert added.count() >= 1 and "print(greet('world'))" in (added.all_text_contents()[-1])
        assert page.locator("#code .line.del").count() == 0
        assert page.locator("#code .line.same").count() == 2  # the unchanged function lines
        shot(page, "player-diff")
        page.locator("#diff-toggle").uncheck()
        assert page.locator("#code .line").count() == 0

        page.locator("#copy-btn").click()
        page.wait_for_function("document.getElementById('copy-btn').textContent === 'Copied!'")
        assert page.evaluate("navigator.clipboard.readText()") == CODE_B

        with page.expect_download() as dl:
            page.locator("#download-btn").click()
        download = dl.value
        assert download.suggested_filename == "greet.py"
        assert Path(download.path()).read_text() == CODE_B

        items = page.locator("#videos-list .video-item")
        items.first.wait_for()
        assert items.count() == 2
        shot(page, "player-videos")
        page.locator('#videos-list .video-item[data-video-id="vid_other"]').click()
        page.wait_for_function("document.body.dataset.video === 'vid_other'")
        assert page.locator("#video-title").text_content() == "Another video"


def test_unknown_video_shows_the_error(tmp_path: Path, page) -> None:
    with LiveServer(create_app(settings_for(tmp_path))) as srv:
        page.goto(srv.url + "/#v=no_such_video")
        page.wait_for_selector("#notice:not([hidden])")
        assert "no processed video" in (page.locator("#notice").text_content() or "")
        page.goto(srv.url + "/")
        page.wait_for_selector("#videos-empty:not([hidden])")


def _stable(samples: list[dict], kind: str) -> dict:
    """A sample well inside a stretch of identical samples of `kind` (not near a boundary)."""
    best, run = None, []
    for s in samples + [{"type": None, "t": 1e9}]:
        key = (s["type"], s.get("visible_code"), s.get("topic"))
        if run and key != run[0][0]:
            if run[0][1]["type"] == kind and (best is None or len(run) > len(best)):
                best = run
            run = []
        if not s.get("near_boundary"):
            run.append((key, s))
    assert best, f"no stable {kind} moment in the truth"
    return best[len(best) // 2][1]


def _upload_and_pause(tmp_path: Path, page, case: Path, engine: str | None, exact: bool) -> None:
    truth = json.loads((case / "truth.json").read_text())
    if engine == "truth":
        install_truth_engine(case / "truth.json")
    from pausecode.settings import Settings

    settings = settings_for(tmp_path, engine=engine or Settings.model_fields["engine"].default)
    app = create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))
    tag = engine or "default"
    with LiveServer(app) as srv:
        page.goto(srv.url + "/")
        page.wait_for_function("document.body.dataset.ready === '1'")
        page.set_input_files("#file-input", str(case / "video.mp4"))
        page.wait_for_selector("#job:not([hidden])")
        shot(page, f"e2e-{tag}-progress")
        page.wait_for_function("document.body.dataset.video !== undefined", timeout=300_000)
        page.wait_for_function("document.querySelectorAll('#timeline .seg').length > 1")
        assert page.locator("#job").get_attribute("data-state") == "done"
        assert page.locator("#timeline .seg.learning").count() >= 1
        assert page.locator("#timeline .seg.code").count() >= 1

        code_moment = _stable(truth["samples"], "code")
        pause_at(page, code_moment["t"])
        expected = code_moment["visible_code"]
        page.wait_for_selector("#code-panel:not([hidden])")
        shot(page, f"e2e-{tag}-code")
        if exact:
            page.wait_for_function("(want) => document.getElementById('code').textContent === want", arg=expected)
        else:
            from rapidfuzz.distance import Levenshtein

            got = code_text(page)
            assert Levenshtein.normalized_similarity(got, expected) >= 0.9, f"panel shows {got!r}"

        learn_moment = _stable(truth["samples"], "learning")
        page.evaluate("(t) => { const v = document.getElementById('video'); v.currentTime = t; }", learn_moment["t"])
        page.wait_for_selector("#learning-panel:not([hidden])")
        topic = page.locator("#learning-topic").text_content() or ""
        assert topic == learn_moment["topic"] if exact else learn_moment["topic"].lower() in topic.lower()
        shot(page, f"e2e-{tag}-learning")


def test_upload_process_and_pause_end_to_end(tmp_path: Path, page, synth_dark) -> None:
    """Generated tutorial → upload in the page → job → play, pause at a code moment → exactly that code shows.

    Recognition is the `truth` stand-in (the real pipeline runs around it), so this checks the player and the
    job flow, not OCR accuracy.
    """
    _upload_and_pause(tmp_path, page, synth_dark.folder, "truth", exact=True)


@pytest.mark.slow
def test_upload_process_and_pause_with_the_default_ocr_engine(tmp_path: Path, page, synth_dark) -> None:
    """The same with the real default engine (OCR): the panel shows the code on screen (>= 0.9 similar)."""
    _upload_and_pause(tmp_path, page, synth_dark.folder, None, exact=False)


def test_paste_url_with_api_key_then_play_through_signed_media(tmp_path: Path, page, monkeypatch) -> None:
    """A keyed server: the page asks for the key, processes a pasted (loopback) URL, plays via a media token."""
    import functools
    import http.server
    import threading

    from conftest_server import fake_run_pipeline, free_port

    import pausecode.service

    monkeypatch.setattr(pausecode.service, "run_pipeline", fake_run_pipeline)
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", "30")
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", "0.05")
    site = tmp_path / "site"
    make_video(site / "lesson.mp4", seconds=6, size=(320, 180))
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings = settings_for(tmp_path, api_key="web-key", allow_private_urls=True)
    try:
        with LiveServer(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST))) as srv:
            page.goto(srv.url + "/")
            page.wait_for_selector("#error:not([hidden])")  # the video list needs the key
            assert page.locator("#key-box").get_attribute("open") is not None
            page.fill("#api-key", "web-key")
            page.fill("#url-input", f"http://127.0.0.1:{port}/lesson.mp4")
            page.click("#url-submit")
            page.wait_for_function("document.getElementById('job-label').textContent.includes('Reading frames')")
            shot(page, "url-progress")
            page.wait_for_function("document.body.dataset.video !== undefined", timeout=60_000)
            src = page.evaluate("document.getElementById('video').src")
            assert "token=" in src and "web-key" not in src
            page.wait_for_function("document.getElementById('video').readyState >= 1")  # media loaded via token
            pause_at(page, 5.0)
            page.wait_for_function("document.getElementById('code').textContent.includes('world')")
            assert code_text(page) == CODE_B
    finally:
        httpd.shutdown()
