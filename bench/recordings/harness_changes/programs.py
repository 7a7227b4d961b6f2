"""Python programs typed in the recordings.

Add a program here (a plain string, lines without trailing whitespace, 4-space indents) and
use it from a case function in one of the *_case.py files.  Keep in mind:
  * Monaco auto-closes brackets and quotes: the typing driver walks over auto-inserted
    closers and repairs anything left behind, so any valid Python works.
  * Keep lines shorter than the visible editor width of the case (no horizontal scrolling),
    e.g. <= 85 characters at 1280x720 with a 15 px font and the explorer side bar open.
  * Programs that a case runs (terminal, Thonny, JupyterLab) must run without errors.
"""

# ---------------------------------------------------------------- dev_monaco_light_720p
BANK = '''\
"""A tiny bank account with an audit log."""
from datetime import datetime
from functools import wraps


class InsufficientFunds(Exception):
    pass


def audited(method):
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        stamp = datetime.now().strftime("%H:%M:%S")
        self.audit_trail.append(f"{stamp} {method.__name__}{args!r} -> {result:.2f}")
        return result
    return wrapper


class Account:
    def __init__(self, owner: str, balance: float = 0.0) -> None:
        self.owner = owner
        self.balance = balance
        self.audit_trail: list[str] = []

    @audited
    def deposit(self, amount: float) -> float:
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        return self.balance

    @audited
    def withdraw(self, amount: float) -> float:
        if amount > self.balance:
            raise InsufficientFunds(f"{self.owner}: only {self.balance:,.2f} left")
        self.balance -= amount
        return self.balance

    def __repr__(self) -> str:
        return f"Account({self.owner!r}, balance={self.balance:>10,.2f})"


if __name__ == "__main__":
    acct = Account("Grace", 120.0)
    acct.deposit(80)
    try:
        acct.withdraw(500)
    except InsufficientFunds as err:
        print("Error:", err)
    print(acct, *acct.audit_trail, sep="\\n")'''

# ---------------------------------------------------------------- dev_monaco_hc_1080p_scroll
ADVENTURE_BASE = '''\
"""Text-adventure command parser: rooms, items and a tiny verb grammar."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west", "u": "up", "d": "down"}
FILLER = frozenset({"the", "a", "an", "at", "to", "with", "on", "in"})
COMMAND_RE = re.compile(r"^\\s*(?P<verb>[a-z]+)(?:\\s+(?P<rest>.+?))?\\s*[.!]*$", re.IGNORECASE)


@dataclass
class Room:
    name: str
    description: str
    exits: dict[str, str] = field(default_factory=dict)
    loot: list[str] = field(default_factory=list)
    dark: bool = False

    def narrate(self, lamp_lit: bool = False) -> str:
        if self.dark and not lamp_lit:
            return "It is pitch dark. You might be eaten by something."
        exits = ", ".join(sorted(self.exits)) or "none"
        things = "; ".join(f"a {item}" for item in self.loot) or "nothing of interest"
        return f"{self.name}\\n{self.description}\\nExits: {exits}. You see {things}."


@dataclass
class Player:
    location: str
    backpack: list[str] = field(default_factory=list)
    moves: int = 0
    score: int = 0


VERBS: dict[str, Callable[..., str]] = {}


def verb(*names: str) -> Callable:
    """Register a handler under one or more verb names."""
    def register(func: Callable[..., str]) -> Callable[..., str]:
        for name in names:
            VERBS[name] = func
        return func
    return register


def tokenize(text: str) -> list[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return [w for w in words if w not in FILLER]


def parse(line: str) -> tuple[str, list[str]]:
    match = COMMAND_RE.match(line)
    if match is None:
        return "", []
    verb_word = match["verb"].lower()
    verb_word = DIRECTIONS.get(verb_word, verb_word)
    return verb_word, tokenize(match["rest"] or "")


class World:
    def __init__(self, rooms: dict[str, Room], start: str) -> None:
        self.rooms = rooms
        self.player = Player(start)
        self.transcript: list[str] = []

    @property
    def here(self) -> Room:
        return self.rooms[self.player.location]

    def lamp_lit(self) -> bool:
        return "lamp" in self.player.backpack

    def run(self, line: str) -> str:
        verb_word, args = parse(line)
        self.transcript.append(line)
        self.player.moves += 1
        if verb_word in DIRECTIONS.values():
            args, verb_word = [verb_word], "go"
        handler = VERBS.get(verb_word)
        if handler is None:
            return f"I don't know how to '{verb_word}'."
        return handler(self, *args)


@verb("go", "walk")
def go(world: World, direction: str = "", *_: str) -> str:
    target = world.here.exits.get(direction)
    if target is None:
        return f"You can't go {direction or 'nowhere'} from here."
    world.player.location = target
    return world.here.narrate(world.lamp_lit())


@verb("take", "get")
def take(world: World, *names: str) -> str:
    taken = [n for n in names if n in world.here.loot]
    for name in taken:
        world.here.loot.remove(name)
        world.player.backpack.append(name)
    return f"Taken: {', '.join(taken)}." if taken else "There is nothing like that here."


@verb("look", "l")
def look(world: World, *_: str) -> str:
    return world.here.narrate(world.lamp_lit())


@verb("backpack", "i")
def backpack(world: World, *_: str) -> str:
    carried = world.player.backpack
    return "You carry: " + (", ".join(carried) if carried else "nothing") + "."
'''

