"""Which language the code is, and whether it is complete (parses), from the text (and file name if any)."""

from __future__ import annotations

import ast
import re

EXT_LANG = {
    "py": "python", "pyw": "python", "ipynb": "python", "js": "javascript", "mjs": "javascript",
    "jsx": "javascript", "ts": "typescript", "tsx": "typescript", "java": "java", "c": "c", "h": "c",
    "cc": "cpp", "cpp": "cpp", "hpp": "cpp", "cs": "csharp", "go": "go", "rs": "rust", "rb": "ruby",
    "php": "php", "kt": "kotlin", "swift": "swift", "sh": "bash", "sql": "sql", "html": "html", "css": "css",
}

_SIGNS: dict[str, list[tuple[str, float]]] = {
    "python": [(r"^\s*def \w+\(.*\):", 3), (r"^\s*(from \w[\w.]* )?import \w", 2), (r"^\s*class \w+(\(.*\))?:", 2),
               (r"\bprint\(", 1), (r"^\s*(if|for|while|elif|else|try|except|with)\b.*:\s*$", 1.5),
               (r"\bself\b", 1), (r"^>>> ", 3), (r"\bNone\b|\bTrue\b|\bFalse\b", 0.5), (r'"""', 1)],
    "javascript": [(r"\bfunction\b", 2), (r"\b(const|let|var) \w+ ?=", 2), (r"=>", 1.5), (r"console\.log", 3),
                   (r";\s*$", 0.5), (r"\brequire\(|\bexport\b", 1.5), (r"===|!==", 1.5)],
    "java": [(r"\bpublic (static )?(class|void|int|String)\b", 3), (r"System\.out\.print", 3),
             (r"\bString\[\]", 2), (r"\bprivate\b|\bprotected\b", 1.5), (r"\bnew \w+\(", 1)],
    "c": [(r"#include\s*<\w+\.h>", 3), (r"\bprintf\(", 2), (r"\bint main\(", 2), (r"\bmalloc\(|\bsizeof\b", 1.5)],
    "cpp": [(r"#include\s*<\w+>", 3), (r"\bstd::", 3), (r"\bcout\b|\bcin\b", 2), (r"\btemplate\s*<", 2)],
}
_COMPILED = {lang: [(re.compile(p, re.M), w) for p, w in signs] for lang, signs in _SIGNS.items()}


def detect_language(code: str, file_name: str | None = None) -> str | None:
    if file_name and "." in file_name:
        ext = file_name.rsplit(".", 1)[1].lower()
        if ext in EXT_LANG:
            return EXT_LANG[ext]
    if not code.strip():
        return None
    scores = {lang: sum(w * len(p.findall(code)) for p, w in signs) for lang, signs in _COMPILED.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= 2 else None


def is_repl_or_shell(code: str) -> bool:
    lines = [ln for ln in code.splitlines() if ln.strip()]
    if not lines:
        return False
    prompts = sum(1 for ln in lines if ln.startswith((">>> ", "... ", "$ ")) or re.match(r"^[\w.-]+@[\w.-]+:.*\$", ln))
    return prompts >= max(1, len(lines) // 4)


def python_parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def brackets_balanced(code: str) -> bool:
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in re.sub(r"(\"[^\"\n]*\"|'[^'\n]*')", "", code):
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack


def code_complete(code: str, language: str | None) -> bool | None:
    """Does the code parse? `ast` for Python, bracket balance for brace languages; None when unknowable."""
    if not code.strip() or is_repl_or_shell(code):
        return None
    if language == "python":
        return python_parses(code)
    if language in ("javascript", "typescript", "java", "c", "cpp", "csharp", "go", "rust", "kotlin", "swift"):
        return brackets_balanced(code)
    return None
