"""Case held_micro_light_720p: the micro editor (Debian package, 2.0.11) with its light `bubblegum`
colorscheme, line numbers (`ruler`), status line, in a white maximised xterm + tmux (status bar
at the bottom), Anonymous Pro 15 pt, 1280x720.

Same machinery as terminal_case.py: truth from `tmux capture-pane` polled every 20 ms plus the
learning windows logged by the driver.  micro's screen is reduced to the file's text: its status
line and message/prompt row (the last two rows) and the line-number gutter are stripped (see
micro_view()).  Shell screens are truth as shown.

micro reads its settings from MICRO_CONFIG_HOME (set in the shell's environment to the case's
scratch folder; SETTINGS below), so root's own ~/.config/micro is never used; the shell shows a
plain `micro islands.py`.  micro auto-indents (it copies the indentation of the line above): the
typist types each line without its indentation and corrects micro's with Tab / Backspace (4
spaces each, `tabstospaces`), so the saved file is exactly the program; the autoclose plugin
(doubled brackets and quotes) and the linter plugin (gutter marks on save) are off.
"""
import json
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

CASE = "held_micro_light_720p"
W, H = 1280, 720
PROJECT = "islands"
FILE = "islands.py"
PS1 = r"\[\e[0;32m\]lena@atlas\[\e[0m\] \[\e[1;35m\]\W\[\e[0m\] % "
XTERM_LOOK = ["-fa", "Anonymous Pro", "-fs", "15", "-bg", "#ffffff", "-fg", "#303030", "-bc",
              "-cr", "#c2185b", "-b", "4", "-maximized", "-title", "lena@atlas: ~/islands"]

SETTINGS = {
    "colorscheme": "bubblegum",
    "ruler": True,
    "statusline": True,
    "autoindent": True,
    "tabstospaces": True,
    "tabsize": 4,
    "autoclose": False,      # plugin: would double brackets and quotes
    "linter": False,         # plugin: would add marks to the gutter on save
    "diffgutter": False,
    "backup": False,
    "savecursor": False,
    "saveundo": False,
    "rmtrailingws": False,
    "eofnewline": True,
    "softwrap": False,
}

TMUX_CONF = """\
set -g escape-time 0
set -g status on
set -g status-position bottom
set -g status-style bg=colour225,fg=colour89
set -g status-left '#[bg=colour162,fg=colour231,bold] week 9 #[default] '
set -g status-left-length 20
set -g status-right ' islands | %H:%M '
set -g window-status-current-style bg=colour218,fg=colour53
set -g default-terminal "screen-256color"
set -g history-limit 5000
"""

GUTTER = re.compile(r"^( *)(\d+)(?: |$)")   # a blank numbered line has no trailing space
STATUS = re.compile(r"^(\S+)(?: \+)? \((\d+),(\d+)\) ")   # "islands.py + (12,5) | ft:python | ..."


def micro_view(rows):
    """The file's visible lines from a capture of micro's screen: drop the status line and the
    message/prompt row below it (the last two rows); the remaining rows start with the line-number
    gutter (the right-aligned number and one space, as wide as the largest line number plus one).
    Rows below the end of the file are blank and end the view.  micro shows a tab bar only with
    two or more tabs (never here); a first row without a number above numbered rows is dropped as
    one.  Returns (code, top line, file name), or None before micro has drawn its status line."""
    if len(rows) < 3 or not STATUS.match(rows[-2]):
        return None
    name = STATUS.match(rows[-2]).group(1)
    body = rows[:-2]
    if len(body) > 1 and not GUTTER.match(body[0]) and body[0].strip() and GUTTER.match(body[1]):
        body = body[1:]
    lines, top = [], None
    for r in body:
        m = GUTTER.match(r)
        if not m:
            break
        if top is None:
            top = int(m.group(2))
        width = len(m.group(1)) + len(m.group(2)) + 1
        lines.append(r[width:].rstrip())
    return "\n".join(lines), top, name


def screen_state(cmd, alt, rows):
    if alt and cmd == "micro":
        view = micro_view(rows)
        if view is None:
            # blank screen right after the start: truth as shown (nothing); a capture without a
            # status line but with text (caught mid-redraw) is skipped, the previous state holds
            return T.screen_state(cmd, False, rows) if not any(r.strip() for r in rows) else None
        code, top, name = view
        return {"type": "code", "editor": "micro", "file": name, "visible_code": code,
                "full_code": code, "top": top}
    return T.screen_state(cmd, False, rows)     # shell screen as shown


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
    indent = 0      # the indentation micro's autoindent gives the cursor's line

    def micro_lines(self, lines, label_from=1):
        """Type lines with Enter between them.  micro copies the indentation of the line above
        (a blank line keeps it, and micro removes it from the blank line on the next Enter), so
        each line is typed without its indentation after Backspace (dedent by 4) or Tab (indent
        by 4) presses that turn micro's indentation into the wanted one."""
        for i, line in enumerate(lines):
            if i:
                self.key("Enter", self.h.rng.uniform(0.1, 0.3))
            content = line.lstrip(" ")
            want = len(line) - len(content)
            assert want % 4 == 0, line
            self.ev(f"typing line {label_from + i}")
            if content:
                while self.indent > want:
                    self.key("BSpace", self.h.rng.uniform(0.12, 0.3))
                    self.indent -= 4
                while self.indent < want:
                    self.key("Tab", self.h.rng.uniform(0.1, 0.22))
                    self.indent += 4
            self.chars(content)
            if content:
                time.sleep(self.h.line_pause())