# typed at the end of adventure.py (leading newlines = blank lines)
ADVENTURE_APPEND = '''\


def build_world() -> World:
    rooms = {
        "hall": Room("Great Hall", "Dusty banners hang from the rafters.", {"north": "cellar"}, ["lamp"]),
        "cellar": Room("Cellar", "Barrels line the damp walls.", {"south": "hall"}, ["key", "rope"], dark=True),
    }
    return World(rooms, "hall")


if __name__ == "__main__":
    world = build_world()
    for command in ["look", "take the lamp", "n", "get key and rope", "i", "dance!"]:
        print(f"> {command}\\n{world.run(command)}\\n")'''

# inserted into World.run (middle edit) after "verb_word, args = parse(line)"
ADVENTURE_INSERT = '''\
        if not verb_word:
            return "Say something: try 'look' or 'go north'."'''

TEST_ADVENTURE_BASE = '''\
from adventure import DIRECTIONS, parse, tokenize


def test_tokenize_drops_filler():
    assert tokenize("Take the brass lamp") == ["take", "brass", "lamp"]


def test_parse_direction_alias():
    assert parse("n") == ("north", [])
'''

TEST_ADVENTURE_APPEND = '''\


def test_parse_strips_punctuation():
    assert parse("  GET rope!! ") == ("get", ["rope"])


def test_directions_are_unique():
    assert len(set(DIRECTIONS.values())) == len(DIRECTIONS)'''

# ---------------------------------------------------------------- dev_terminal_light_720p (vim + REPL)
TEMPCONV = '''\
#!/usr/bin/env python3
"""Convert temperatures between Celsius, Fahrenheit and Kelvin."""
import argparse
import sys

SCALES = ("c", "f", "k")


def to_kelvin(value: float, scale: str) -> float:
    if scale == "c":
        return value + 273.15
    if scale == "f":
        return (value - 32) * 5 / 9 + 273.15
    return value


def from_kelvin(kelvin: float, scale: str) -> float:
    if scale == "c":
        return kelvin - 273.15
    if scale == "f":
        return (kelvin - 273.15) * 9 / 5 + 32
    return kelvin


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Convert temperatures.")
    parser.add_argument("value", type=float, help="temperature to convert")
    parser.add_argument("--from", dest="src", choices=SCALES, default="c")
    parser.add_argument("--to", dest="dst", choices=SCALES, default="f")
    args = parser.parse_args(argv)
    kelvin = to_kelvin(args.value, args.src)
    if kelvin < 0:
        print("error: below absolute zero", file=sys.stderr)
        return 2
    result = from_kelvin(kelvin, args.dst)
    print(f"{args.value:g} {args.src.upper()} = {result:.1f} {args.dst.upper()}")
    return 0'''

TEMPCONV_APPEND = '''\


if __name__ == "__main__":
    sys.exit(main())'''

# shell commands typed after the file is saved (each followed by Enter)
TEMPCONV_SHELL = [
    "python3 tempconv.py 100",
    "python3 tempconv.py -40 --to k",
    "python3 tempconv.py -500 --from f; echo \"exit status $?\"",
    "grep -n 'def ' tempconv.py",
]

