"""Score a processed video against exact ground truth, with the shared benchmark scorer's metrics.

The metrics are those of `../shared/bench/score.py` (same definitions, same boundary exclusion), computed here so
the demo and the tests can score themselves without reaching outside the package: type accuracy and per-class F1,
and on code samples char accuracy, exact lines, indentation and the usable share. Three cheap counts name the
mistakes a viewer notices first: a text cursor read as `|`, an empty reading while code is on screen, and code
shown before it is typed.

Truth is the shared truth format (`truth.json`, also written by `pausecode.synth`): a sample every 0.25 s with
`type`, `visible_code` and `events`.
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from .models import Segment
from .query.index import IntervalIndex

BOUNDARY_KINDS = frozenset({"type_switch", "scroll", "file_switch", "layout", "zoom", "editor_switch"})
EXCLUDE_S = 0.5  # seconds: samples this close to a boundary event are not scored (the scorer's rule)
USABLE_CHAR_ACC = 0.98  # a code sample this close to the truth is usable as is (the scorer's rule)
QUERY_TOLERANCE_S = 1.0  # seconds: a sample is answered from the nearest segment this close (the CLI default)


@dataclass(frozen=True)
class Score:
    """One video's scores. Rates are in [0, 1] (NaN when there is nothing to rate); counts are samples."""

    samples: int
    scored: int
    excluded_near_boundary: int
    code_samples: int
    type_acc: float
    f1_code: float
    f1_learning: float
    char_acc: float
    exact_line: float
    indent_acc: float
    usable: float
    exact_samples: int  # code samples whose prediction is exactly the truth (after the scorer's normalising)
    cursor_read: int  # code samples whose prediction holds a `|` the screen does not
    empty_while_code: int  # code samples with code on screen but an empty or learning prediction
    ahead_of_screen: int  # code samples whose prediction is nearer the next screen state than the current one

    def to_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in asdict(self).items()}


