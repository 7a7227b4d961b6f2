"""The web player's first hour (issue 8), in a real headless Chromium (Debian's, driven by Playwright).

Each test is one item of the issue. Screenshots of each state go to artifacts/screenshots/ (git-ignored);
`test_screenshots_for_the_docs` writes the four shown in the README (copied to docs/ by hand when they change).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CODE_A,
    CODE_B,
    REPO,
    SCREENSHOTS,
    LiveServer,
    make_video,
    save_fake_result,
    settings_for,
)

from pausecode.jobs import JobConfig, JobQueue
from pausecode.models import Segment
from pausecode.server.app import create_app

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)

FAST = JobConfig(lease_seconds=5, heartbeat_seconds=0.5, reap_interval=1, progress_interval=0.1)
WEB_MODULES = REPO / "web" / "node_modules"  # `npm ci --prefix web` (make web-assets; .ci/run does it)
AXE = WEB_MODULES / "axe-core" / "axe.min.js"
PYODIDE = WEB_MODULES / "pyodide"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Pages:
    """Opens pages in fresh contexts (viewport, colour scheme) and fails the test on any page JavaScript error."""

    def __init__(self, browser: Any, name: str) -> None:
        self.browser, self.name = browser, name
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def open(self, url: str, *, viewport: dict[str, int] = DESKTOP, scheme: str = "dark") -> Any:
        ctx = self.browser.new_context(viewport=viewport, color_scheme=scheme, accept_downloads=True)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url)
        page.wait_for_function("document.body.dataset.ready === '1'")
        return page

    def close(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for i, ctx in enumerate(self.contexts):
            for page in ctx.pages:
                page.screenshot(path=str(SCREENSHOTS / f"{self.name}-final{i}.png"), full_page=True)
            ctx.close()


@pytest.fixture
def pages(browser: Any, request: pytest.FixtureRequest) -> Iterator[Pages]:
    p = Pages(browser, request.node.name)
    yield p
    p.close()
    assert not p.errors, f"JavaScript errors on the page: {p.errors}"


def shot(page: Any, name: str, full: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def pause_at(page: Any, t: float) -> None:
    """Seek to `t`, play a moment, pause there (the learner's action); waits for the pinned answer."""
    page.evaluate(
        """async (t) => {
            const v = document.getElementById('video');
            v.muted = true;
            if (v.readyState < 1) await new Promise((ok) => v.addEventListener('loadedmetadata', ok, { once: true }));
            await new Promise((ok) => { v.addEventListener('seeked', ok, { once: true }); v.currentTime = t; });
            await v.play();
            v.pause();
        }""",
        t,
    )
    page.wait_for_function("document.getElementById('code-meta').textContent.startsWith('Paused at')")


def open_video(pages: Pages, srv: LiveServer, video_id: str, **kw: Any) -> Any:
    page = pages.open(f"{srv.url}/#v={video_id}", **kw)
    page.wait_for_function("(id) => document.body.dataset.video === id", arg=video_id)
    return page


def box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).bounding_box()


def place(page: Any) -> tuple[dict[str, float], ...]:
    """Where the video and the code start (the code panel's height follows its text, its top must not move)."""
    code = box(page, "#code-panel")
    return box(page, "#video"), {"x": code["x"], "y": code["y"], "width": code["width"]}


def job_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: int, sleep: float, **kw: Any) -> LiveServer:
    """A live server with an in-process consumer running the fake pipeline at a known pace."""
    import pausecode.service
    from conftest_server import fake_run_pipeline

    monkeypatch.setattr(pausecode.service, "run_pipeline", fake_run_pipeline)
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_STEPS", str(steps))
    monkeypatch.setenv("PAUSECODE_TEST_FAKE_SLEEP", str(sleep))
    settings = settings_for(tmp_path, **kw)
    return LiveServer(create_app(settings, run_consumer=True, queue=JobQueue(settings, FAST)))


