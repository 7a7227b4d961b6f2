"""`pausecode.evaluate` scores like the shared benchmark scorer, and `make demo` says what its sample holds and
ends by scoring itself against the sample's own truth."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from pausecode.evaluate import Score, predictions, score, score_segments, segment_agreement
from pausecode.models import Segment

REPO = Path(__file__).resolve().parent.parent
SHARED_SCORER = REPO.parent / "shared" / "bench" / "score.py"
DEMO = REPO / "scripts" / "demo.py"


def sample(t: float, code: str | None, kind: str = "code") -> dict:
    return {"t": t, "type": kind, "visible_code": code if kind == "code" else None}


# A tiny typing session: a slide, then `x = 1` typed (a typo fixed), then a second line.
TRUTH = {
    "case": "tiny",
    "samples": [sample(0.0, None, "learning"), sample(0.25, None, "learning"), sample(1.0, "x"),
                sample(1.25, "x = 2"), sample(1.5, "x = "), sample(1.75, "x = 1"), sample(2.0, "x = 1\ny"),
                sample(2.25, "x = 1\ny = x"), sample(2.5, "x = 1\ny = x"), sample(2.75, "x = 1\ny = x")],
    "events": [{"t": 0.6, "kind": "type_switch", "what": "to code"}, {"t": 1.0, "kind": "action", "what": "x"}],
}


def preds(*codes: str | None) -> list[dict]:
    return [{"t": s["t"], "type": "learning" if c is None else "code", "code": c}
            for s, c in zip(TRUTH["samples"], codes, strict=True)]


# what the recogniser might say: right, a cursor read as `|`, an empty reading, code ahead of the screen
MIXED = preds(None, None, "x", "x = 2|", None, "x = 1", "x = 1\ny = x", "x = 1\ny = x", "x = 1\ny = x",
              "x = 1\n    y = x")
# the shared scorer's numbers for MIXED (run once with ../shared/bench/score.py and written down)
SHARED_ON_MIXED = {"scored": 8, "excluded_near_boundary": 2, "code_samples": 7, "type_acc": 0.875,
                   "f1_code": 0.923076923076923, "f1_learning": 0.6666666666666666,
                   "char_acc": 0.6949907235621522, "exact_line": 0.5714285714285714, "indent_acc": 0.875,
                   "usable": 0.42857142857142855}


def test_oracle_scores_one_everywhere() -> None:
    truth_preds = [{"t": s["t"], "type": s["type"], "code": s["visible_code"]} for s in TRUTH["samples"]]
    s = score(TRUTH, truth_preds)
    for name in ("type_acc", "f1_code", "f1_learning", "char_acc", "exact_line", "indent_acc", "usable"):
        assert getattr(s, name) == 1.0, name
    assert s.exact_samples == s.code_samples == 7
    assert (s.cursor_read, s.empty_while_code, s.ahead_of_screen) == (0, 0, 0)


def test_mixed_predictions_score_as_the_shared_scorer_does() -> None:
    s = score(TRUTH, MIXED)
    for name, want in SHARED_ON_MIXED.items():
        assert getattr(s, name) == pytest.approx(want), name
    assert s.exact_samples == 3  # "x", "x = 1", and "x = 1\ny = x" at 2.5 s
    assert s.cursor_read == 1  # "x = 2|"
    assert s.empty_while_code == 1  # learning said while "x = " is on screen
    # "x = 1\ny = x" at 2.0 s while the screen has "x = 1\ny"; "x = 2|" is not nearer "x = " than "x = 2"
    assert s.ahead_of_screen == 1


@pytest.mark.skipif(not SHARED_SCORER.is_file(), reason="the shared benchmark scorer is not beside this checkout")
def test_same_numbers_as_the_shared_scorer_when_it_is_here(tmp_path: Path) -> None:
    truth_path, pred_path = tmp_path / "truth.json", tmp_path / "preds.json"
    truth_path.write_text(json.dumps(TRUTH))
    pred_path.write_text(json.dumps(MIXED))
    proc = subprocess.run([sys.executable, str(SHARED_SCORER), str(truth_path), str(pred_path)],
                          capture_output=True, text=True, timeout=120, check=True)
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])["metrics"][0]
    ours = score(TRUTH, MIXED).to_dict()
    for name in SHARED_ON_MIXED:
        assert ours[name] == pytest.approx(theirs[name]), name


def test_segments_are_answered_as_a_query_would() -> None:
    segs = [Segment(0.0, 0.9, "learning", learning_topic="intro"),
            Segment(0.9, 2.0, "code", code_content="x = 1"),
            Segment(2.0, 3.0, "code", code_content="x = 1\ny = x")]
    p = predictions(segs, TRUTH)
    assert [x["type"] for x in p[:3]] == ["learning", "learning", "code"] and p[2]["code"] == "x = 1"
    s = score_segments(segs, TRUTH)
    # ahead: "x = 1" while "x = " is typed (1.5 s), the second line whole while "y" is typed (2.0 s)
    assert isinstance(s, Score) and s.ahead_of_screen == 2
    assert segment_agreement(segs[1], TRUTH) == (1, 3)  # 1.0 s is near the switch; only 1.75 s is exact
    assert math.isnan(score({"samples": [sample(0.0, None, "learning")], "events": []}, []).char_acc)


# ------------------------------------------------------------------------------------------------- the demo


def _demo_module():
    spec = importlib.util.spec_from_file_location("pausecode_demo", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_demo_names_the_deliberate_typos_of_its_sample() -> None:
    from pausecode.synth import plan

    _spec, _timeline, truth = plan("demo", 0)
    demo = _demo_module()
    assert demo.fixed_typos(truth) == ["messqg", "{b}", "mesd"]
    text = demo.describe(truth)
    assert "deliberate typos" in text and "messqg" in text and "def add(a, b=0):" in text


def test_demo_ends_with_its_self_score(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    """With the `null` engine (reads nothing, a few seconds) the demo must still score itself, honestly: every
    code sample is then an empty reading."""
    monkeypatch.chdir(tmp_path)
    assert _demo_module().main([str(tmp_path / "demo"), "--engine", "null"]) == 0
    out = capsys.readouterr().out
    assert "deliberate typos fixed with Backspace a moment later (messqg, {b}, mesd)" in out
    tail = out[out.index("Self-score against the sample's own truth"):]
    assert "exact samples:            0/" in tail
    saved = json.loads((tmp_path / "demo" / "demo_score.json").read_text())
    assert saved["empty_while_code"] == saved["code_samples"] > 0 and saved["exact_samples"] == 0
    assert f"empty while code shown:   {saved['code_samples']}/{saved['code_samples']}" in tail
    assert saved["f1_code"] == 0.0
