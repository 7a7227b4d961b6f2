"""Case held_thonny_light_720p: the Thonny IDE with a LIGHT look (UI theme Enhanced Clam,
syntax theme IDLE Classic, Noto Mono 13, Variables pane open on the right) under Xvfb,
typed with xdotool (real X key events).

Same machinery as thonny_case.py (dev_thonny_alt_720p): the truth comes from the plug-in
thonny_plugin/bench_truth.py (editor pane only), the typist corrects Thonny's auto-indent.
Different program (programs.INVENTORY), look, layout and script (a wheel scroll at the end).
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import common as C
import lessons as L
import programs as P
import xwin
from thonny_case import ThonnyTypist, thonny_python

CASE = "held_thonny_light_720p"
LESSON_DIR = ("marek", "week8")      # the project folder (shown in the title bar) is <tmp>/marek/week8
FILE = "stock.py"
W, H = 1280, 720

CONFIG = """\
[general]
language = en_US
[layout]
zoomed = True
s_nb_height = 190
east_pw_width = 300
[view]
editor_font_family = Noto Mono
editor_font_size = 13
io_font_family = DejaVu Sans Mono
io_font_size = 11
ui_theme = Enhanced Clam
syntax_theme = IDLE Classic
show_line_numbers = True
highlight_current_line = False
VariablesView.visible = True
[edit]
automatic_completions = False
automatic_calltips = False
tab_request_completions_in_editors = False
[run]
backend_name = SameAsFrontend
"""


class Typist(ThonnyTypist):
    """ThonnyTypist that also clears the auto-indent Thonny leaves on a blank line inside a
    block (after `self.price = ...` Thonny indents the next line; only after `return` does it
    dedent), so that the saved file has no whitespace-only lines, like the program."""

    def lines(self, lines, first_newline=False, label_from=1):
        for i, line in enumerate(lines):
            if line.strip():
                super().lines([line], first_newline=bool(i or first_newline), label_from=label_from + i)
                continue
            if i or first_newline:
                self.key("Return", self.h.rng.uniform(0.12, 0.3))
            self.ev(f"typing line {label_from + i}")
            self.fix_indent(0)


def record():
    work = C.WORK / "thonny"
    shutil.rmtree(work, ignore_errors=True)
    user = work / "user"
    exe, sysver = thonny_python()
    plug = user / "plugins" / "lib" / f"python{sysver}" / "site-packages" / "thonnycontrib"
    plug.mkdir(parents=True)
    shutil.copy(C.RECORD_DIR / "thonny_plugin" / "bench_truth.py", plug / "bench_truth.py")
    (user / "configuration.ini").write_text(CONFIG)
    proj = Path(tempfile.gettempdir()).joinpath(*LESSON_DIR)
    shutil.rmtree(proj, ignore_errors=True)
    proj.mkdir(parents=True)
    src = proj / FILE
    src.write_text("")
    log_path = work / "truth.jsonl"
    log_path.write_text("")
    disp = C.Display(W, H).start()
    raw = C.WORK / "raw" / f"{CASE}.mp4"
    human = C.Human(2108, char_lo=0.07, char_hi=0.2, pause_lo=0.7, pause_hi=3.0)
    ty = Typist(log_path, human)
    learning = []
    env = {**os.environ, "DISPLAY": disp.name, "THONNY_USER_DIR": str(user), "BENCH_TRUTH_LOG": str(log_path),
           "PATH": "/usr/bin:/bin", "HOME": str(work)}
    try:
        with sync_playwright() as pw:
            slides = xwin.SlidesWindow(pw, W, H, CASE)
            th = subprocess.Popen([exe, str(src)], env=env, cwd=str(proj),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            th_wid = xwin.find_window("Thonny", timeout=60)
            for _ in range(100):
                if ty.last_state(0.2):
                    break
            time.sleep(3.0)
            xwin.activate(th_wid)
            time.sleep(1.0)
            # click into the editor once so it has keyboard focus (the Variables pane is on the right)
            C.xdo("mousemove", 450, 250)
            C.xdo("click", "1")
            time.sleep(0.5)
            slides.prepare(L.G_TITLE)
            end_win = xwin.ColorWindow("#00ffff", "BenchEndMarker")
            sync_win = xwin.ColorWindow("#ff00ff", "BenchSyncMarker")
            xwin.activate(sync_win.wid)
            time.sleep(1.0)
            rec = C.Recorder(disp, raw).start()
            time.sleep(1.3)

            def show(spec, secs):
                slides.prepare(spec)
                time.sleep(0.3)
                a = xwin.activate(slides.wid)
                ty.ev(f"show {spec['kind']} '{spec.get('title') or spec.get('name')}'")
                time.sleep(secs)
                b = xwin.activate(th_wid)
                learning.append((a, b, f"{spec['kind']}:{spec['id']}"))
                ty.ev("back to Thonny")

            sync_ms = xwin.activate(slides.wid)   # title slide raised over the magenta window
            time.sleep(10.0)
            b = xwin.activate(th_wid)
            learning.append((sync_ms, b, "slide:title"))
            time.sleep(1.5)
            C.smooth_move(520, 280, 0.6, human.rng)
            C.xdo("click", "1")
            time.sleep(1.2)
            lines = P.INVENTORY.split("\n")
            n1 = next(i for i, l in enumerate(lines) if l.startswith("items = "))
            ty.lines(lines[:n1], label_from=1)
            time.sleep(1.5)
            show(L.G_COMPREHENSIONS, 11)
            time.sleep(1.0)
            C.smooth_move(760, 380, 0.7, human.rng)
            ty.lines(lines[n1:], first_newline=True, label_from=n1 + 1)
            ty.key("Return", 0.4)         # end the file with a newline
            time.sleep(1.5)
            ty.key("ctrl+s", 1.5)
            ty.ev("save (Ctrl+S)")
            ty.key("F5", 4.0)
            ty.ev("run (F5)")
            time.sleep(3.0)
            show(L.G_PRESENTER, 9)
            time.sleep(2.0)
            # read the program again from the top with the mouse wheel, then back down
            C.smooth_move(430, 300, 0.8, human.rng)
            time.sleep(0.8)
            for _ in range(3):
                C.xdo("click", "4")
                ty.ev("wheel up")
                time.sleep(human.rng.uniform(0.9, 1.6))
            time.sleep(3.0)
            for _ in range(3):
                C.xdo("click", "5")
                ty.ev("wheel down")
                time.sleep(human.rng.uniform(0.9, 1.6))
            time.sleep(2.5)
            C.smooth_move(1100, 200, 0.8, human.rng)
            time.sleep(1.5)
            end_ms = xwin.activate(end_win.wid)
            time.sleep(1.5)
            rec.stop()
            sync_win.close()
            end_win.close()
            th.terminate()
            try:
                th.wait(10)
            except subprocess.TimeoutExpired:
                th.kill()
            try:  # Thonny's backend runs in the same (new) session/process group
                os.killpg(th.pid, 15)
            except ProcessLookupError:
                pass
            slides.close()
    finally:
        disp.stop()
    saved = src.read_text()
    ok = saved.rstrip("\n") == P.INVENTORY.rstrip("\n")
    C.log(f"{CASE}: saved file {'matches' if ok else 'DIFFERS from'} the intended program; {ty.fixes} line fixes")
    shutil.rmtree(Path(tempfile.gettempdir()) / LESSON_DIR[0], ignore_errors=True)
    states = []
    for l in log_path.read_text().splitlines():
        d = json.loads(l)
        if "full_code" not in d:
            C.log("plugin error:", d)
            continue
        d.update(type="code", editor="thonny")
        states.append(d)
    last_full = states[-1]["full_code"] if states else ""
    states = xwin.merge_states(states, learning, end_ms)
    truth = C.build_truth(CASE, "Thonny 4.0 (Tk) editor pane, Enhanced Clam / IDLE Classic, Noto Mono 13",
                          W, H, states, ty.events, sync_ms, end_ms,
                          extra={"saved_file_matches_program": ok,
                                 "saved_file_matches_truth_buffer": saved.rstrip("\n") == last_full.rstrip("\n"),
                                 "note": "visible_code = lines of the editor pane only "
                                         "(not the Shell or Variables panes)"})
    return C.finish_case(CASE, raw, truth, sync_ms, end_ms)


CASES = {CASE: record}

if __name__ == "__main__":
    record()