# ------------------------------------------------------------------ uploads and jobs
def test_reupload_of_a_processed_file_keeps_the_player_and_says_so(tmp_path: Path, pages: Pages) -> None:
    from pausecode.ingest.ids import file_content_id

    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    vid = file_content_id(video)
    save_fake_result(settings, vid, path=video, title="Functions demo")
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, vid)
        pause_at(page, 3.0)
        page.wait_for_function("(c) => document.getElementById('code').textContent === c", arg=CODE_A)
        page.set_input_files("#file-input", str(video))
        page.wait_for_selector("#status-toast:not([hidden])")
        assert "Already processed" in page.locator("#status-toast").text_content()
        page.wait_for_selector("#job", state="hidden")
        assert "Uploading" not in (page.locator("#job-label").text_content() or "") or page.locator("#job").is_hidden()
        # the player was not reset: same moment, same code
        assert abs(page.evaluate("document.getElementById('video').currentTime") - 3.0) < 0.5
        assert page.locator("#code").text_content() == CODE_A
        shot(page, "reupload-already-processed")


def test_an_upload_can_be_cancelled(tmp_path: Path, pages: Pages) -> None:
    video = make_video(tmp_path / "clip.mp4", seconds=2.0)
    with LiveServer(create_app(settings_for(tmp_path))) as srv:
        page = pages.open(srv.url + "/")
        page.route("**/api/v1/video/upload*", lambda route: None)  # the server never answers: a stuck upload
        page.set_input_files("#file-input", str(video))
        page.wait_for_selector("#job:not([hidden])")
        assert page.locator("#job-cancel").is_visible()
        shot(page, "upload-in-progress")
        page.locator("#job-cancel").click()
        page.wait_for_selector("#job", state="hidden")
        assert "Upload cancelled" in page.locator("#status-toast").text_content()