REPL_FIB = [
    "from functools import lru_cache",
    "@lru_cache(maxsize=None)",
    "def fib(n):",
    "    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    "",
    "[fib(k) for k in range(12)]",
    "fib(90) // 10**6 % 1000",
    "\"stressed\"[::-1]",
    "from tempconv import to_kelvin, from_kelvin",
    "round(from_kelvin(to_kelvin(98.6, \"f\"), \"c\"), 2)",
]

# ---------------------------------------------------------------- dev_thonny_alt_720p
FIBMEMO = '''\
# Recursion with a memo dictionary
memo = {0: 0, 1: 1}


def fib(n):
    if n not in memo:
        memo[n] = fib(n - 1) + fib(n - 2)
    return memo[n]


def is_palindrome(word):
    cleaned = "".join(ch for ch in word.lower() if ch.isalnum())
    return cleaned == cleaned[::-1]


for n in (10, 20, 30):
    print(f"fib({n:>2}) = {fib(n):>8,}")
print("digits of fib(100):", len(str(fib(100))))
print("quotient:", fib(50) // 97, "remainder:", fib(50) % 97)
print([w for w in ["Level", "python", "Never odd or even"] if is_palindrome(w)])
print(2 ** 10 != 1000)'''

# ---------------------------------------------------------------- dev_jupyterlab_dark_720p
RAIN_CELLS = [
    '''\
import csv, io
from statistics import mean

RAW = """city,month,rain_mm
Lisbon,Jan,99.9
Lisbon,Feb,86.0
Oslo,Jan,49.0
Oslo,Feb,36.5
Cairo,Jan,5.0
Cairo,Feb,3.8"""
rows = list(csv.DictReader(io.StringIO(RAW)))
print(len(rows), "rows;", rows[0])''',
    '''\
by_city = {}
for row in rows:
    by_city.setdefault(row["city"], []).append(float(row["rain_mm"]))

{city: round(mean(vals), 1) for city, vals in by_city.items()}''',
    '''\
def report(data, width=10):
    header = f"{'city':<{width}}|{'total':>8}|{'max':>6}"
    lines = [header, "-" * len(header)]
    for city, vals in sorted(data.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"{city:<{width}}|{sum(vals):>8.1f}|{max(vals):>6.1f}")
    return "\\n".join(lines)

print(report(by_city))''',
    '''\
try:
    wettest = max(rows, key=lambda r: float(r["rain_mm"]))
    print(f"wettest: {wettest['city']} in {wettest['month']}")
except (ValueError, KeyError) as exc:
    print("bad data:", exc)''',
]

# ---------------------------------------------------------------- dev_overlay_720p
CONFIG_LOADER = '''\
"""Load settings from JSON with defaults and overrides."""
import json
import os
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 8080,
    "debug": False,
}


class ConfigError(Exception):
    """Raised when the config file cannot be used."""


def load_config(path: str | Path, **overrides: Any) -> dict:
    config = dict(DEFAULTS)
    try:
        with open(path, encoding="utf-8") as fh:
            config.update(json.load(fh))
    except FileNotFoundError:
        pass
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: {exc.msg}") from exc

    def from_env(key: str) -> Any:
        raw = os.environ.get(f"APP_{key.upper()}")
        if raw is None:
            return config[key]
        if isinstance(config[key], bool):
            return raw.lower() in {"1", "true", "yes"}
        return type(config[key])(raw)

    config.update({key: from_env(key) for key in config})
    config.update({k: v for k, v in overrides.items() if v})
    if not 0 < config["port"] < 65536:
        raise ConfigError(f"port out of range: {config['port']}")
    return config


if __name__ == "__main__":
    cfg = load_config("settings.json", debug=True)
    for key, value in sorted(cfg.items()):
        print(f"{key:>6} = {value!r}")'''

