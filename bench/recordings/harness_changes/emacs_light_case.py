"""Case held_emacs_light_720p: GNU Emacs in the terminal (`emacs -nw`, Debian's emacs-nox) with the
light `leuven` theme, menu bar, line numbers (global-display-line-numbers-mode), in a white
maximised xterm + tmux (status bar at the top), mononoki 14 pt, 1280x720; then the python3 REPL.

Same machinery as terminal_case.py: truth from `tmux capture-pane` polled every 20 ms plus the
learning windows logged by the driver.  Emacs's screen is reduced to the file's text: the menu
bar (top row), the mode line and the echo area below it, and the line-number gutter are stripped
(see emacs_view()).  Shell and REPL screens are truth as shown.

Emacs reads $HOME/.emacs.d/init.el (HOME is the case's scratch folder; INIT_EL below).  Electric
indentation is off and the typist types the indentation as spaces, so the saved file is exactly
the program (python-mode's `require-final-newline` adds the final newline).
"""
import os
import re
import shutil
import subprocess
import time

from playwright.sync_api import sync_playwright

import common as C
import lessons as L
import programs as P
import terminal_case as T
import xwin

CASE = "held_emacs_light_720p"
W, H = 1280, 720
PROJECT = "gradebook"
FILE = "grades.py"
PS1 = r"\[\e[0;35m\]ines\[\e[0m\] \[\e[0;34m\]~/gradebook\[\e[0m\] > "
XTERM_LOOK = ["-fa", "mononoki", "-fs", "14", "-bg", "#ffffff", "-fg", "#333333", "-bc",
              "-cr", "#21bdff", "-b", "4", "-maximized", "-title", "ines@school: ~/gradebook"]

INIT_EL = """\
;; held_emacs_light_720p
(setq inhibit-startup-screen t)
(load-theme 'leuven t)
(global-display-line-numbers-mode 1)
(column-number-mode 1)
(electric-indent-mode -1)
(global-eldoc-mode -1)
(setq make-backup-files nil auto-save-default nil create-lockfiles nil)
(setq python-indent-guess-indent-offset-verbose nil)
"""

TMUX_CONF = """\
set -g escape-time 0
set -g status on
set -g status-position top
set -g status-style bg=colour254,fg=colour238
set -g status-left '#[bg=colour31,fg=colour231,bold] unit 5 #[default] '
set -g status-left-length 20
set -g status-right ' gradebook | %H:%M '
set -g window-status-current-style bg=colour250,fg=colour235
set -g default-terminal "screen-256color"
set -g history-limit 5000
"""

GUTTER = re.compile(r"^( *)(\d+)(?: |$)")   # a blank numbered line has no trailing space
MODE_LINE = re.compile(r"^-\S*F1\s+(\S+)")   # "-UUU:**--F1  grades.py   Top (12,0) ..."
MENU_BAR = "File Edit Options Buffers Tools"


def emacs_view(rows):
    """The file's visible lines from a capture of emacs -nw: drop the menu bar (top row), the mode
    line and the echo area below it; the remaining rows start with the line-number gutter (a
    space, the right-aligned number and a space).  Rows below the end of the buffer carry no
    number and end the view.  Returns (code, top line, buffer name), or None while Emacs has not
    drawn a mode line yet (the blank alternate screen right after the start)."""
    ml = next((i for i in range(len(rows) - 1, 0, -1) if MODE_LINE.match(rows[i])), None)
    if ml is None:
        return None
    buf = MODE_LINE.match(rows[ml]).group(1)
    start = 1 if rows and rows[0].startswith(MENU_BAR) else 0
    lines, top = [], None
    for r in rows[start:ml]:
        m = GUTTER.match(r)
        if not m:
            break
        if top is None:
            top = int(m.group(2))
        width = len(m.group(1)) + len(m.group(2)) + 1
        lines.append(r[width:].rstrip())
    return "\n".join(lines), top, buf


