"""Read rows → the code text: lines rendered on their grid rows (blank rows kept between them), with what is not
code left out (icons read as CJK glyphs, notebook execution prompts, editor status lines).
"""

from __future__ import annotations

import re

from .base import TextLine
from .classify import drop_status_lines

CJK_RE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f]")
JUNK_MAX_ASCII_ALNUM = 4  # a line with CJK glyphs and fewer letters/digits than this is icons read as text


# a notebook cell's execution prompt ("[3]:", "[ ]:", "In [*]:") standing alone: the notebook's UI, never code
# (on its own it is not valid in any language the tool reads)
NOTEBOOK_PROMPT_RE = re.compile(r"^\s*(?:In|Out)?\s*\[[\s\d*]*\]:\s*$")


def icon_junk(text: str) -> bool:
    """The recogniser's dictionary is mostly Chinese: toolbar icons, a hover widget or the minimap next to code
    come back as CJK glyphs with a letter or two. Code that holds CJK text (a string, a comment) also holds
    enough ASCII around it to be kept."""
    if not CJK_RE.search(text):
        return False
    return sum(1 for c in text if c.isascii() and c.isalnum()) < JUNK_MAX_ASCII_ALNUM


def join_parts(texts: list[str]) -> str:
    """The code of several regions (notebook cells) as one text: a blank line between two regions."""
    return "\n\n".join(texts)


def render_lines(lines: list[TextLine]) -> str:
    """Lines on their grid rows → text, blank rows kept between lines, none before the first."""
    if not lines:
        return ""
    out: list[str] = []
    first = lines[0].row or 0
    for ln in lines:
        row = (ln.row if ln.row is not None else first + len(out)) - first
        while len(out) < row:
            out.append("")
        if len(out) == row:
            out.append(ln.text.rstrip())
    return "\n".join(drop_status_lines(out))
