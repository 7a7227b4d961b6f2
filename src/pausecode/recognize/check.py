"""The check stage: when is a reading trusted, and what happens when it is not.

An incremental reading re-reads only the rows that changed, on a layout measured earlier. If the screen no
longer fits that layout (a panel opened, the view zoomed, a notebook cell grew), every later reading inherits
the error and nothing ever corrects it. So an incremental reading is confirmed by a fresh whole-frame reading
once the last whole-frame reading is older than `confirm_after_s` (every key state is a changed screen), and
the fresh one replaces it when they disagree. Text changes are not the trigger: a layout that stopped too
early (a border that moved down as the file grew) hides new rows, so the text it reads does not change.
A reading that disagreed with its check is never given a high confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import TextLine


@dataclass(frozen=True)
class CheckPolicy:
    # Seconds of video since the last whole-frame reading after which an incremental reading that changed the
    # text is confirmed by a fresh one. A whole-frame read costs ~1 s at 720p on 2 cores, so 4 s costs at
    # most ~0.25 x the typing time, and a wrong layout lives at most 4 s.
    confirm_after_s: float = 4.0
    # Confidence ceiling for a reading whose check disagreed (the fresh reading replaced the incremental one,
    # but two readings of the same screen differed: one of them was wrong).
    disagreed_confidence: float = 0.75
    # Confidence floor for a reading two independent reads agreed on.
    agreed_confidence: float = 0.95
    # The recogniser's own score for a line (mean character probability) below which the line is unsure:
    # misreads of real code lines mostly score under 0.9, clean lines 0.95 and up.
    unsure_line_score: float = 0.9
    # Confidence ceiling for a reading holding an unsure line.
    unsure_line_confidence: float = 0.8
    # The recogniser's probability for a single character (its most likely class at that step) below which the
    # character is a guess. The line's mean hides one wrong glyph in a long line; the minimum does not. On 120
    # settled frames of the tuning cases read whole, readings holding such a character were usable 9/25
    # times, the others 88/95 ("impor I csv" for "import csv", "averagę", "264-bit ·").
    unsure_char_prob: float = 0.5
    # Confidence ceiling for a reading holding a character below `unsure_char_prob`.
    unsure_char_confidence: float = 0.6
    # Confidence ceiling for a reading holding a line whose glyphs do not fit the measured grid's inked cells
    # one to one: the recogniser dropped or invented a glyph, or the grid is off (spaces then land a cell
    # away). Either way the pixels disagree with the text.
    off_grid_confidence: float = 0.8


def normalised(code: str | None) -> str:
    """Code text as the scorer and the learner see it: trailing spaces and blank edge lines do not count."""
    lines = [ln.rstrip() for ln in (code or "").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def readings_agree(a: str | None, b: str | None) -> bool:
    return normalised(a) == normalised(b)


def needs_confirmation(policy: CheckPolicy, t: float, last_full_t: float | None) -> bool:
    """An incremental reading is confirmed when the last whole-frame reading is too old to vouch for it."""
    return last_full_t is None or t - last_full_t >= policy.confirm_after_s


def checked_confidence(policy: CheckPolicy, fresh: float, agreed: bool) -> float:
    if agreed:
        return max(fresh, policy.agreed_confidence)
    return min(fresh, policy.disagreed_confidence)


def capped_by_lines(policy: CheckPolicy, confidence: float, lines: list[TextLine]) -> float:
    """A reading is no surer than its least sure line, nor than its least sure character, nor than a line
    whose glyphs the grid's cells do not confirm."""
    if lines and min(ln.weakest for ln in lines) < policy.unsure_char_prob:
        confidence = min(confidence, policy.unsure_char_confidence)
    if lines and min(ln.confidence for ln in lines) < policy.unsure_line_score:
        confidence = min(confidence, policy.unsure_line_confidence)
    if any(ln.on_grid is False for ln in lines):
        confidence = min(confidence, policy.off_grid_confidence)
    return confidence
