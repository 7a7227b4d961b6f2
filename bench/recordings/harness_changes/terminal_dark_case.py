"""Case held_terminal_dark_1080p: a dark (Solarized-dark palette) full-screen xterm + tmux at
1920x1080, DejaVu Sans Mono 12 pt, vim `colorscheme desert` (on the terminal's own background)
with line numbers and a cursor line, shell commands, then the python3 REPL.

Same machinery as terminal_case.py (dev_terminal_light_720p): truth from `tmux capture-pane`
polled every 20 ms plus the learning windows logged by the driver.  Different program
(programs.TOKENS), look, prompt, tmux status bar and script.
"""
import os
import shutil
import subprocess
import time

from playwright.sync_api import sync_playwright

import common as C
import lessons as L
import programs as P
import terminal_case as T
import xwin

CASE = "held_terminal_dark_1080p"
W, H = 1920, 1080
PROJECT = "tokens"
FILE = "tokens.py"
# a coloured prompt (bash decodes \e and \[ \] in PS1); capture-pane drops the colours
PS1 = r"\[\e[1;32m\]maya@lab\[\e[0m\]:\[\e[1;34m\]~/tokens\[\e[0m\]$ "
SOLARIZED = ["#073642", "#dc322f", "#859900", "#b58900", "#268bd2", "#d33682", "#2aa198", "#eee8d5",
             "#002b36", "#cb4b16", "#586e75", "#657b83", "#839496", "#6c71c4", "#93a1a1", "#fdf6e3"]
XTERM_LOOK = ["-fa", "DejaVu Sans Mono", "-fs", "12", "-bg", "#002b36", "-fg", "#93a1a1", "-bc",
              "-cr", "#93a1a1", "-b", "8", "-fullscreen", "-title", "maya@lab: ~/tokens"]
for _i, _c in enumerate(SOLARIZED):
    XTERM_LOOK += ["-xrm", f"XTerm*color{_i}: {_c}"]
XTERM_LOOK += ["-xrm", "XTerm*boldColors: false"]   # bold green/blue stay green/blue (not Solarized greys)

VIMRC = """\
set nocompatible
syntax on
set background=dark
colorscheme desert
highlight Normal ctermbg=NONE
highlight NonText ctermbg=NONE
highlight EndOfBuffer ctermbg=NONE
set number
set numberwidth=4
set cursorline
set expandtab shiftwidth=4 softtabstop=4 tabstop=4
set noautoindent nosmartindent nocindent indentexpr=
filetype plugin indent off
set laststatus=1
set ruler
set showmode
set noswapfile nobackup nowritebackup
set shortmess+=I
set nowrap
set belloff=all
"""

TMUX_CONF = """\
set -g escape-time 0
set -g status on
set -g status-position bottom
set -g status-style bg=#073642,fg=#93a1a1
set -g status-left '#[bg=#b58900,fg=#002b36,bold] ep4 #[default] '
set -g status-left-length 20
set -g status-right ' #[fg=#2aa198]tokens#[default] | %a %H:%M '
set -g window-status-current-style bg=#268bd2,fg=#fdf6e3
set -g default-terminal "screen-256color"
set -g history-limit 5000
"""