def screen_state(cmd, alt, rows):
    # Emacs counts once it has drawn its first frame (a mode line): its start shows a blank
    # alternate screen for a moment (truth: that blank screen), then *scratch*, then the file
    if alt and cmd.startswith("emacs"):
        view = emacs_view(rows)
        if view is None:
            # blank start-up screen: truth as shown (nothing); a capture caught in the middle of
            # a full redraw (no mode line, but text) is skipped, the previous state holds
            return T.screen_state(cmd, False, rows) if not any(r.strip() for r in rows) else None
        code, top, buf = view
        return {"type": "code", "editor": "emacs", "file": buf, "visible_code": code,
                "full_code": code, "top": top}
    return T.screen_state(cmd, False, rows)     # shell or REPL screen as shown


class Poller(T.Poller):
    def run(self):
        last = None
        while not self.stop_flag:
            ts, cmd, alt, rows = self.snap()
            st = screen_state(cmd, alt, rows)
            key = st and (st["editor"], st["file"], st["visible_code"])
            if st is not None and key != last:
                st["ts"] = ts
                self.states.append(st)
                last = key
            time.sleep(self.period)


class Typist(T.Typist):
    def emacs_lines(self, lines, label_from=1):
        """Type lines with Enter between them; indentation is typed as spaces (electric indent off)."""
        for i, line in enumerate(lines):
            if i:
                self.key("Enter", self.h.rng.uniform(0.1, 0.3))
            content = line.lstrip(" ")
            self.ev(f"typing line {label_from + i}")
            for _ in range(len(line) - len(content)):
                self.tm.literal(" ")
                time.sleep(self.h.rng.uniform(0.03, 0.07))
            self.chars(content)
            if content:
                time.sleep(self.h.line_pause())


