"""Hybrid mode: OCR classifies and finds the pane, the vision model reads code frames only."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("google.genai")
pytest.importorskip("openai")

from fakes.rig import code_frame, make_rig
from fakes.vlm_servers import GOOD_ANSWER, Reply

from pausecode.recognize import base
from pausecode.recognize.base import (
    CodeLayout,
    FrameContext,
    Recognition,
    RecognitionEngine,
    TextLine,
)
from pausecode.recognize.engines.vlm.hybrid import HybridEngine

CTX = FrameContext(t=1.0)
LAYOUT = CodeLayout(x0=100, y0=50, pitch=30, char_width=12, pane=(90, 50, 1200, 650))


class StubOcr(RecognitionEngine):
    """Bright frames are slides; dark ones are code with GOOD_ANSWER's 4 lines on rows 0-3."""

    name = "stub-ocr"

    def recognize(self, frame: np.ndarray, context: FrameContext) -> Recognition:
        if frame.mean() > 128:
            return Recognition(segment_type="learning", confidence=0.9, learning_topic="slides")
        lines = [TextLine(text=t.replace("hi", "h1"), top=LAYOUT.row_top(i), row=i)
                 for i, t in enumerate(GOOD_ANSWER["code_content"].split("\n"))]
        return Recognition(segment_type="code", confidence=0.7, code_content="ocr text", lines=lines, layout=LAYOUT)


@pytest.fixture(params=["gemini", "openai"])
def rig(request, tmp_path, monkeypatch):
    monkeypatch.setitem(base._REGISTRY, "stub-ocr", StubOcr)  # registered for this test only
    monkeypatch.setattr(HybridEngine, "ocr_name", "stub-ocr")
    for r in make_rig(request.param, tmp_path, monkeypatch):
        r.settings = r.settings.model_copy(update={"hybrid_vlm": request.param}) if hasattr(
            r.settings, "hybrid_vlm") else r.settings
        if request.param == "openai":
            monkeypatch.delenv("GEMINI_API_KEY", raising=False)
        yield r


def test_learning_frames_cost_nothing(rig):
    eng = HybridEngine(rig.settings)
    eng.check()
    r = eng.recognize(np.full((720, 1280, 3), 230, np.uint8), CTX)
    assert r.segment_type == "learning" and r.learning_topic == "slides"
    assert rig.posts == 0


def test_code_frames_read_by_the_model_on_the_ocr_grid(rig):
    eng = HybridEngine(rig.settings)
    assert eng.vlm.name == rig.name
    r = eng.recognize(code_frame("code"), CTX)
    assert rig.posts == 1
    assert r.code_content == GOOD_ANSWER["code_content"] and r.segment_type == "code"
    assert [ln.row for ln in r.lines] == [0, 1, 2, 3] and r.layout is LAYOUT
    assert r.lines[2].text == '        return f"hi {name}"'  # the model's text, not OCR's


def test_model_lines_that_do_not_fit_the_grid_drop_it(rig):
    rig.fake.queue(Reply.answer({**GOOD_ANSWER, "code_content": "one line only"}))
    r = HybridEngine(rig.settings).recognize(code_frame("other"), CTX)
    assert r.code_content == "one line only" and r.lines == [] and r.layout is None


def test_only_the_pane_is_sent(rig):
    import base64

    import cv2

    HybridEngine(rig.settings).recognize(code_frame("pane"), CTX)
    body = rig.fake.generations[0].body
    if rig.name == "gemini":
        raw = base64.urlsafe_b64decode(body["contents"][0]["parts"][0]["inlineData"]["data"] + "==")
    else:
        raw = base64.b64decode(body["messages"][1]["content"][1]["image_url"]["url"].split(",", 1)[1])
    img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    # pane (90,50)-(1200,650) plus a 2-row (60 px) margin, clipped at the frame's top edge
    assert img.shape[:2] == (650 + 60 - 0, 1200 + 60 - (90 - 60))


def test_with_the_real_ocr_engine_a_blank_slide_costs_nothing(tmp_path, monkeypatch):
    pytest.importorskip("rapidocr")
    for rig in make_rig("openai", tmp_path, monkeypatch):
        eng = HybridEngine(rig.settings)
        assert eng.ocr.name == "rapidocr"
        r = eng.recognize(np.full((720, 1280, 3), 235, np.uint8), CTX)
        assert r.segment_type == "learning" and rig.posts == 0
        eng.close()
