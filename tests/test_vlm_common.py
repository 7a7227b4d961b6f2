"""Shared VLM logic without any server: parsing, hashing, redaction, Retry-After, budget, cost, cache table."""

from __future__ import annotations

import json
from email.utils import formatdate

import numpy as np
import pytest
from fakes.rig import code_frame
from fakes.vlm_servers import GOOD_ANSWER

from pausecode.errors import BudgetExceededError
from pausecode.models import VideoInfo
from pausecode.recognize.engines.vlm.common import (
    MalformedOutput,
    encode_jpeg,
    frame_hash,
    gemini_schema,
    json_schema,
    parse_model_json,
    parse_retry_after,
    redact,
    to_recognition,
)
from pausecode.recognize.engines.vlm.hybrid import (
    dry_run_report,
    estimate_cost,
    gemini_image_tokens,
    openai_image_tokens,
)
from pausecode.recognize.engines.vlm.request_budget import RequestBudget
from pausecode.settings import Settings


# ------------------------------------------------------------------------------------------ parsing
def test_parse_plain_fenced_and_chatty():
    body = json.dumps(GOOD_ANSWER)
    for text in (body, f"```json\n{body}\n```", f"```\n{body}\n```", f"Here you go:\n{body}\nThanks", f"[{body}]"):
        d = parse_model_json(text)
        assert d["code_content"] == GOOD_ANSWER["code_content"] and d["segment_type"] == "code"


@pytest.mark.parametrize("text", [None, "", "   ", "no braces", '{"segment_type": "code", "code', "[1, 2]",
                                  '{"code_content": "x"}'])
def test_parse_rejects_malformed(text):
    with pytest.raises(MalformedOutput):
        parse_model_json(text)


def test_parse_rejects_truncated_even_if_json():
    with pytest.raises(MalformedOutput, match="cut off"):
        parse_model_json(json.dumps(GOOD_ANSWER), truncated=True)


def test_normalize_is_tolerant_but_keeps_indentation():
    d = parse_model_json(json.dumps({
        "segment_type": "CODE", "code_content": ["", "for i in x:", "    print(i)  ", ""],
        "confidence": "0.7", "code_complete": "true", "language": "Python", "ide": "",
    }))
    assert d["segment_type"] == "code"
    assert d["code_content"] == "for i in x:\n    print(i)"
    assert d["confidence"] == 0.7 and d["code_complete"] is True
    assert d["language"] == "python" and d["ide"] is None


def test_normalize_unknown_type_and_bad_confidence():
    d = parse_model_json('{"segment_type": "slide", "code_content": null, "confidence": "high"}')
    assert d["segment_type"] == "learning" and d["confidence"] == 0.5
    d = parse_model_json('{"segment_type": "???", "code_content": "x = 1", "confidence": 7}')
    assert d["segment_type"] == "code" and d["confidence"] == 1.0


def test_first_line_indentation_survives():
    d = parse_model_json(json.dumps({"segment_type": "code", "code_content": "    return x\n", "confidence": 1}))
    assert d["code_content"] == "    return x"


def test_to_recognition_learning_drops_code():
    r = to_recognition({"segment_type": "learning", "code_content": "x", "confidence": 0.4})
    assert r.segment_type == "learning" and r.code_content is None and r.code_complete is None


def test_schemas_cover_the_contract():
    fields = {"segment_type", "code_content", "language", "code_complete", "learning_topic", "file_name", "ide",
              "explanation_text", "confidence"}
    js = json_schema()
    assert set(js["properties"]) == fields == set(js["required"]) and js["additionalProperties"] is False
    gs = gemini_schema()
    assert set(gs["properties"]) == fields and gs["property_ordering"][0] == "segment_type"


# ------------------------------------------------------------------------------------------ images, hashes
def test_frame_hash_same_image_same_key_one_char_differs():
    a = code_frame("def f(x):\n    return x + 1", size=(1080, 1920))
    assert frame_hash(a) == frame_hash(a.copy())
    b = code_frame("def f(x):\n    return x + 2", size=(1080, 1920))
    assert frame_hash(a) != frame_hash(b)
    c = code_frame("def f(x):\n    return x + 1.", size=(1080, 1920))
    assert frame_hash(a) != frame_hash(c)


def test_frame_hash_absorbs_tiny_noise():
    a = code_frame("x = 1")
    noisy = a.copy()
    noisy[::7, ::7] = np.clip(noisy[::7, ::7].astype(int) + 1, 0, 255).astype(np.uint8)
    assert frame_hash(a) == frame_hash(noisy)