def norm(code: str | None) -> str:
    """The scorer's normal form: unified newlines, trailing spaces and blank edge lines dropped."""
    if code is None:
        return ""
    lines = [ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def char_acc(pred: str, truth: str) -> float:
    """1 - Levenshtein distance / truth length, floored at 0; an empty truth wants an empty prediction."""
    if not truth:
        return 1.0 if not pred.strip() else 0.0
    return max(0.0, 1.0 - Levenshtein.distance(pred, truth) / len(truth))


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def line_metrics(pred: str, truth: str) -> tuple[int, int, int, int]:
    """(truth lines found exactly in order, non-blank truth lines, indents right, lines matched by text)."""
    t_lines = [ln for ln in truth.split("\n") if ln.strip()]
    p_lines = [ln for ln in pred.split("\n") if ln.strip()]
    if not t_lines:
        return 0, 0, 0, 0
    exact = sum(b.size for b in difflib.SequenceMatcher(None, t_lines, p_lines, autojunk=False)
                .get_matching_blocks())
    stripped = difflib.SequenceMatcher(None, [ln.strip() for ln in t_lines], [ln.strip() for ln in p_lines],
                                       autojunk=False)
    ok = n = 0
    for b in stripped.get_matching_blocks():
        for k in range(b.size):
            n += 1
            ok += _indent(t_lines[b.a + k]) == _indent(p_lines[b.b + k])
    return exact, len(t_lines), ok, n


def _boundaries(truth: dict[str, Any]) -> list[float]:
    return sorted(e["t"] for e in truth.get("events", []) if e.get("kind") in BOUNDARY_KINDS)


def _near(t: float, bounds: list[float]) -> bool:
    """Within `EXCLUDE_S` of a boundary event (sorted `bounds`): such a sample is not scored."""
    j = bisect.bisect_left(bounds, t - EXCLUDE_S)
    return j < len(bounds) and bounds[j] <= t + EXCLUDE_S


def _f1(tp: int, fp: int, fn: int) -> float:
    if tp == 0:
        return 1.0 if fp == 0 and fn == 0 else 0.0
    p, r = tp / (tp + fp), tp / (tp + fn)
    return 2 * p * r / (p + r)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def predictions(segments: Sequence[Segment], truth: dict[str, Any]) -> list[dict[str, Any]]:
    """One prediction per truth sample, answered as a query would be: the segment at (or nearest to) its time."""
    index = IntervalIndex(list(segments))
    out = []
    for s in truth["samples"]:
        seg, _ = index.find(s["t"], QUERY_TOLERANCE_S)
        if seg is None or seg.segment_type == "learning":
            out.append({"t": s["t"], "type": "learning", "code": None})
        else:
            out.append({"t": s["t"], "type": "code", "code": seg.code_content or ""})
    return out


def _next_states(truth: dict[str, Any]) -> list[str | None]:
    """For each sample, the next different code on screen (None when the screen does not change again)."""
    nxt: list[str | None] = [None] * len(truth["samples"])
    upcoming: str | None = None
    later: str | None = None
    for i in range(len(truth["samples"]) - 1, -1, -1):
        s = truth["samples"][i]
        cur = norm(s.get("visible_code")) if s["type"] == "code" else None
        if cur is not None and cur != later:
            upcoming, later = later, cur
        nxt[i] = upcoming if cur is not None else None
    return nxt


def score(truth: dict[str, Any], preds: Sequence[dict[str, Any]]) -> Score:
    """Score `preds` (one per truth sample, matched by time within 0.01 s) against `truth`."""
    by_time = sorted((p for p in preds if p.get("t") is not None), key=lambda p: p["t"])
    times = [p["t"] for p in by_time]
    bounds = _boundaries(truth)
    next_states = _next_states(truth)
    n = excluded = type_ok = 0
    tp = fp = fn = tn = 0
    accs: list[float] = []
    line_rates: list[float] = []
    ind_ok = ind_n = exact = cursor = empty = ahead = 0
    for i, s in enumerate(truth["samples"]):
        if _near(s["t"], bounds):
            excluded += 1
            continue
        n += 1
        k = bisect.bisect_left(times, s["t"] - 0.01 - 1e-9)
        p = by_time[k] if k < len(times) and abs(times[k] - s["t"]) <= 0.01 + 1e-9 else None
        ptype = p.get("type") if p else None
        is_code = s["type"] == "code"
        said_code = ptype == "code"
        type_ok += ptype == s["type"]
        tp += is_code and said_code
        fn += is_code and not said_code
        fp += not is_code and said_code
        tn += not is_code and not said_code
        if not is_code:
            continue
        pred = norm(p.get("code")) if (p and said_code) else ""
        tr = norm(s.get("visible_code"))
        a = char_acc(pred, tr)
        accs.append(a)
        found, total, iok, inn = line_metrics(pred, tr)
        if total:
            line_rates.append(found / total)
        ind_ok += iok
        ind_n += inn
        exact += pred == tr
        cursor += "|" in pred and "|" not in tr
        empty += bool(tr) and not pred
        upcoming = next_states[i]
        if upcoming is not None and pred != tr and (
                Levenshtein.distance(pred, upcoming) < Levenshtein.distance(pred, tr)):
            ahead += 1
    return Score(
        samples=len(truth["samples"]), scored=n, excluded_near_boundary=excluded, code_samples=len(accs),
        type_acc=type_ok / n if n else float("nan"), f1_code=_f1(tp, fp, fn), f1_learning=_f1(tn, fn, fp),
        char_acc=_mean(accs), exact_line=_mean(line_rates), indent_acc=ind_ok / ind_n if ind_n else float("nan"),
        usable=_mean([float(a >= USABLE_CHAR_ACC) for a in accs]), exact_samples=exact, cursor_read=cursor,
        empty_while_code=empty, ahead_of_screen=ahead,
    )


def score_segments(segments: Sequence[Segment], truth: dict[str, Any]) -> Score:
    """Score a video's segments, each truth sample answered as `pausecode query` would answer it."""
    return score(truth, predictions(segments, truth))


def report(s: Score) -> str:
    """A few lines a person reads: what was scored and how it went."""
    def pct(x: float) -> str:
        return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"

    code = s.code_samples
    rows = [
        ("code vs learning right", f"{pct(s.type_acc)} (F1 code {s.f1_code:.3f}, learning {s.f1_learning:.3f})"),
        ("exact samples", f"{s.exact_samples}/{code} code samples read exactly as on screen"),
        ("char accuracy", f"{pct(s.char_acc)} (usable, >= {USABLE_CHAR_ACC:.0%} right: {pct(s.usable)})"),
        ("exact lines", f"{pct(s.exact_line)}; indentation right: {pct(s.indent_acc)}"),
        ("cursor read as '|'", f"{s.cursor_read}/{code}"),
        ("empty while code shown", f"{s.empty_while_code}/{code}"),
        ("code ahead of the screen", f"{s.ahead_of_screen}/{code} (nearer the next screen state than this one)"),
    ]
    head = (f"scored {s.scored} of {s.samples} samples (every 0.25 s; {s.excluded_near_boundary} within "
            f"{EXCLUDE_S:g} s of a scene change not scored), {code} of them with code on screen")
    return "\n".join([head] + [f"  {label + ':':<26}{value}" for label, value in rows])


def segment_agreement(segment: Segment, truth: dict[str, Any]) -> tuple[int, int]:
    """(samples read exactly as on screen, scored samples) within one segment's interval, code on screen only."""
    bounds = _boundaries(truth)
    exact = n = 0
    for s in truth["samples"]:
        if not segment.start <= s["t"] < segment.end or s["type"] != "code" or _near(s["t"], bounds):
            continue
        n += 1
        said = norm(segment.code_content) if segment.segment_type != "learning" else ""
        exact += said == norm(s.get("visible_code"))
    return exact, n
