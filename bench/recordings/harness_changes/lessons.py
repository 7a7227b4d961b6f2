"""LEARNING screen specs (rendered by web/learning.js).

kind "slide":     title, bullets (inline `code` allowed), kicker, subtitle, page, footer, style
                  (style: None = dark blue, "light" = white slide, "warm" = orange/brown slide)
kind "docs":      a documentation page: title, sections [{h, paras}], crumbs, toc, tocActive, site
kind "presenter": an illustrated presenter; name, role, topic, skin, hair, shirt colours
"""

COURSE = "Practical Python Workshop"


def slide(id, title, bullets, kicker=None, subtitle=None, page=None, footer=COURSE, style=None):
    return {"kind": "slide", "id": id, "title": title, "bullets": bullets, "kicker": kicker,
            "subtitle": subtitle, "page": page, "footer": footer, "style": style}


def docs(id, title, sections, crumbs, toc, toc_active=0, site="Python 3.12 Documentation"):
    return {"kind": "docs", "id": id, "title": title, "sections": sections, "crumbs": crumbs,
            "toc": toc, "tocActive": toc_active, "site": site}


def presenter(id, name, role, topic=None, **kw):
    d = {"kind": "presenter", "id": id, "name": name, "role": role, "topic": topic}
    d.update(kw)
    return d


LIBRARY_TOC = ["Text Processing Services", "Data Types", "Numeric and Mathematical Modules",
               "Functional Programming Modules", "File and Directory Access", "File Formats",
               "Generic Operating System Services", "Development Tools", "Python Runtime Services"]

# ---------------------------------------------------------------- dev_monaco_light_720p
A_TITLE = slide("title", "Modelling a Bank Account", [
    "Raise your own exception: `InsufficientFunds`",
    "Wrap methods with a decorator to keep an audit log",
    "Use type hints on every parameter",
    "Format money with `:,.2f` in f-strings",
], kicker="Session 3", subtitle="Classes, decorators and exceptions", page="1 / 4", style="light")

A_DECORATORS = slide("decorators", "How a Decorator Works", [
    "`@audited` above a `def` means `deposit = audited(deposit)`",
    "The inner `wrapper(self, *args, **kwargs)` forwards every argument",
    "`functools.wraps` copies the name and docstring across",
    "The wrapper can run code before and after the call",
], kicker="Concept", page="2 / 4", style="light")

A_PRESENTER = presenter("host", "Tomás Silva", "Python trainer",
                        topic="Next: handling errors with `try`", skin="#c68642", hair="#2a1a0e", shirt="#3a7d44")

