"""Case held_nano_dark_720p: GNU nano (line numbers, syntax highlighting) in a dark (Gruvbox
palette) maximised xterm + tmux without a status bar, Go Mono 12 pt, 1280x720.

Same machinery as terminal_case.py: truth from `tmux capture-pane` polled every 20 ms plus the
learning windows logged by the driver.  nano's screen is reduced to the file's text: its title
bar (top row), its status/prompt row and its two help rows (bottom) and the line-number gutter
are stripped (see nano_view()).  Shell screens are truth as shown.

nano runs as root here, and nano then reads ~/.nanorc from root's real home (not $HOME), so a
small wrapper `nano` (first on the shell's PATH) starts /usr/bin/nano with `--rcfile` (NANORC
below, which also pulls in the Python syntax file); the shell shows a plain `nano wordstats.py`.
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

CASE = "held_nano_dark_720p"
W, H = 1280, 720
PROJECT = "wordstats"
FILE = "wordstats.py"
PS1 = r"\[\e[1;33m\][sam@notebook \[\e[1;36m\]\W\[\e[1;33m\]]\[\e[0m\]$ "
GRUVBOX = ["#282828", "#cc241d", "#98971a", "#d79921", "#458588", "#b16286", "#689d6a", "#a89984",
           "#928374", "#fb4934", "#b8bb26", "#fabd2f", "#83a598", "#d3869b", "#8ec07c", "#ebdbb2"]
XTERM_LOOK = ["-fa", "Go Mono", "-fs", "12", "-bg", "#282828", "-fg", "#ebdbb2", "-bc",
              "-cr", "#fe8019", "-b", "6", "-maximized", "-title", "sam@notebook: ~/wordstats"]
for _i, _c in enumerate(GRUVBOX):
    XTERM_LOOK += ["-xrm", f"XTerm*color{_i}: {_c}"]
XTERM_LOOK += ["-xrm", "XTerm*boldColors: false"]

NANORC = """\
set linenumbers
set tabstospaces
set tabsize 4
set constantshow
set titlecolor bold,white,blue
set statuscolor bold,black,yellow
set promptcolor bold,black,yellow
set numbercolor yellow
set keycolor bold,cyan
set functioncolor white
include "/usr/share/nano/python.nanorc"
"""

TMUX_CONF = """\
set -g escape-time 0
set -g status off
set -g default-terminal "screen-256color"
set -g history-limit 5000
"""

GUTTER = re.compile(r"^( *)(\d+)(?: |$)")   # a blank numbered line has no trailing space


def nano_view(rows):
    """The file's visible lines from a capture of nano's screen: drop the title bar (row 0), the
    status/prompt row and the two help rows (the last three rows); the remaining rows start with
    the right-aligned line number and one space (the gutter, as wide as the largest line number
    plus one).  Rows below the end of the file are blank and carry no number."""
    body = rows[1:-3] if len(rows) > 4 else []
    lines, top = [], None
    for r in body:
        m = GUTTER.match(r)
        if not m:
            break
        if top is None:
            top = int(m.group(2))
        width = len(m.group(1)) + len(m.group(2)) + 1
        lines.append(r[width:].rstrip())
    return "\n".join(lines), top


def screen_state(cmd, alt, rows):
    if alt and cmd == "nano":
        code, top = nano_view(rows)
        return {"type": "code", "editor": "nano", "file": FILE, "visible_code": code,
                "full_code": code, "top": top}
    return T.screen_state(cmd, False, rows)     # shell (or REPL) screen as shown


class Poller(T.Poller):
    def run(self):
        last = None
        while not self.stop_flag:
            ts, cmd, alt, rows = self.snap()
            st = screen_state(cmd, alt, rows)
            key = (st["editor"], st["visible_code"])
            if key != last:
                st["ts"] = ts
                self.states.append(st)
                last = key
            time.sleep(self.period)


def record():
    work = C.WORK / "term"
    shutil.rmtree(work, ignore_errors=True)
    proj = work / PROJECT
    proj.mkdir(parents=True)
    (proj / "notes.txt").write_text(P.WORDSTATS_NOTES)
    (work / "nanorc").write_text(NANORC)
    (work / "tmux.conf").write_text(TMUX_CONF)
    bindir = work / "bin"
    bindir.mkdir()
    (bindir / "nano").write_text(f'#!/bin/sh\nexec /usr/bin/nano --rcfile="{work / "nanorc"}" "$@"\n')
    (bindir / "nano").chmod(0o755)
    sock = f"rec{os.getpid()}"
    tm = T.Tmux(sock)
    disp = C.Display(W, H).start()
    raw = C.WORK / "raw" / f"{CASE}.mp4"
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(work), "TERM": "xterm-256color", "PS1": PS1,
           "LANG": "C.UTF-8", "DISPLAY": disp.name, "PYTHONDONTWRITEBYTECODE": "1"}
    human = C.Human(3119, char_lo=0.045, char_hi=0.15, pause_lo=0.5, pause_hi=2.4)
    ty = T.Typist(tm, human)
    learning = []
    try:
        with sync_playwright() as pw:
            slides = xwin.SlidesWindow(pw, W, H, CASE)
            subprocess.run(["tmux", "-L", sock, "-f", str(work / "tmux.conf"), "new-session", "-d", "-s", "main",
                            "-x", "120", "-y", "34", "-c", str(proj), "env", "-i",
                            *[f"{k}={v}" for k, v in env.items()], "bash", "--norc", "--noprofile"],
                           check=True, cwd=str(proj))
            xt = subprocess.Popen(["xterm", *XTERM_LOOK, "-xrm", "XTerm*selectToClipboard: true",
                                   "-e", "tmux", "-L", sock, "attach", "-t", "main"],
                                  env={**os.environ, "DISPLAY": disp.name, "TERM": "xterm-256color"})
            time.sleep(2.0)
            xterm_wid = xwin.find_window("xterm")
            tm.keys("clear", "Enter")
            time.sleep(0.5)
            C.xdo("mousemove", 1150, 640)
            slides.prepare(L.I_TITLE)
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
                ty.key("C-o", 0.9)          # "File Name to Write: wordstats.py" in the prompt row
                ty.ev("nano: Ctrl+O, Enter")
                ty.key("Enter", 1.4)

            # sync: the title slide window is raised over the magenta window
            sync_ms = xwin.activate(slides.wid)
            time.sleep(10.0)
            b = xwin.activate(xterm_wid)
            learning.append((sync_ms, b, "slide:title"))
            time.sleep(2.0)
            lines = P.WORDSTATS.split("\n")
            n1 = next(i for i, l in enumerate(lines) if l.startswith("def report"))
            ty.command("ls", 1.2)
            ty.command("head -n 3 notes.txt", 2.0)
            ty.command(f"nano {FILE}", 1.6)
            ty.ev("nano started")
            ty.vim_lines(lines[:n1], 1)
            time.sleep(0.8)
            save()
            show(L.I_COUNTER, 12)
            time.sleep(1.5)
            ty.key("Enter", 0.3)
            ty.vim_lines(lines[n1:], n1 + 1)
            time.sleep(1.0)
            save()
            # read the file from the top and come back down
            ty.key("PPage", 0.2)
            ty.ev("nano: Page Up")
            time.sleep(4.0)
            ty.key("NPage", 0.2)
            ty.ev("nano: Page Down")
            time.sleep(2.5)
            ty.key("C-x", 1.5)
            ty.ev("nano: Ctrl+X")
            for cmd in P.WORDSTATS_SHELL:
                ty.command(cmd, human.rng.uniform(2.2, 3.5))
            time.sleep(1.0)
            show(L.I_DOCS, 12)
            time.sleep(1.0)
            ty.command("clear", 0.8)
            # a small edit: search for top=5 and make it top=3
            ty.command(f"nano {FILE}", 1.8)
            ty.key("C-w", 0.7)
            ty.ev("nano: Ctrl+W search")
            ty.chars("top=5")
            ty.key("Enter", 1.2)
            for _ in range(4):
                ty.key("Right", human.rng.uniform(0.12, 0.25))
            ty.key("DC", 0.5)
            ty.chars("3")
            time.sleep(1.2)
            save()
            ty.key("C-x", 1.5)
            ty.ev("nano: Ctrl+X")
            ty.command("python3 wordstats.py notes.txt", 3.0)
            show(L.I_PRESENTER, 8)
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
    expect = P.WORDSTATS.replace("top=5", "top=3") + "\n"
    ok = final == expect
    C.log(f"{CASE}: saved file {'matches' if ok else 'DIFFERS from'} the intended program")
    states = xwin.merge_states(poll.states, learning, end_ms)
    truth = C.build_truth(CASE, "xterm (Gruvbox dark, Go Mono 12) + tmux: GNU nano (line numbers, syntax "
                          "highlighting), bash", W, H, states, ty.events, sync_ms, end_ms,
                          extra={"saved_file_matches_program": ok})
    return C.finish_case(CASE, raw, truth, sync_ms, end_ms)


CASES = {CASE: record}

if __name__ == "__main__":
    record()
