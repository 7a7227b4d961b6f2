"""Parsing of numbers the client sends in headers and query strings: ASCII digits only, bounded length.

`str.isdigit()` accepts characters `int()` refuses ("²", "¹") and `int()` accepts digits of other scripts and
refuses more than 4300 digits; a request must never reach either surprise. Callers turn the ValueError into a
4xx with the one JSON error shape (or ignore the header where HTTP says so).
"""

from __future__ import annotations

import re

MAX_DIGITS = 19  # enough for any byte offset or Unix time a request can mean; longer is malformed
_DECIMAL = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS, re.ASCII)


def parse_decimal(text: str) -> int:
    """A non-negative integer written with 1-19 ASCII digits; ValueError for anything else."""
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a non-negative decimal number: {str(text)[:40]!r}")
    return int(text)