def record():
    work = C.WORK / "term"
    shutil.rmtree(work, ignore_errors=True)
    proj = work / PROJECT
    proj.mkdir(parents=True)
    (proj / "README.md").write_text("# islands\n\nFlood-fill exercise for week 9.\n")
    cfg = work / "micro"
    cfg.mkdir()
    (cfg / "settings.json").write_text(json.dumps(SETTINGS, indent=4) + "\n")
    (work / "tmux.conf").write_text(TMUX_CONF)
    sock = f"rec{os.getpid()}"
    tm = T.Tmux(sock)
    disp = C.Display(W, H).start()
    raw = C.WORK / "raw" / f"{CASE}.mp4"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "TERM": "xterm-256color", "PS1": PS1,
           "LANG": "C.UTF-8", "DISPLAY": disp.name, "PYTHONDONTWRITEBYTECODE": "1",
           "MICRO_CONFIG_HOME": str(cfg)}
    human = C.Human(5237, char_lo=0.035, char_hi=0.11, pause_lo=0.3, pause_hi=1.5)
    ty = Typist(tm, human)
    learning = []
    try:
        with sync_playwright() as pw:
            slides = xwin.SlidesWindow(pw, W, H, CASE)
            subprocess.run(["tmux", "-L", sock, "-f", str(work / "tmux.conf"), "new-session", "-d", "-s", "main",
                            "-x", "118", "-y", "30", "-c", str(proj), "env", "-i",
                            *[f"{k}={v}" for k, v in env.items()], "bash", "--norc", "--noprofile"],
                           check=True, cwd=str(proj))
            xt = subprocess.Popen(["xterm", *XTERM_LOOK, "-xrm", "XTerm*selectToClipboard: true",
                                   "-e", "tmux", "-L", sock, "attach", "-t", "main"],
                                  env={**os.environ, "DISPLAY": disp.name, "TERM": "xterm-256color"})
            time.sleep(2.0)
            xterm_wid = xwin.find_window("xterm")
            tm.keys("clear", "Enter")
            time.sleep(0.5)
            C.xdo("mousemove", 1160, 620)
            slides.prepare(L.K_TITLE)
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
                ty.key("C-s", 1.3)          # "Saved islands.py" in the message row
                ty.ev("micro: Ctrl+S")

            def quit_micro():
                ty.key("C-q", 1.5)
                ty.ev("micro: Ctrl+Q")

            # sync: the title slide window is raised over the magenta window
            sync_ms = xwin.activate(slides.wid)
            time.sleep(10.0)
            b = xwin.activate(xterm_wid)
            learning.append((sync_ms, b, "slide:title"))
            time.sleep(2.0)
            lines = P.ISLANDS.split("\n")
            n1 = next(i for i, l in enumerate(lines) if l.startswith("    def islands"))
            ty.command("ls", 1.2)
            ty.command(f"micro {FILE}", 1.6)
            ty.ev("micro started")
            ty.indent = 0
            ty.micro_lines(lines[:n1], 1)
            time.sleep(0.8)
            save()
            show(L.K_BFS, 9)
            time.sleep(1.5)
            ty.key("Enter", 0.3)
            ty.micro_lines(lines[n1:], n1 + 1)
            time.sleep(1.0)
            save()
            # read the file from the top and come back down
            ty.key("PPage", 0.2)
            ty.ev("micro: Page Up")
            time.sleep(2.5)
            ty.key("PPage", 0.2)
            ty.ev("micro: Page Up")
            time.sleep(3.0)
            for _ in range(5):
                ty.key("Down", human.rng.uniform(0.25, 0.5))
            time.sleep(1.5)
            ty.key("NPage", 0.2)
            ty.ev("micro: Page Down")
            time.sleep(2.5)
            ty.key("NPage", 0.2)
            ty.ev("micro: Page Down")
            time.sleep(2.0)
            quit_micro()
            for cmd in P.ISLANDS_SHELL:
                ty.command(cmd, human.rng.uniform(2.2, 3.5))
            time.sleep(1.0)
            show(L.K_DOCS, 9)
            time.sleep(1.0)
            ty.command("clear", 0.8)
            # a small edit: find min_size=3 and make it min_size=2
            ty.command(f"micro {FILE}", 1.8)
            ty.key("C-f", 0.7)
            ty.ev("micro: Ctrl+F search")
            ty.chars("min_size=3")
            time.sleep(0.6)
            ty.key("Enter", 1.2)           # the match is selected, the cursor at its end
            ty.key("Right", 0.5)           # drop the selection
            ty.key("BSpace", 0.6)
            ty.chars("2")
            time.sleep(1.2)
            save()
            quit_micro()
            ty.command(f"python3 {FILE}", 3.0)
            show(L.K_PRESENTER, 8)
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
    expect = P.ISLANDS.replace("min_size=3", "min_size=2") + "\n"
    ok = final == expect
    C.log(f"{CASE}: saved file {'matches' if ok else 'DIFFERS from'} the intended program")
    states = xwin.merge_states(poll.states, learning, end_ms)
    truth = C.build_truth(CASE, "xterm (white, Anonymous Pro 15) + tmux: micro (bubblegum, line numbers, "
                          "status line), bash", W, H, states, ty.events, sync_ms, end_ms,
                          extra={"saved_file_matches_program": ok})
    return C.finish_case(CASE, raw, truth, sync_ms, end_ms)


CASES = {CASE: record}

if __name__ == "__main__":
    record()