def record():
    work = C.WORK / "term"
    shutil.rmtree(work, ignore_errors=True)
    proj = work / PROJECT
    proj.mkdir(parents=True)
    (work / ".emacs.d").mkdir()
    (work / ".emacs.d" / "init.el").write_text(INIT_EL)
    (work / "tmux.conf").write_text(TMUX_CONF)
    sock = f"rec{os.getpid()}"
    tm = T.Tmux(sock)
    disp = C.Display(W, H).start()
    raw = C.WORK / "raw" / f"{CASE}.mp4"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "TERM": "xterm-256color", "PS1": PS1,
           "LANG": "C.UTF-8", "DISPLAY": disp.name, "PYTHONDONTWRITEBYTECODE": "1"}
    human = C.Human(4421, char_lo=0.045, char_hi=0.15, pause_lo=0.5, pause_hi=2.4)
    ty = Typist(tm, human)
    learning = []
    try:
        with sync_playwright() as pw:
            slides = xwin.SlidesWindow(pw, W, H, CASE)
            subprocess.run(["tmux", "-L", sock, "-f", str(work / "tmux.conf"), "new-session", "-d", "-s", "main",
                            "-x", "110", "-y", "30", "-c", str(proj), "env", "-i",
                            *[f"{k}={v}" for k, v in env.items()], "bash", "--norc", "--noprofile"],
                           check=True, cwd=str(proj))
            xt = subprocess.Popen(["xterm", *XTERM_LOOK, "-xrm", "XTerm*selectToClipboard: true",
                                   "-e", "tmux", "-L", sock, "attach", "-t", "main"],
                                  env={**os.environ, "DISPLAY": disp.name, "TERM": "xterm-256color"})
            time.sleep(2.0)
            xterm_wid = xwin.find_window("xterm")
            tm.keys("clear", "Enter")
            time.sleep(0.5)
            C.xdo("mousemove", 1180, 660)
            slides.prepare(L.J_TITLE)
            end_win = xwin.ColorWindow("#00ffff", "BenchEndMarker")
            sync_win = xwin.ColorWindow("#ff00ff", "BenchSyncMarker")
            xwin.activate(sync_win.wid)
            time.sleep(1.0)
            poll = Poller(tm)
            poll.start()
            rec = C.Recorder(disp, raw).start()
            time.sleep(1.3)

            def show(spec, secs):
                slides.prepare(spec)
                time.sleep(0.3)
                a = xwin.activate(slides.wid)
                ty.ev(f"show {spec['kind']} '{spec.get('title') or spec.get('name')}'")
                time.sleep(secs)
                b = xwin.activate(xterm_wid)
                learning.append((a, b, f"{spec['kind']}:{spec['id']}"))
                ty.ev("back to terminal")
                return a, b

            def save():
                ty.key("C-x", human.rng.uniform(0.15, 0.3))
                ty.key("C-s", 1.4)
                ty.ev("emacs: C-x C-s")

            # sync: the title slide window is raised over the magenta window
            sync_ms = xwin.activate(slides.wid)
            time.sleep(10.0)
            b = xwin.activate(xterm_wid)
            learning.append((sync_ms, b, "slide:title"))
            time.sleep(2.0)
            lines = P.GRADES.split("\n")
            n1 = next(i for i, l in enumerate(lines) if l.startswith("class Student"))
            ty.command("ls -l", 1.2)
            ty.command(f"emacs -nw {FILE}", 2.5)
            ty.ev("emacs started")
            ty.emacs_lines(lines[:n1], 1)
            time.sleep(0.8)
            save()
            show(L.J_BISECT, 12)
            time.sleep(1.5)
            ty.key("Enter", 0.3)
            ty.emacs_lines(lines[n1:], n1 + 1)
            time.sleep(1.0)
            save()
            # read the file from the top, then back to the end
            ty.key("M-<", 0.2)
            ty.ev("emacs: M-<")
            time.sleep(4.0)
            ty.key("C-v", 0.2)
            ty.ev("emacs: C-v")
            time.sleep(3.0)
            ty.key("M->", 0.2)
            ty.ev("emacs: M->")
            time.sleep(2.0)
            ty.key("C-x", human.rng.uniform(0.15, 0.3))
            ty.key("C-c", 1.5)
            ty.ev("emacs: C-x C-c")
            for cmd in P.GRADES_SHELL:
                ty.command(cmd, human.rng.uniform(2.2, 3.5))
            time.sleep(1.0)
            show(L.J_DOCS, 12)
            time.sleep(1.0)
            ty.command("clear", 0.8)
            ty.command("python3 -q", 1.5)
            ty.ev("python REPL")
            for line in P.REPL_GRADES:
                ty.chars(line)
                time.sleep(human.rng.uniform(0.3, 0.8))
                ty.key("Enter", human.rng.uniform(1.0, 2.5) if not line.endswith(":") else 0.4)
            time.sleep(2.0)
            ty.chars("exit()")
            ty.key("Enter", 1.0)
            ty.command(f"wc -l {FILE}", 2.5)
            show(L.J_PRESENTER, 8)
            time.sleep(2.0)
            end_ms = xwin.activate(end_win.wid)
            time.sleep(1.5)
            rec.stop()
            sync_win.close()
            end_win.close()
            poll.stop_flag = True
            poll.join(2)
            tm.run("kill-server")
            xt.terminate()
            slides.close()
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
        disp.stop()
    final = (proj / FILE).read_text()
    expect = P.GRADES + "\n"
    ok = final == expect
    C.log(f"{CASE}: saved file {'matches' if ok else 'DIFFERS from'} the intended program")
    states = xwin.merge_states(poll.states, learning, end_ms)
    truth = C.build_truth(CASE, "xterm (white, mononoki 14) + tmux: emacs -nw (leuven, line numbers), bash, "
                          "python3 REPL", W, H, states, ty.events, sync_ms, end_ms,
                          extra={"saved_file_matches_program": ok})
    return C.finish_case(CASE, raw, truth, sync_ms, end_ms)


CASES = {CASE: record}

if __name__ == "__main__":
    record()