# ---------------------------------------------------------------- held_thonny_light_720p
INVENTORY = '''\
# Stock report from CSV text
import csv
import io

STOCK = """sku,name,qty,price
A100,bolts,250,0.12
A200,nuts,400,0.08
B310,hinges,35,2.40
C020,brackets,0,1.75
"""


class Item:
    def __init__(self, row):
        self.sku = row["sku"]
        self.name = row["name"]
        self.qty = int(row["qty"])
        self.price = float(row["price"])

    def value(self):
        return self.qty * self.price


items = [Item(r) for r in csv.DictReader(io.StringIO(STOCK))]
by_sku = {it.sku: it.value() for it in items if it.qty > 0}
for sku, val in sorted(by_sku.items(), key=lambda kv: -kv[1]):
    print(f"{sku:<6}{val:>8.2f}")
print("out of stock:", [it.name for it in items if not it.qty])
print(f"total value: {sum(by_sku.values()):,.2f}")'''

# ---------------------------------------------------------------- held_terminal_dark_1080p (vim + REPL)
TOKENS = '''\
"""Split arithmetic text into tokens with a small state machine."""
import sys


def tokenize(text, operators="+-*/()"):
    tokens, state, buf = [], "start", ""
    for pos, ch in enumerate(text + " "):
        if state == "number":
            if ch.isdigit() or ch == ".":
                buf += ch
                continue
            tokens.append(("NUM", buf))
            state, buf = "start", ""
        if ch.isdigit():
            state, buf = "number", ch
        elif ch in operators:
            tokens.append(("OP", ch))
        elif not ch.isspace():
            raise ValueError(f"unexpected {ch!r} at column {pos}")
    return tokens'''

TOKENS_APPEND = '''\



def main(argv=None, default="12 * (3 + 4.5)"):
    expr = " ".join(argv or sys.argv[1:]) or default
    for kind, value in tokenize(expr):
        print(f"{kind:<4}{value}")


if __name__ == "__main__":
    main()'''

# shell commands typed after the file is saved (each followed by Enter)
TOKENS_SHELL = [
    "python3 tokens.py",
    "python3 tokens.py '2 ** 10 / 4'",
    "python3 tokens.py 'x + 1' 2>&1 | tail -n 1",
    "grep -n 'state' tokens.py",
]

REPL_TOKENS = [
    "from tokens import tokenize",
    "toks = tokenize(\"3*(40+2.5)\")",
    "toks",
    "def count(tokens, kind=\"OP\"):",
    "    return sum(1 for k, _ in tokens if k == kind)",
    "",
    "count(toks), count(toks, \"NUM\")",
    "sum(float(v) for k, v in toks if k == \"NUM\")",
    "\"\".join(v for _, v in toks)[::-1]",
]

# ---------------------------------------------------------------- held_nano_dark_720p (nano)
WORDSTATS = '''\
"""Word statistics for a text file: counts, lengths and the top words."""
import re
import sys
from collections import Counter

WORD = re.compile(r"[a-z']+")
STOPWORDS = {"the", "a", "an", "and", "of", "to", "in", "is", "it"}
SAMPLE = """The quick brown fox jumps over the lazy dog.
The dog sleeps, and the fox runs to the river and back."""


def words(text):
    return [w.strip("'") for w in WORD.findall(text.lower())]


def summary(text, top=5):
    ws = words(text)
    counts = Counter(w for w in ws if w not in STOPWORDS)
    return {
        "lines": len(text.splitlines()),
        "words": len(ws),
        "unique": len(set(ws)),
        "longest": max(ws, key=len, default=""),
        "avg_len": sum(map(len, ws)) / max(len(ws), 1),
        "top": counts.most_common(top),
    }


def report(stats, width=30):
    print("-" * width)
    for key in ("lines", "words", "unique", "longest"):
        print(f"{key:<10}{stats[key]:>{width - 10}}")
    print(f"{'avg_len':<10}{stats['avg_len']:>{width - 10}.2f}")
    print("-" * width)
    for rank, (word, n) in enumerate(stats["top"], start=1):
        print(f"{rank}. {word:<12}{n:>3} {'#' * n}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
    else:
        text = SAMPLE
    report(summary(text))'''

# a text file that is already in the project folder when the case starts
WORDSTATS_NOTES = """\
Notes from the reading group, week six.
We read two chapters about rivers and the towns that grew beside them.
A river gives a town water, fish and a road to the sea.
Towns on the river traded salt, grain and wool with towns downstream.
When the river flooded, the town moved to higher ground and built a bridge.
Next week: the bridge builders, and why stone bridges lasted longer than wooden ones.
"""