A_DOCS = docs("functools", "functools - Higher-order functions and operations on callable objects", [
    {"h": None, "paras": [
        "The `functools` module is for higher-order functions: functions that act on or return other "
        "functions. In general, any callable object can be treated as a function for the purposes of "
        "this module.",
    ]},
    {"h": "functools.wraps(wrapped)", "paras": [
        "This is a convenience function for invoking `update_wrapper()` as a function decorator when "
        "defining a wrapper function. Without it, the decorated function would report the name of the "
        "wrapper instead of its own name, and its docstring would be lost.",
        "A wrapper usually accepts arbitrary positional and keyword arguments and passes them on "
        "unchanged to the wrapped callable.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Functional Programming Modules"],
    toc=LIBRARY_TOC, toc_active=3)

# ---------------------------------------------------------------- dev_monaco_hc_1080p_scroll
B_TITLE = slide("title", "Parsing Player Commands", [
    "A regular expression splits a command into verb and rest",
    "Filler words such as `the` and `with` are dropped",
    "Handlers register themselves with `@verb(...)`",
    "Today: an empty-input guard, a world builder and two tests",
], kicker="Game Dev Track, Part 5", subtitle="A text adventure in one file", page="1 / 3", style="warm")

B_DOCS = docs("re", "re - Regular expression operations", [
    {"h": None, "paras": [
        "This module provides regular expression matching operations. Both patterns and strings to be "
        "searched can be Unicode strings or 8-bit strings. Raw string notation keeps backslashes in a "
        "pattern from being processed by the string literal itself.",
    ]},
    {"h": "Named groups", "paras": [
        "A group written as `(?P<name>...)` is accessible by name as well as by number. A match object "
        "supports indexing, so `match[\"verb\"]` returns the text matched by that group, or `None` if the "
        "group did not take part in the match.",
        "The flag `re.IGNORECASE` performs case-insensitive matching; `re.findall()` returns all "
        "non-overlapping matches of a pattern as a list of strings.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Text Processing Services"],
    toc=LIBRARY_TOC, toc_active=0)

B_TESTS = slide("tests", "Pinning the Parser Down", [
    "Tests go in `test_adventure.py`",
    "One behaviour per test: punctuation, aliases, filler words",
    "Compare tuples directly: `parse(...) == (verb, args)`",
    "Run `pytest -q` before every commit",
], kicker="Testing", page="2 / 3", style="warm")

B_PRESENTER = presenter("outro", "Hannah Schultz", "Game developer",
                        topic="Homework: add a `drop` verb", skin="#f3d2b3", hair="#c9a227", shirt="#b23a48")

# ---------------------------------------------------------------- dev_terminal_light_720p
C_TITLE = slide("title", "A Command-Line Temperature Converter", [
    "Write `tempconv.py` in vim",
    "Parse options with `argparse`",
    "Return an exit status from `main()`",
    "Try recursion with `lru_cache` in the REPL",
], kicker="Episode 9", subtitle="Scripts that behave like real tools", page="1 / 3")

C_ARGPARSE = slide("argparse", "argparse in Four Steps", [
    "Create an `ArgumentParser` with a description",
    "Add a positional `value` with `type=float`",
    "Options like `--to` restrict input with `choices=`",
    "`parse_args()` gives you a namespace: `args.dst`",
], kicker="Concept", page="2 / 3", style="light")

C_DOCS = docs("lru_cache", "functools.lru_cache", [
    {"h": None, "paras": [
        "The `lru_cache` decorator wraps a function with a memoizing callable that saves up to the "
        "`maxsize` most recent calls. It can save time when an expensive or I/O bound function is "
        "periodically called with the same arguments.",
        "If `maxsize` is set to `None`, the cache can grow without bound. Because a dictionary is used "
        "to cache results, the positional and keyword arguments must be hashable.",
    ]},
    {"h": "Example: Fibonacci numbers", "paras": [
        "A naive recursive Fibonacci function makes an exponential number of calls. With the cache "
        "each value is computed only once, so even large arguments return instantly.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "functools"], toc=LIBRARY_TOC, toc_active=3)

# ---------------------------------------------------------------- dev_jupyterlab_dark_720p
D_TITLE = slide("title", "A Rainfall Report from CSV", [
    "Read CSV text with `csv.DictReader`",
    "Group values per city with `dict.setdefault`",
    "Align columns with nested format specs",
    "Guard against bad rows with `try` / `except`",
], kicker="Data Lab 2", subtitle="Notebooks for quick reports", page="1 / 3", style="warm")

D_DOCS = docs("csv", "csv - CSV File Reading and Writing", [
    {"h": None, "paras": [
        "The so-called CSV (Comma Separated Values) format is the most common import and export format "
        "for spreadsheets and databases. The `csv` module implements classes to read and write tabular "
        "data in CSV format.",
    ]},
    {"h": "DictReader objects", "paras": [
        "A `DictReader` operates like a regular reader but maps the information in each row to a `dict` "
        "whose keys are given by the optional fieldnames parameter. If fieldnames is omitted, the values "
        "in the first row of the file are used as the fieldnames.",
        "Every value is read as a string: convert numbers yourself, for example with `float()`.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "File Formats"], toc=LIBRARY_TOC, toc_active=5)

D_PRESENTER = presenter("host", "Kwame Mensah", "Data engineer", topic="Let's make it a table",
                        skin="#6f4e37", hair="#0d0d0d", shirt="#5b4b8a")

# ---------------------------------------------------------------- dev_thonny_alt_720p
E_TITLE = slide("title", "Recursion and Memoisation", [
    "A function may call itself: `fib(n - 1) + fib(n - 2)`",
    "A dictionary remembers results we already know",
    "Strings can be reversed with a slice: `word[::-1]`",
    "Operators `//`, `%` and `**` on integers",
], kicker="Week 6", subtitle="Thinking recursively", page="1 / 2", style="light")

E_PRESENTER = presenter("host", "Sofia Lindqvist", "Computer science teacher",
                        topic="Press F5 to run", skin="#f6d7c3", hair="#8b4513", shirt="#e07a5f")

E_SLICES = slide("slices", "Slices at a Glance", [
    "`s[start:stop]` copies part of a sequence",
    "A negative step walks backwards: `s[::-1]`",
    "`str.isalnum()` keeps letters and digits only",
    "`\"\".join(...)` glues characters back together",
], kicker="Concept", page="2 / 2")

# ---------------------------------------------------------------- dev_overlay_720p
F_PRESENTER = presenter("intro", "Daniel Okoro", "Backend engineer",
                        topic="Configuration files done right", skin="#8d5524", hair="#1b1209", shirt="#264653")

F_PANEL1 = slide("panel-json", "Reading JSON Safely", [
    "Start from a copy of `DEFAULTS`",
    "`with open(...)` closes the file for you",
    "A missing file is fine: `except FileNotFoundError`",
    "Re-raise parse errors as `ConfigError`",
], kicker="Step 1", style="light")

F_SLIDE = slide("closures", "Nested Functions and Closures", [
    "`from_env()` lives inside `load_config()`",
    "It can read `config` from the enclosing scope",
    "Environment variables are always strings",
    "Convert with `type(config[key])(raw)`",
], kicker="Concept", page="3 / 5", style="warm")

F_PANEL2 = slide("panel-kwargs", "Keyword Overrides", [
    "`**overrides` collects extra keyword arguments",
    "Falsy values are skipped by the comprehension",
    "Validate ranges last: `0 < port < 65536`",
], kicker="Step 3", style="light")

F_DOCS = docs("environ", "os.environ", [
    {"h": None, "paras": [
        "A mapping object where keys and values are strings that represent the process environment. "
        "For example, `environ[\"HOME\"]` is the pathname of your home directory on some platforms.",
        "This mapping is captured the first time the `os` module is imported, typically during Python "
        "startup. Use `os.environ.get()` to supply a default when a variable may be missing.",
    ]},
    {"h": "json.JSONDecodeError", "paras": [
        "Subclass of `ValueError` with the additional attributes msg, doc, pos, `lineno` and colno, "
        "which describe where in the document parsing failed.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Generic Operating System Services"],
    toc=LIBRARY_TOC, toc_active=6)

# ---------------------------------------------------------------- held_thonny_light_720p
G_TITLE = slide("title", "A Stock Report in 30 Lines", [
    "Parse CSV text with `csv.DictReader` and `io.StringIO`",
    "Turn each row into an `Item` object",
    "Build a lookup with a dict comprehension",
    "Sort by value with `key=lambda kv: -kv[1]`",
], kicker="Week 8", subtitle="Classes meet comprehensions", page="1 / 3", style="warm")

G_COMPREHENSIONS = slide("comprehensions", "Comprehensions, Three Ways", [
    "List: `[Item(r) for r in rows]`",
    "Dict: `{it.sku: it.value() for it in items}`",
    "A trailing `if` filters: `if it.qty > 0`",
    "Empty values are falsy: `if not it.qty`",
], kicker="Concept", page="2 / 3")

G_PRESENTER = presenter("host", "Marek Nowak", "Teaching assistant",
                        topic="Look at the Variables pane", skin="#e8b98f", hair="#4a3728", shirt="#2a6f97")

# ---------------------------------------------------------------- held_terminal_dark_1080p
H_TITLE = slide("title", "Writing a Tokenizer", [
    "Read the input one character at a time",
    "Remember where you are with a `state` variable",
    "Emit `(kind, value)` pairs: `NUM` and `OP`",
    "Report bad input with `ValueError` and a column",
], kicker="Episode 4", subtitle="State machines in plain Python", page="1 / 3")

H_STATES = slide("states", "Two States Are Enough", [
    "`start`: skip spaces, emit operators",
    "`number`: keep collecting digits and `.`",
    "Leaving `number` flushes the buffer as a token",
    "A trailing space in `text + \" \"` flushes the last one",
], kicker="Concept", page="2 / 3", style="warm")

H_DOCS = docs("enumerate", "Built-in Functions: enumerate()", [
    {"h": None, "paras": [
        "`enumerate(iterable, start=0)` returns an enumerate object. The `__next__()` method of the "
        "iterator returned by `enumerate()` returns a tuple containing a count (from start, which "
        "defaults to 0) and the values obtained from iterating over iterable.",
    ]},
    {"h": "str.isdigit()", "paras": [
        "Return `True` if all characters in the string are digits and there is at least one character, "
        "`False` otherwise. Digits include decimal characters and digits that need special handling, "
        "such as the compatibility superscript digits.",
        "Use `str.isspace()` to test for whitespace characters in the same way.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Built-in Functions"], toc=LIBRARY_TOC, toc_active=1)

H_PRESENTER = presenter("outro", "Aiko Tanaka", "Compiler engineer",
                        topic="Next time: a parser for these tokens", skin="#f1c27d", hair="#1c1c1c", shirt="#6a4c93")

# ---------------------------------------------------------------- held_nano_dark_720p
I_TITLE = slide("title", "Counting Words in Python", [
    "Find words with a regular expression: `re.findall`",
    "Count them with `collections.Counter`",
    "Return a summary as a plain `dict`",
    "Line up a report with f-string widths: `{key:<10}`",
], kicker="Lesson 12", subtitle="A text-statistics script in the nano editor", page="1 / 3", style="light")

I_COUNTER = slide("counter", "Counter Does the Counting", [
    "`Counter(iterable)` maps each item to how often it occurs",
    "A generator filters as it feeds: `w for w in ws if w not in STOPWORDS`",
    "`counts.most_common(5)` gives the five largest `(word, n)` pairs",
    "`max(ws, key=len, default=\"\")` copes with an empty text",
], kicker="Concept", page="2 / 3")

I_DOCS = docs("counter", "collections - Container datatypes: Counter objects", [
    {"h": None, "paras": [
        "A `Counter` is a `dict` subclass for counting hashable objects. It is a collection where "
        "elements are stored as dictionary keys and their counts are stored as dictionary values. "
        "Counts are allowed to be any integer value including zero or negative counts.",
    ]},
    {"h": "most_common([n])", "paras": [
        "Return a list of the `n` most common elements and their counts from the most common to the "
        "least. If `n` is omitted or `None`, `most_common()` returns all elements in the counter. "
        "Elements with equal counts are ordered in the order first encountered.",
        "Counters support rich comparison operators and the arithmetic `c + d` and `c - d`.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Data Types", "collections"],
   toc=LIBRARY_TOC, toc_active=1)

I_PRESENTER = presenter("outro", "Sam Okafor", "Data journalist",
                        topic="Try it on your own notes", skin="#8d5524", hair="#1b1b1b", shirt="#d1495b")

# ---------------------------------------------------------------- held_emacs_light_720p
J_TITLE = slide("title", "A Grade Book in Emacs", [
    "Parse `name: 91, 88, 95` lines with `str.partition`",
    "Average with the `statistics` module",
    "Map a score to a letter with `bisect`",
    "Rank with `sorted(..., key=lambda s: s.average)`",
], kicker="Unit 5", subtitle="Editing Python in a terminal", page="1 / 3", style="warm")

J_BISECT = slide("bisect", "Letter Grades With bisect", [
    "`CUTOFFS = [50, 60, 70, 80, 90]` must stay sorted",
    "`bisect(CUTOFFS, 72)` is 3: three cut-offs are <= 72",
    "`LETTERS[3]` is `\"C\"`; below 50 gives index 0, `\"F\"`",
    "A `@property` reads like an attribute: `s.average`",
], kicker="Concept", page="2 / 3", style="light")

J_DOCS = docs("bisect", "bisect - Array bisection algorithm", [
    {"h": None, "paras": [
        "This module provides support for maintaining a list in sorted order without having to sort "
        "the list after each insertion. For long lists of items with expensive comparison operations, "
        "this can be an improvement over linear searches or frequent resorting.",
    ]},
    {"h": "bisect.bisect_right(a, x, lo=0, hi=len(a), *, key=None)", "paras": [
        "Similar to `bisect_left()`, but returns an insertion point which comes after (to the right of) "
        "any existing entries of `x` in `a`. The returned insertion point `ip` partitions the array `a` "
        "into two slices such that `all(elem <= x for elem in a[lo : ip])` is true for the left slice.",
        "`bisect.bisect()` is an alias of `bisect_right()`.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Data Types", "bisect"],
   toc=LIBRARY_TOC, toc_active=1)

J_PRESENTER = presenter("host", "Ines Moreau", "Teacher, evening classes",
                        topic="Homework: add a --top option", skin="#e0ac69", hair="#6b3e26", shirt="#2e86ab")

# ---------------------------------------------------------------- held_micro_light_720p
K_TITLE = slide("title", "Finding Islands With Flood Fill", [
    "Read a text map into a grid of characters",
    "Walk to the four neighbours of a cell with a generator",
    "Visit each island once: a `deque` and a `seen` set",
    "Report sizes and centres with f-string specs: `{r:4.1f}`",
], kicker="Week 9", subtitle="Grid puzzles in the micro editor", page="1 / 3")

K_BFS = slide("bfs", "Breadth-First Search in Five Lines", [
    "Start with one land cell: `deque([(r, c)])`",
    "`popleft()` takes the oldest cell, `append()` queues new ones",
    "Mark a cell in `seen` when it is queued, not when it is visited",
    "When the queue is empty, `cells` holds the whole island",
], kicker="Concept", page="2 / 3", style="light")

K_DOCS = docs("deque", "collections - Container datatypes: deque objects", [
    {"h": None, "paras": [
        "Deques are a generalization of stacks and queues (the name is pronounced \"deck\" and is short "
        "for \"double-ended queue\"). Deques support thread-safe, memory efficient appends and pops from "
        "either side of the deque with approximately the same O(1) performance in either direction.",
    ]},
    {"h": "class collections.deque([iterable[, maxlen]])", "paras": [
        "Returns a new deque object initialized left-to-right (using `append()`) with data from "
        "`iterable`. If `iterable` is not specified, the new deque is empty.",
        "`popleft()`: remove and return an element from the left side of the deque. If no elements "
        "are present, raises an `IndexError`.",
    ]},
], crumbs=["Python", "3.12", "The Python Standard Library", "Data Types", "collections"],
   toc=LIBRARY_TOC, toc_active=1)

K_PRESENTER = presenter("outro", "Lena Virtanen", "Puzzle designer",
                        topic="Try diagonal neighbours next", skin="#f3d2b3", hair="#c9a227", shirt="#3f7d20")
