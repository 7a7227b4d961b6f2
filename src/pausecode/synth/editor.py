"""Keystroke-level models of a code editor buffer and of a terminal, as real ones behave.

The editor auto-indents on Enter (one level more after `:` or an opening bracket), removes
whitespace-only lines it auto-indented when you press Enter again, dedents with Backspace in leading
whitespace, inserts 4 spaces for Tab and auto-closes brackets. Typing a line through these rules must
end with exactly the target text, which the simulator asserts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INDENT = 4
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = set(OPENERS.values())
# QWERTY neighbours: the wrong key a hurried typist hits instead
NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@dataclass
class Buffer:
    """One open file: its lines, the text cursor and the first visible line (0-based)."""

    name: str
    lines: list[str] = field(default_factory=lambda: [""])
    row: int = 0
    col: int = 0
    top: int = 0
    pending_close: int = 0  # auto-inserted closers still to the right of the cursor

    @classmethod
    def from_text(cls, name: str, text: str) -> Buffer:
        lines = text.split("\n") if text else [""]
        return cls(name, lines, row=0, col=0)

    @property
    def line(self) -> str:
        return self.lines[self.row]

    def _set(self, text: str) -> None:
        self.lines[self.row] = text

    def move_to_end(self, row: int) -> None:
        self.row = max(0, min(row, len(self.lines) - 1))
        self.col = len(self.lines[self.row])
        self.pending_close = 0

    def type_char(self, ch: str, autoclose: bool) -> None:
        line, col = self.line, self.col
        nxt = line[col : col + 1]
        if ch in CLOSERS and nxt == ch and self.pending_close > 0:
            self.col += 1  # type over the auto-inserted closer
            self.pending_close -= 1
            return
        if autoclose and ch in OPENERS and (nxt == "" or nxt in CLOSERS or nxt == " "):
            self._set(line[:col] + ch + OPENERS[ch] + line[col:])
            self.col += 1
            self.pending_close += 1
            return
        self._set(line[:col] + ch + line[col:])
        self.col += 1

    def tab(self) -> None:
        n = INDENT - (self.col % INDENT)
        self._set(self.line[: self.col] + " " * n + self.line[self.col :])
        self.col += n

    def backspace(self) -> None:
        line, col = self.line, self.col
        if col == 0:
            if self.row == 0:
                return
            prev = self.lines[self.row - 1]
            self.lines[self.row - 1] = prev + line
            del self.lines[self.row]
            self.row -= 1
            self.col = len(prev)
            return
        if line[:col].strip() == "" and col % INDENT == 0:
            self._set(line[: col - INDENT] + line[col:])  # dedent one level at once
            self.col -= INDENT
            return
        self._set(line[: col - 1] + line[col:])
        self.col -= 1

    def delete(self) -> None:
        line, col = self.line, self.col
        if col < len(line):
            if line[col] in CLOSERS and self.pending_close > 0:
                self.pending_close -= 1
            self._set(line[:col] + line[col + 1 :])

    def enter(self) -> None:
        """Split the line; the new line gets the current indentation, one level more after `:`/`{`."""
        line, col = self.line, self.col
        before, after = line[:col], line[col:]
        ind = indent_of(before) if before.strip() else len(before)
        if before.rstrip().endswith((":", "{", "(", "[")):
            ind += INDENT
        if before.strip() == "":
            before = ""  # trim auto-inserted whitespace on a line left empty
        self._set(before)
        self.lines.insert(self.row + 1, " " * ind + after.lstrip(" "))
        self.row += 1
        self.col = ind
        self.pending_close = 0

    def reveal(self, rows: int) -> None:
        """Scroll the least amount that makes the cursor row visible."""
        if self.row < self.top:
            self.top = self.row
        elif self.row >= self.top + rows:
            self.top = self.row - rows + 1

    def clamp_top(self, rows: int) -> None:
        self.top = max(0, min(self.top, max(0, len(self.lines) - rows)))

    def text(self) -> str:
        return "\n".join(ln.rstrip() for ln in self.lines)


@dataclass
class TermScreen:
    """A terminal's rows (scrollback included); the cursor is at the end of the last row."""

    rows: list[str] = field(default_factory=list)

    def prompt(self, p: str) -> None:
        self.rows.append(p)

    def type_char(self, ch: str) -> None:
        if not self.rows:
            self.rows.append("")
        self.rows[-1] += ch

    def backspace(self, floor: int) -> None:
        if len(self.rows[-1]) > floor:
            self.rows[-1] = self.rows[-1][:-1]

    def print_lines(self, lines: tuple[str, ...] | list[str]) -> None:
        self.rows.extend(lines)

    def kind(self) -> str:
        """`terminal_repl` while a Python prompt is active, else `terminal_shell`."""
        for row in reversed(self.rows):
            if row.startswith((">>>", "...")):
                return "terminal_repl"
            if "$ " in row or row.endswith("$"):
                return "terminal_shell"
        return "terminal_shell"

    def visible(self, nrows: int) -> list[str]:
        return [r.rstrip() for r in self.rows[-nrows:]]