# shell commands typed after the file is saved (each followed by Enter)
WORDSTATS_SHELL = [
    "python3 wordstats.py",
    "python3 wordstats.py notes.txt",
    "wc -lw notes.txt wordstats.py",
    "grep -n 'def ' wordstats.py",
]

# ---------------------------------------------------------------- held_emacs_light_720p (emacs -nw + REPL)
GRADES = '''\
"""Grade book: read "name: score, score, ..." lines and rank the class."""
from bisect import bisect
from statistics import mean, median

CUTOFFS = [50, 60, 70, 80, 90]
LETTERS = "FEDCBA"
RECORDS = """
ada: 91, 88, 95
brian: 72, 65, 80
chen: 55, 41, 48
dora: 84, 90, 79
emil: 67, 70, 74
"""


def grade(score):
    return LETTERS[bisect(CUTOFFS, score)]


def parse(text):
    book = {}
    for line in text.strip().splitlines():
        name, _, rest = line.partition(":")
        book[name.strip().title()] = [int(s) for s in rest.split(",")]
    return book


class Student:
    def __init__(self, name, scores):
        self.name = name
        self.scores = scores

    @property
    def average(self):
        return mean(self.scores)


def table(students):
    ranked = sorted(students, key=lambda s: s.average, reverse=True)
    for place, s in enumerate(ranked, start=1):
        marks = " ".join(f"{x:3d}" for x in s.scores)
        print(f"{place:>2}. {s.name:<7}{marks}  {s.average:5.1f}  {grade(s.average)}")
    averages = [s.average for s in students]
    print(f"class median {median(averages):.1f}, spread {max(averages) - min(averages):.1f}")


if __name__ == "__main__":
    students = [Student(n, sc) for n, sc in parse(RECORDS).items()]
    table(students)
    failing = [s.name for s in students if grade(s.average) == "F"]
    print("needs help:", ", ".join(failing) or "nobody")'''

# shell commands typed after the file is saved (each followed by Enter)
GRADES_SHELL = [
    "python3 grades.py",
    "python3 grades.py | tail -n 2",
    "grep -n 'def ' grades.py",
]

REPL_GRADES = [
    "from grades import grade, parse, RECORDS",
    "book = parse(RECORDS)",
    "{name: grade(sum(s) / len(s)) for name, s in book.items()}",
    "[grade(x) for x in (49, 50, 89.9, 90)]",
    "for name in sorted(book, key=len):",
    "    print(name.upper(), max(book[name]))",
    "",
]

# ---------------------------------------------------------------- held_micro_light_720p (micro)
ISLANDS = '''\
"""Islands on a text map: flood fill, then sizes and centres."""
from collections import deque

MAP = """\\
..##.....#..
.###....###.
##.....#....
#...###...##
"""


class Grid:
    def __init__(self, text, land="#"):
        self.rows = [list(line) for line in text.splitlines()]
        self.land = land

    def neighbours(self, r, c):
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < len(self.rows) and 0 <= nc < len(self.rows[nr]):
                yield nr, nc

    def islands(self):
        seen, found = set(), []
        for r, row in enumerate(self.rows):
            for c, ch in enumerate(row):
                if ch != self.land or (r, c) in seen:
                    continue
                queue, cells = deque([(r, c)]), []
                seen.add((r, c))
                while queue:
                    cells.append(queue.popleft())
                    for nr, nc in self.neighbours(*cells[-1]):
                        if (nr, nc) not in seen and self.rows[nr][nc] == self.land:
                            seen.add((nr, nc))
                            queue.append((nr, nc))
                found.append(cells)
        return found


def report(grid, min_size=3):
    big = [c for c in grid.islands() if len(c) >= min_size]
    for n, cells in enumerate(sorted(big, key=len, reverse=True), start=1):
        r, c = (sum(axis) / len(cells) for axis in zip(*cells))
        print(f"island {n:>2}: {len(cells):3d} cells, centre ({r:4.1f}, {c:4.1f})")
    land = sum(map(len, big))
    print(f"{len(big)} islands, {land} cells of land, {land / len(big):.1f} on average")


if __name__ == "__main__":
    report(Grid(MAP))'''

# shell commands typed after the file is saved (each followed by Enter)
ISLANDS_SHELL = [
    "python3 islands.py",
    "grep -n 'def \\|class ' islands.py",
]