def test_encode_jpeg_downscales_long_side():
    import cv2

    jpeg = encode_jpeg(code_frame("y", size=(1440, 2560)))
    img = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert img.shape[:2] == (720, 1280)
    small = cv2.imdecode(np.frombuffer(encode_jpeg(code_frame("z", size=(480, 640))), np.uint8), cv2.IMREAD_COLOR)
    assert small.shape[:2] == (480, 640)  # never upscaled


# ------------------------------------------------------------------------------------------ secrets, headers
def test_redact():
    key = "my-secret-value-123"
    msg = f"bad key {key}; also sk-proj-abcdefghij1234 and AIzaSyA1234567890abcdefgh"
    out = redact(msg, key)
    assert key not in out and "sk-proj" not in out and "AIza" not in out


def test_parse_retry_after_forms():
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "0.5"}) == 0.5
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({}) is None and parse_retry_after(None) is None
    import time

    when = parse_retry_after({"retry-after": formatdate(time.time() + 30, usegmt=True)})
    assert when is not None and 25 <= when <= 31
    assert parse_retry_after({"retry-after": "soon"}) is None


# ------------------------------------------------------------------------------------------ budget, cost
def test_request_budget():
    b = RequestBudget(2)
    b.take()
    b.take()
    with pytest.raises(BudgetExceededError):
        b.take()
    assert b.remaining == 0
    unlimited = RequestBudget(None)
    for _ in range(100):
        unlimited.take()
    assert unlimited.remaining is None


def test_token_rules():
    assert gemini_image_tokens(300, 200) == 258
    assert gemini_image_tokens(1280, 720) == 2 * 258
    assert gemini_image_tokens(1536, 1536) == 4 * 258
    assert openai_image_tokens(1024, 1024) == 765  # documented example
    assert openai_image_tokens(2048, 4096) == 1105  # documented example
    assert openai_image_tokens(1280, 720) == 85 + 170 * 6
    assert openai_image_tokens(4000, 4000, detail="low") == 85


def test_estimate_cost(tmp_path):
    s = Settings(data_dir=tmp_path)
    g = estimate_cost(40, 1920, 1080, "gemini", s)
    assert g["requests"] == 40 and (g["sent_width"], g["sent_height"]) == (1280, 720)
    assert g["image_tokens"] == 40 * 516 and g["input_tokens"] > g["image_tokens"]
    assert g["model"] == "gemini-2.5-flash"
    o = estimate_cost(40, 1920, 1080, "openai", s.model_copy(update={"vlm_max_requests": 10}))
    assert o["requests"] == 10 and o["stopped_by_budget"] and o["image_tokens"] == 10 * 1105
    ocr = estimate_cost(40, 1920, 1080, "rapidocr", s)
    assert ocr["requests"] == 0 and ocr["image_tokens"] == 0


def test_dry_run_report_uses_plan_key_frames(tmp_path, monkeypatch):
    from pausecode import pipeline

    calls = []

    def fake_plan(info, settings):
        calls.append(info.video_id)
        return {"states": list(range(30)), "key_frames": list(range(12)), "width": 1920, "height": 1080}

    monkeypatch.setattr(pipeline, "plan_key_frames", fake_plan, raising=False)
    info = VideoInfo(video_id="v1", path="x.mp4", source="x.mp4", duration=120.0, width=1920, height=1080)
    rep = dry_run_report(info, Settings(data_dir=tmp_path, engine="gemini"))
    assert calls == ["v1"]
    assert rep["states"] == 30 and rep["key_frames"] == 12 and rep["requests"] == 12
    assert rep["image_tokens"] == 12 * 516 and rep["requests_per_minute"] == 6.0


# ------------------------------------------------------------------------------------------ cache table
def test_response_cache_roundtrip_and_late_table(tmp_path):
    from pausecode.store.cache import ResponseCache
    from pausecode.store.db import Store

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    Store(url)  # the store's engine exists before the cache module creates its table
    c = ResponseCache(url)
    assert c.get("k") is None
    c.put("k", {"segment_type": "code", "code_content": "  x"}, engine="gemini", model="m", prompt_version="v1")
    c.put("k", {"segment_type": "code", "code_content": "  y"}, engine="gemini", model="m", prompt_version="v1")
    assert ResponseCache(url).get("k") == {"segment_type": "code", "code_content": "  y"}
    assert c.count() == 1 and c.count("openai") == 0
    assert c.clear("gemini") == 1 and c.get("k") is None
