"""Repair what OCR typically gets wrong in code, only where the text itself lets us check.

- look-alike characters (full-width punctuation, curly quotes) → ASCII;
- identifiers split or mangled (`GRADE BANDS`, `letter for`) → the spelling seen elsewhere in the video;
- Python: missing block colons and `_init_` dunders, accepted only when `ast` agrees or the line is settled.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .language import python_parses

CONFUSABLES = str.maketrans({
    "：": ":", "；": ";", "，": ",", "。": ".", "（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "‘": "'", "’": "'", "′": "'", "`": "`", "＝": "=", "＜": "<", "＞": ">", "！": "!",
    "？": "?", "＿": "_", "－": "-", "＋": "+", "＊": "*", "／": "/", "＼": "\\", "｜": "|", "＃": "#", "＄": "$",
    "％": "%", "＆": "&", "＠": "@", "＾": "^", "～": "~", "θ": "0", "二": "=", "一": "-", "丨": "|", "Ⅱ": "|",
    "Ｉ": "I", "０": "0", "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8",
    "９": "9", "\u00a0": " ",
})
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BLOCK_START = re.compile(r"^\s*(def|class|if|elif|else|for|while|try|except|finally|with|async def|async for)\b")


def normalize_chars(text: str) -> str:
    return text.translate(CONFUSABLES)


# a word of ASCII letters with one or more accented letters in it: "averagę", "scöre"
ACCENTED_WORD_RE = re.compile(r"[A-Za-z_0-9]*[^\x00-\x7f][\w]*")
STRING_OR_COMMENT_RE = re.compile(r"\"[^\"]*\"?|'[^']*'?|#.*$")


def strip_accents_in_code(line: str) -> str:
    """Identifiers are ASCII in tutorial code; a lone accented letter in one is OCR noise ("averagę").
    Strings and comments are left alone (they may really be in another language)."""
    if line.isascii():
        return line

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        return plain if plain.isascii() and plain.isidentifier() else word

    out, pos = [], 0
    for m in STRING_OR_COMMENT_RE.finditer(line):
        out.append(ACCENTED_WORD_RE.sub(fix, line[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(ACCENTED_WORD_RE.sub(fix, line[pos:]))
    return "".join(out)


def vocabulary(texts: list[str], underscored_only: bool = True) -> Counter[str]:
    """Identifiers seen across the video (by default those with underscores): evidence for repairs."""
    vocab: Counter[str] = Counter()
    for t in texts:
        for m in IDENT_RE.finditer(t):
            w = m.group(0)
            if not underscored_only or "_" in w.strip("_") or w.startswith("__"):
                vocab[w] += 1
    return vocab


def _split_forms(vocab: Counter[str]) -> dict[str, str]:
    """'GRADE BANDS' / 'GRADEBANDS' / 'letter for' → the underscored identifier they most likely were."""
    forms: dict[str, str] = {}
    for w, _n in vocab.most_common():
        core = w.strip("_")
        if "_" not in core:
            continue
        for sep in (" ", ""):
            forms.setdefault(core.replace("_", sep), core)
    return forms


# capitals and digits, with a look-alike lower-case letter only ever between two capitals
SMALL_CAPITAL_RE = re.compile(r"[A-Z][A-Z0-9_]*(?:[oscvwxz](?=[A-Z_])[A-Z0-9_]*)+[A-Z0-9_]*")


def constant_case(line: str, vocab: Counter[str]) -> str:
    """'SToP' / 'STop' where the video mostly shows 'STOP': small capitals misread as lower case.

    Without a vote from other frames, a lone lower-case letter whose small form is a smaller copy of its
    capital (o s c v w x z) between two capitals is one too: 'SToP', 'MAx_SIZE'."""
    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        up = w.upper()
        if w != up and up in vocab and vocab[up] >= 2 * max(1, vocab.get(w, 0)) and sum(c.isupper() for c in w) >= 2:
            return up
        if w != up and SMALL_CAPITAL_RE.fullmatch(w):
            return up
        return w

    return IDENT_RE.sub(fix, line)


def rejoin_identifiers(line: str, forms: dict[str, str]) -> str:
    if not forms or "_" in line and all(f not in line for f in forms):
        return line
    for bad, good in forms.items():
        if bad and bad in line:
            # a space-split name is only re-joined where an identifier must stand (before ( . [ = , ) : or
            # at line end), so prose in strings and comments ("the letter for") stays as it is
            tail = r"(?=\s*[(\[.=,):]|\s*$)" if " " in bad else r"(?![A-Za-z0-9_])"
            line = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(bad)}{tail}", good, line)
    return line


MAIN_GUARD_RE = re.compile(r"^(\s*)if\s*(_*)\s*name\s*(_*)\s*==\s*(.*)$")
MAIN_STRING_RE = re.compile(r"^([\"'])\s*(_*)\s*main\s*_*\s*\1\s*(:?)$")


def fix_main_guard(line: str) -> str:
    """`if __name__ == "__main__":` is the most common line in Python tutorials, and its underscores and
    spaces are what OCR loses most ("if_name== "main":"). Rebuilt when the line is that idiom: an
    underscore next to `name`, or the "main" string after it (a plain `if name == "Ada":` stays)."""
    m = MAIN_GUARD_RE.match(line)
    if not m:
        return line
    indent, u1, u2, rest = m.groups()
    guard = MAIN_STRING_RE.match(rest.strip())
    if not (u1 or u2 or guard):
        return line
    if guard:
        q, colon = guard.group(1), guard.group(3)
        return f"{indent}if __name__ == {q}__main__{q}{colon}"
    return f"{indent}if __name__ ==" + (f" {rest.strip()}" if rest.strip() else "")


def fix_dunders(line: str) -> str:
    names = "init|str|repr|eq|len|call|iter|next|enter|exit|getitem|setitem|contains|add"
    # at least one underscore must be there: "def len(" stays a user function, "definit_(" is __init__
    line = re.sub(rf"\bdef\s*(?:_+({names})_*|_*({names})_+)\s*\(", lambda m: f"def __{m.group(1) or m.group(2)}__(", line)
    line = re.sub(r"(?<![A-Za-z0-9_])_+(name|main|init)_+(?![A-Za-z0-9])", r"__\1__", line)
    return line


def fix_block_colons(lines: list[str]) -> list[str]:
    """Add a missing ':' to a block opener when the next non-blank line is indented deeper."""
    out = list(lines)
    for i, ln in enumerate(out):
        s = ln.rstrip()
        if not s or s.endswith((":", ",", "(", "[", "{", "\\")) or not BLOCK_START.match(s):
            continue
        nxt = next((x for x in out[i + 1:] if x.strip()), None)
        if nxt is None:
            continue
        if len(nxt) - len(nxt.lstrip()) > len(s) - len(s.lstrip()) and s.count("(") == s.count(")"):
            out[i] = s.rstrip(";.") + ":"
    return out


def repair_code(code: str, language: str | None, forms: dict[str, str] | None = None,
                vocab: Counter[str] | None = None) -> str:
    """Conservative repairs; for Python, structural fixes are kept only if they don't break parsing."""
    lines = [strip_accents_in_code(normalize_chars(ln)).rstrip() for ln in code.split("\n")]
    lines = [constant_case(ln, vocab or Counter()) for ln in lines]
    if forms:
        lines = [rejoin_identifiers(ln, forms) for ln in lines]
    if language == "python":
        lines = [fix_main_guard(fix_dunders(ln)) for ln in lines]
        fixed = fix_block_colons(lines)
        if fixed != lines:
            before, after = python_parses("\n".join(lines)), python_parses("\n".join(fixed))
            if after or not before:
                lines = fixed
    return "\n".join(lines)


def build_forms(texts: list[str]) -> dict[str, str]:
    return _split_forms(vocabulary([normalize_chars(t) for t in texts]))