def test_running_job_is_listed_with_stage_frames_eta_and_a_cancel_removes_its_bar(
        tmp_path: Path, pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    video = make_video(tmp_path / "lesson.mp4", seconds=6.0, fps=10)
    with job_server(tmp_path, monkeypatch, steps=400, sleep=0.05) as srv:
        page = pages.open(srv.url + "/")
        page.wait_for_selector("#videos-empty:not([hidden])")
        page.set_input_files("#file-input", str(video))
        page.wait_for_function("document.getElementById('job-label').textContent.includes('frames')")
        # while the job runs the list shows it, never "No processed videos yet"
        page.wait_for_function("(document.querySelector('#jobs-list .job-item') || {}).textContent"
                               " ?.startsWith('Processing: lesson.mp4 · Reading frames')")
        assert page.locator("#videos-empty").is_hidden()
        page.wait_for_function("document.getElementById('job-label').textContent.includes('left')", timeout=20_000)
        label = page.locator("#job-label").text_content()
        assert label.startswith("Reading frames · ") and " / 60 frames" in label, label
        bar = page.locator("#job-progress")
        assert bar.get_attribute("role") == "progressbar"
        assert bar.get_attribute("aria-valuemin") == "0" and bar.get_attribute("aria-valuemax") == "100"
        assert int(bar.get_attribute("aria-valuenow")) > 0 and bar.get_attribute("aria-valuetext") == label
        shot(page, "job-running")
        page.locator("#job-cancel").click()
        page.wait_for_selector("#job", state="hidden", timeout=15_000)
        assert "cancelled" in page.locator("#status-toast").text_content()
        page.wait_for_function("document.querySelectorAll('#jobs-list .job-item').length === 0")


def test_eta_follows_the_recent_rate_not_the_average_since_the_start(tmp_path: Path, pages: Pages) -> None:
    """20 s at 10 frames/s (models loading, first full reads), then 20 s at 60 frames/s; 3000 frames in all."""
    with LiveServer(create_app(settings_for(tmp_path))) as srv:
        page = pages.open(srv.url + "/")
        samples = [{"t": t, "done": 10 * t} for t in range(0, 21)]
        samples += [{"t": 20 + t, "done": 200 + 60 * t} for t in range(1, 21)]
        eta = page.evaluate("(s) => window.PausePlayer.etaSeconds(s, 3000)", samples)
        truth = (3000 - 1400) / 60  # 26.7 s at the current rate; the average since the start says 45.7 s
        assert abs(eta - truth) / truth < 0.1, eta
        assert page.evaluate("window.PausePlayer.etaSeconds([{t: 0, done: 0}, {t: 1, done: 5}], 100)") is None


# ------------------------------------------------------------------ follow mode, confidence, layout
def test_follow_mode_tracks_the_playing_video_without_requests_and_pausing_pins(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_follow", path=video)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_follow")
        assert page.locator("#follow-toggle").is_checked()  # on by default
        code_requests: list[str] = []
        page.on("request", lambda r: code_requests.append(r.url) if "/code?" in r.url else None)
        pause_at(page, 3.2)
        page.wait_for_function("(c) => document.getElementById('code').textContent === c", arg=CODE_A)
        page.wait_for_timeout(300)
        code_requests.clear()
        page.evaluate("document.getElementById('video').play()")
        page.wait_for_function("(c) => document.getElementById('code').textContent === c", arg=CODE_B,
                               timeout=15_000)
        assert page.locator("#code-meta").text_content().startswith("Following")
        assert code_requests == [], "follow mode must use the fetched segment list, not a request per frame"
        shot(page, "follow-playing")
        page.evaluate("document.getElementById('video').pause()")
        page.wait_for_function("document.getElementById('code-meta').textContent.startsWith('Paused at')")
        assert len(code_requests) >= 1  # pausing pins the exact answer for that moment

        # follow off: the panel keeps the paused code and says it is out of date while the video plays
        page.locator("#follow-toggle").uncheck()
        pause_at(page, 2.5)
        page.wait_for_function("(c) => document.getElementById('code').textContent === c", arg=CODE_A)
        page.evaluate("document.getElementById('video').play()")
        page.wait_for_selector("#code-note[data-kind='stale']")
        assert "Out of date" in page.locator("#code-note").text_content()
        page.wait_for_function("document.getElementById('video').currentTime > 4.3", timeout=15_000)
        assert page.locator("#code").text_content() == CODE_A
        page.evaluate("document.getElementById('video').pause()")


def test_uncertain_readings_are_marked(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    segs = [
        Segment(0.0, 2.0, "learning", learning_topic="Functions in Python", confidence=0.9),
        Segment(2.0, 4.0, "code", code_content="$ python3 greet.py\nhello world\n", confidence=0.55,
                language="python", file_name="greet.py"),
        Segment(4.0, 6.0, "code", code_content=CODE_B, confidence=0.95, language="python", file_name="greet.py"),
    ]
    save_fake_result(settings, "vid_unsure", path=video, segments=segs)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_unsure")
        threshold = page.evaluate("window.PausePlayer.UNCERTAIN_BELOW")
        assert 0.55 < threshold <= 0.95
        assert page.locator("#timeline .seg.uncertain").count() == 1
        pause_at(page, 3.0)
        conf = page.locator("#confidence")
        page.wait_for_function("document.getElementById('confidence').classList.contains('low')")
        assert "uncertain" in conf.text_content() and "0.55" in conf.text_content()
        assert "check it against the video" in page.locator("#code-note").text_content()
        assert "uncertain" in (page.locator("#code-panel").get_attribute("class") or "")
        shot(page, "uncertain-reading")
        pause_at(page, 5.0)
        page.wait_for_function("!document.getElementById('confidence').classList.contains('low')")
        assert conf.text_content() == "confidence 0.95"
        assert page.locator("#code-note").is_hidden()
        assert "uncertain" not in (page.locator("#code-panel").get_attribute("class") or "")


def test_long_meta_text_and_an_error_do_not_move_the_player_or_the_code(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    long_name = "src/" + "very_long_folder_name/" * 12 + "greet.py"
    segs = [
        Segment(0.0, 3.0, "code", code_content=CODE_A, confidence=0.95, language="python", file_name="greet.py"),
        Segment(3.0, 6.0, "code", code_content=CODE_B, confidence=0.95, language="python", file_name=long_name),
    ]
    save_fake_result(settings, "vid_layout", path=video, segments=segs)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_layout")
        pause_at(page, 1.5)
        page.wait_for_selector("#code-panel:not([hidden])")
        short = place(page)
        pause_at(page, 4.5)
        page.wait_for_function("(n) => document.getElementById('code-meta').title.includes(n)", arg=long_name)
        assert place(page) == short
        page.fill("#url-input", "ftp://example.com/lesson.mp4")
        page.click("#url-submit")
        page.wait_for_selector("#error:not([hidden])")
        assert place(page) == short
        shot(page, "error-banner")
        page.locator("#error-close").click()
        assert page.locator("#error").is_hidden()


# ------------------------------------------------------------------ URLs and the list of videos
def test_unknown_id_says_so_in_the_page_and_a_hash_change_loads_another_video(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_one", path=video, title="First video")
    save_fake_result(settings, "vid_two", path=video, title="Second video")
    with LiveServer(create_app(settings)) as srv:
        page = pages.open(srv.url + "/#v=no_such_video")
        page.wait_for_selector("#notice:not([hidden])")
        notice = page.locator("#notice").text_content()
        assert "no processed video" in notice and "no_such_video" in notice
        assert "pausecode process" not in notice and page.locator("#error").is_hidden()
        page.wait_for_function("document.querySelectorAll('#videos-list .video-item').length === 2")  # where to go next is on the page
        shot(page, "unknown-video")
        page.evaluate("location.hash = '#v=vid_one'")
        page.wait_for_function("document.body.dataset.video === 'vid_one'")
        assert page.locator("#video-title").text_content() == "First video" and page.locator("#notice").is_hidden()
        page.evaluate("location.hash = '#v=vid_two'")
        page.wait_for_function("document.body.dataset.video === 'vid_two'")
        assert page.locator("#video-title").text_content() == "Second video"


def test_video_list_is_in_view_with_status_and_date_and_deletes_after_confirmation(
        tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path, api_key="list-key")
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_keep", path=video, title="Keep me")
    save_fake_result(settings, "vid_drop", path=video, title="Delete me")
    with LiveServer(create_app(settings)) as srv:
        page = pages.open(srv.url + "/")
        page.evaluate("localStorage.setItem('pausecode.apiKey', 'list-key')")
        page.reload()
        page.wait_for_function("document.querySelectorAll('#videos-list .video-item').length === 2")
        panel = box(page, "#videos-panel")
        assert panel["y"] < 200 and panel["y"] + 100 < DESKTOP["height"]  # seen without scrolling
        row = page.locator("#videos-list .video-row", has_text="Delete me")
        meta = row.locator(".video-meta").text_content()
        assert "ready" in meta and "3 segments" in meta and "0:06" in meta
        assert any(str(y) in meta for y in range(2024, 2100)), meta  # processing date
        page.evaluate("location.hash = '#v=vid_drop'")
        page.wait_for_function("document.body.dataset.video === 'vid_drop'")
        shot(page, "video-list")

        dialogs: list[str] = []

        def answer(dialog: Any, accept: bool) -> None:
            dialogs.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda d: answer(d, False))
        row.locator(".video-delete").click()
        page.wait_for_timeout(300)
        assert dialogs and "Delete me" in dialogs[0]
        assert page.locator("#videos-list .video-item").count() == 2  # dismissed: nothing lost

        page.once("dialog", lambda d: answer(d, True))
        row.locator(".video-delete").click()
        page.wait_for_function("document.querySelectorAll('#videos-list .video-item').length === 1")
        assert page.locator("#notice").is_visible() and "deleted" in page.locator("#notice").text_content()
        r = page.request.get(srv.url + "/api/v1/video/vid_drop/info", headers={"X-API-Key": "list-key"})
        assert r.status == 404
        assert page.request.delete(srv.url + "/api/v1/video/vid_keep").status == 401  # the API key still holds


# ------------------------------------------------------------------ keyboard and accessibility
def test_keyboard_shortcuts_and_one_tab_stop_for_the_timeline(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=12.0, size=(320, 180))
    segs = [Segment(float(i), float(i + 1), "code", code_content=f"x = {i}\n", confidence=0.95, language="python")
            for i in range(12)]
    save_fake_result(settings, "vid_keys", path=video, duration=12.0, segments=segs)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_keys")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=srv.url)
        pause_at(page, 2.5)
        page.locator("#video-title").click()  # focus on the page, not on a control
        page.keyboard.press("Space")
        page.wait_for_function("!document.getElementById('video').paused")
        page.keyboard.press("Space")
        page.wait_for_function("document.getElementById('video').paused")
        t0 = page.evaluate("document.getElementById('video').currentTime")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(t) => document.getElementById('video').currentTime > t + 4.5", arg=t0)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("(t) => Math.abs(document.getElementById('video').currentTime - t) < 0.5", arg=t0)
        page.wait_for_function("document.getElementById('code').textContent === 'x = 2\\n'")
        page.keyboard.press("c")
        page.wait_for_function("document.getElementById('copy-btn').textContent === 'Copied!'")
        assert page.evaluate("navigator.clipboard.readText()") == page.locator("#code").text_content()

        # 12 segments, one tab stop; arrows move along the strip
        assert min(page.evaluate("Array.from(document.querySelectorAll('#timeline .seg'))"
                                 ".map((s) => s.getBoundingClientRect().height)")) >= 24  # a target, also on desktop
        tabbable = page.locator("#timeline .seg[tabindex='0']")
        assert page.locator("#timeline .seg").count() == 12 and tabbable.count() == 1
        order = page.evaluate("""() => Array.from(document.querySelectorAll('button, input, [tabindex], video, summary'))
            .filter((e) => e.tabIndex >= 0 && !e.disabled && e.offsetParent !== null).map((e) => e.id || e.className)""")
        assert order.index("copy-btn") < 25, order
        tabbable.focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.dataset.index") == "1"
        page.keyboard.press("End")
        assert page.evaluate("document.activeElement.dataset.index") == "11"
        assert page.locator("#timeline .seg[tabindex='0']").count() == 1
        page.keyboard.press("Enter")
        page.wait_for_function("document.getElementById('code').textContent === 'x = 11\\n'")


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_no_serious_accessibility_violations(tmp_path: Path, pages: Pages, scheme: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (run `make web-assets`; CI installs it)")
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_axe", path=video, title="Functions demo")
    segs = [Segment(0.0, 3.0, "code", code_content=CODE_A, confidence=0.5, language="python")]
    save_fake_result(settings, "vid_unsure", path=video, segments=segs, title="Unsure")
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_axe", scheme=scheme)
        page.wait_for_selector("#videos-list .video-item")

        def violations() -> list[dict[str, Any]]:
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations)")
            return [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
                    for v in found if v["impact"] in ("serious", "critical")]

        pause_at(page, 3.0)
        page.locator("#diff-toggle").check()
        bad = violations()
        page.evaluate("location.hash = '#v=vid_unsure'")
        page.wait_for_function("document.body.dataset.video === 'vid_unsure'")
        pause_at(page, 1.0)
        page.wait_for_selector("#code-note:not([hidden])")
        bad += violations()
        page.evaluate("location.hash = '#v=missing'")
        page.wait_for_selector("#notice:not([hidden])")
        bad += violations()
        shot(page, f"axe-{scheme}")
        assert bad == [], json.dumps(bad, indent=1)


def test_light_theme_follows_the_system_setting(tmp_path: Path, pages: Pages) -> None:
    with LiveServer(create_app(settings_for(tmp_path))) as srv:
        colours = {}
        for scheme in ("dark", "light"):
            page = pages.open(srv.url + "/", scheme=scheme)
            colours[scheme] = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                                                    getComputedStyle(document.body).color]""")
        lum = {k: sum(int(x) for x in v[0][4:-1].split(",")[:3]) for k, v in colours.items()}
        assert lum["light"] > 600 and lum["dark"] < 150, colours


def test_phone_layout_scrolls_code_inside_its_panel_and_has_tappable_timeline(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    long_line = "print(" + ", ".join(f"'item number {i}'" for i in range(12)) + ")\n"
    segs = [Segment(0.1 * i, 0.1 * i + 0.1, "code", code_content=f"x = {i}\n", confidence=0.9, language="python")
            for i in range(30)]  # many thin segments, as a typing tutorial has
    segs += [Segment(3.0, 6.0, "code", code_content=CODE_A + long_line, confidence=0.95, language="python")]
    save_fake_result(settings, "vid_phone", path=video, segments=segs)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_phone", viewport=PHONE)
        pause_at(page, 4.0)
        page.wait_for_selector("#code-panel:not([hidden])")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways page
        pre = box(page, "#code-panel")
        assert pre["x"] >= 0 and pre["x"] + pre["width"] <= PHONE["width"]
        assert page.evaluate("(() => { const p = document.getElementById('code-panel');"
                             " return p.scrollWidth > p.clientWidth; })()")  # the long line scrolls inside
        heights = page.evaluate("Array.from(document.querySelectorAll('#timeline .seg'))"
                                ".map((s) => s.getBoundingClientRect().height)")
        assert min(heights) >= 24, heights
        tl = box(page, "#timeline")
        page.mouse.click(tl["x"] + tl["width"] * 0.9, tl["y"] + tl["height"] / 2)  # a tap anywhere seeks there
        page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 5.4) < 0.3")
        shot(page, "phone")


def test_line_numbers_legend_of_present_types_and_favicon(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path)
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_lines", path=video)  # learning + code, no mixed
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_lines")
        assert page.locator("#legend span").all_text_contents() == ["code", "learning"]
        pause_at(page, 5.0)
        page.wait_for_function("(c) => document.getElementById('code').textContent === c", arg=CODE_B)
        assert page.locator("#gutter").text_content() == "\n".join(str(i) for i in range(1, 6))
        assert page.locator("#gutter").get_attribute("aria-hidden") == "true"
        first_line_y = page.evaluate("document.getElementById('code').getBoundingClientRect().y")
        assert abs(first_line_y - box(page, "#gutter")["y"]) < 1  # numbers line up with the code
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=srv.url)
        page.locator("#copy-btn").click()
        page.wait_for_function("document.getElementById('copy-btn').textContent === 'Copied!'")
        assert page.evaluate("navigator.clipboard.readText()") == CODE_B  # no numbers in the copy
        r = page.request.get(srv.url + "/favicon.ico")
        assert r.status == 200 and r.headers["content-type"] == "image/x-icon"
        assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("/favicon.ico")


# ------------------------------------------------------------------ run it
def run_and_wait(page: Any, status: str, timeout: float = 180_000) -> str:
    page.locator("#run-btn").click()
    page.wait_for_function("(s) => document.getElementById('run-box').dataset.status === s", arg=status,
                           timeout=timeout)
    return page.locator("#run-note").text_content() or ""


HOSTILE = """import js
try:
    r = js.XMLHttpRequest.new()
    r.open("DELETE", "/api/v1/video/vid_run", False)
    r.send()
    print("sent", r.status)
except Exception:
    print("blocked")
"""


def test_run_the_paused_code_in_the_page(tmp_path: Path, pages: Pages) -> None:
    if not (PYODIDE / "pyodide.asm.wasm").is_file():
        pytest.skip(f"Pyodide is not installed at {PYODIDE} (run `make web-assets`; CI installs it)")
    settings = settings_for(tmp_path, pyodide_dir=PYODIDE)
    video = make_video(tmp_path / "clip.mp4", seconds=10.0, size=(320, 180))
    segs = [
        Segment(0.0, 2.0, "code", code_content=CODE_B, confidence=0.95, language="python", code_complete=True),
        Segment(2.0, 4.0, "code", code_content="def c:\n    t", confidence=0.9, language="python",
                code_complete=False),
        Segment(4.0, 6.0, "code", code_content="console.log('hi');\n", confidence=0.9, language="javascript"),
        Segment(6.0, 8.0, "code", code_content="while True:\n    pass\n", confidence=0.9, language="python"),
        Segment(8.0, 10.0, "code", code_content=HOSTILE, confidence=0.9, language="python"),
    ]
    save_fake_result(settings, "vid_run", path=video, duration=10.0, segments=segs)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_run")
        pause_at(page, 1.0)
        assert run_and_wait(page, "ok") == "Finished."
        assert page.locator("#run-output").text_content() == "hello world\n"
        shot(page, "run-ok")

        pause_at(page, 3.0)
        note = run_and_wait(page, "syntax")
        assert note.startswith("Not complete yet") and "line 1" in note, note

        pause_at(page, 5.0)
        assert "Run is for Python code: this is javascript" in run_and_wait(page, "not-python")

        pause_at(page, 7.0)
        page.evaluate("window.PauseRunner.config.runTimeLimitSeconds = 2")
        assert "time limit" in run_and_wait(page, "timeout")

        pause_at(page, 1.0)  # the stopped worker was replaced: the next run works
        run_and_wait(page, "ok")
        assert page.locator("#run-output").text_content() == "hello world\n"

        pause_at(page, 9.0)  # code read off a video cannot call the API from the runner
        run_and_wait(page, "ok")
        assert page.locator("#run-output").text_content() == "blocked\n"
        assert page.request.get(srv.url + "/api/v1/video/vid_run/info").status == 200


def test_run_says_how_to_install_pyodide_when_it_is_missing(tmp_path: Path, pages: Pages) -> None:
    settings = settings_for(tmp_path, pyodide_dir=tmp_path / "not-installed")
    video = make_video(tmp_path / "clip.mp4", seconds=6.0, size=(320, 180))
    save_fake_result(settings, "vid_norun", path=video)
    with LiveServer(create_app(settings)) as srv:
        page = open_video(pages, srv, "vid_norun")
        pause_at(page, 5.0)
        note = run_and_wait(page, "unavailable", timeout=10_000)
        assert note == "Run is unavailable: Pyodide not installed (run `make web-assets`)."


# ------------------------------------------------------------------ screenshots for the README
def _segments_from_truth(truth: dict[str, Any]) -> list[Segment]:
    out: list[Segment] = []
    samples = sorted(truth["samples"], key=lambda s: s["t"])
    for i, s in enumerate(samples):
        end = samples[i + 1]["t"] if i + 1 < len(samples) else truth["duration"]
        key = (s["type"], s.get("visible_code"), s.get("topic"))
        if out and (out[-1].segment_type, out[-1].code_content, out[-1].learning_topic) == key:
            last = out[-1]
            out[-1] = Segment(last.start, end, last.segment_type, code_content=last.code_content,
                              learning_topic=last.learning_topic, confidence=last.confidence,
                              language=last.language, file_name=last.file_name)
            continue
        start = 0.0 if not out else out[-1].end
        if s["type"] == "learning":
            out.append(Segment(start, end, "learning", learning_topic=s.get("topic"), confidence=0.93))
        else:
            out.append(Segment(start, end, "code", code_content=s.get("visible_code"), confidence=0.97,
                               language="python", file_name=s.get("file")))
    return out


def test_screenshots_for_the_docs(tmp_path: Path, pages: Pages, synth_dark: Any) -> None:
    """Desktop dark and light, phone width, running code: a generated tutorial (slide, then typing in an editor)."""
    settings = settings_for(tmp_path, pyodide_dir=PYODIDE)
    save_fake_result(settings, "loops_demo", path=synth_dark.video, duration=synth_dark.truth["duration"],
                     segments=_segments_from_truth(synth_dark.truth), title="Python loops in 15 seconds")
    final_t = synth_dark.truth["duration"] - 0.5
    with LiveServer(create_app(settings)) as srv:
        for scheme in ("dark", "light"):
            page = open_video(pages, srv, "loops_demo", scheme=scheme)
            pause_at(page, final_t)
            shot(page, f"docs-desktop-{scheme}", full=False)
        page = open_video(pages, srv, "loops_demo", viewport=PHONE)
        pause_at(page, final_t)
        shot(page, "docs-phone", full=True)
        if (PYODIDE / "pyodide.asm.wasm").is_file():
            page = open_video(pages, srv, "loops_demo")
            pause_at(page, final_t)
            run_and_wait(page, "ok")
            assert page.locator("#run-output").text_content() == "8 is big\n9 is big\n"
            shot(page, "docs-run", full=False)