def screen_state(cmd, alt, rows):
    st = T.screen_state(cmd, alt, rows)
    if st["editor"] == "vim":
        st["file"] = FILE
    return st


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
    (work / "vimrc").write_text(VIMRC)
    (work / "tmux.conf").write_text(TMUX_CONF)
    sock = f"rec{os.getpid()}"
    tm = T.Tmux(sock)
    disp = C.Display(W, H).start()
    raw = C.WORK / "raw" / f"{CASE}.mp4"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "TERM": "xterm-256color", "PS1": PS1,
           "LANG": "C.UTF-8", "DISPLAY": disp.name, "VIMINIT": f"source {work / 'vimrc'}",
           "PYTHONDONTWRITEBYTECODE": "1"}
    human = C.Human(2209, char_lo=0.05, char_hi=0.16, pause_lo=0.6, pause_hi=2.8)
    ty = T.Typist(tm, human)
    learning = []
    try:
        with sync_playwright() as pw:
            slides = xwin.SlidesWindow(pw, W, H, CASE)
            subprocess.run(["tmux", "-L", sock, "-f", str(work / "tmux.conf"), "new-session", "-d", "-s", "main",
                            "-x", "180", "-y", "50", "-c", str(proj), "env", "-i",
                            *[f"{k}={v}" for k, v in env.items()], "bash", "--norc", "--noprofile"],
                           check=True, cwd=str(proj))
            xt = subprocess.Popen(["xterm", *XTERM_LOOK, "-xrm", "XTerm*selectToClipboard: true",
                                   "-e", "tmux", "-L", sock, "attach", "-t", "main"],
                                  env={**os.environ, "DISPLAY": disp.name, "TERM": "xterm-256color"})
            time.sleep(2.0)
            xterm_wid = xwin.find_window("xterm")
            tm.keys("clear", "Enter")
            time.sleep(0.5)
            C.xdo("mousemove", 1700, 900)
            slides.prepare(L.H_TITLE)
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

            # sync: the title slide window is raised over the magenta window
            sync_ms = xwin.activate(slides.wid)
            time.sleep(10.0)
            b = xwin.activate(xterm_wid)
            learning.append((sync_ms, b, "slide:title"))
            time.sleep(2.0)
            lines = P.TOKENS.split("\n")
            n1 = next(i for i, l in enumerate(lines) if l.strip() == "if ch.isdigit():")
            ty.command("ls -a", 1.2)
            ty.command(f"vim {FILE}", 1.5)
            ty.key("i", 0.8)
            ty.ev("vim insert mode")
            ty.vim_lines(lines[:n1], 1)
            ty.key("Escape", 0.6)
            ty.chars(":w")
            ty.key("Enter", 1.5)
            show(L.H_STATES, 12)
            time.sleep(1.5)
            ty.key("G", 0.5)
            ty.key("o", 0.5)
            ty.vim_lines(lines[n1:], n1 + 1)
            ty.key("Enter", 0.3)
            ty.vim_lines(P.TOKENS_APPEND.split("\n")[1:], len(lines) + 1)
            ty.key("Escape", 0.8)
            ty.chars(":wq")
            ty.key("Enter", 1.5)
            for cmd in P.TOKENS_SHELL:
                ty.command(cmd, human.rng.uniform(2.0, 3.5))
            time.sleep(1.5)
            show(L.H_DOCS, 12)
            time.sleep(1.0)
            ty.command("clear", 0.8)
            ty.command("python3 -q", 1.5)
            ty.ev("python REPL")
            for line in P.REPL_TOKENS:
                ty.chars(line)
                time.sleep(human.rng.uniform(0.3, 0.8))
                ty.key("Enter", human.rng.uniform(1.0, 2.5) if not line.endswith(":") else 0.4)
            time.sleep(2.0)
            ty.chars("exit()")
            ty.key("Enter", 1.0)
            ty.command(f"head -n 3 {FILE}", 2.5)
            show(L.H_PRESENTER, 8)
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
    expect = P.TOKENS + P.TOKENS_APPEND + "\n"
    ok = final == expect
    C.log(f"{CASE}: saved file {'matches' if ok else 'DIFFERS from'} the intended program")
    states = xwin.merge_states(poll.states, learning, end_ms)
    truth = C.build_truth(CASE, "xterm (Solarized dark, DejaVu Sans Mono 12) + tmux: vim (desert), bash, python3 REPL",
                          W, H, states, ty.events, sync_ms, end_ms,
                          extra={"saved_file_matches_program": ok})
    return C.finish_case(CASE, raw, truth, sync_ms, end_ms)


CASES = {CASE: record}

if __name__ == "__main__":
    record()
