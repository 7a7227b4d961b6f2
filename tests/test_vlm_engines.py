"""Both remote engines, real SDK clients, fake servers on loopback: answers, retries, failures, cache, budget."""

from __future__ import annotations

import base64
import json
import logging
import threading
import traceback

import cv2
import numpy as np
import pytest

pytest.importorskip("google.genai")
pytest.importorskip("openai")

from fakes.rig import code_frame, make_rig
from fakes.vlm_servers import GOOD_ANSWER, GOOD_KEY, LEARNING_ANSWER, Reply

from pausecode.errors import (
    BudgetExceededError,
    EngineAuthError,
    EngineError,
    FrameRecognitionError,
)
from pausecode.recognize.base import FrameContext, get_engine

CTX = FrameContext(t=12.5, video_id="vid")


@pytest.fixture(params=["gemini", "openai"])
def rig(request, tmp_path, monkeypatch):
    yield from make_rig(request.param, tmp_path, monkeypatch)


def test_good_answer(rig):
    eng = rig.engine()
    eng.check()
    r = eng.recognize(code_frame("a"), CTX)
    assert r.segment_type == "code"
    assert r.code_content == GOOD_ANSWER["code_content"]
    assert (r.language, r.ide, r.file_name, r.code_complete) == ("python", "vscode", "main.py", True)
    assert r.confidence == pytest.approx(0.93)
    assert rig.posts == 1
    assert eng.stats["requests"] == 1 and eng.stats["input_tokens"] > 0


def test_request_carries_image_prompt_and_settings(rig):
    eng = rig.engine(vlm_temperature=0.0, vlm_max_output_tokens=1234)
    eng.recognize(code_frame("b", size=(1080, 1920)), CTX)
    body = rig.fake.generations[0].body
    dump = json.dumps(body)
    assert "1234" in dump and "segment_type" in dump
    if rig.name == "gemini":
        cfg = body["generationConfig"]
        assert cfg["responseMimeType"] == "application/json" and "responseSchema" in cfg
        inline = body["contents"][0]["parts"][0]["inlineData"]
        assert (inline.get("mimeType") or inline.get("mime_type")) == "image/jpeg"
        raw = base64.urlsafe_b64decode(inline["data"] + "==")
    else:
        assert body["response_format"]["type"] == "json_schema"
        url = body["messages"][1]["content"][1]["image_url"]["url"]
        assert url.startswith("data:image/jpeg;base64,")
        raw = base64.b64decode(url.split(",", 1)[1])
    img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    assert img.shape[:2] == (720, 1280)  # downscaled from 1920x1080 before sending


def test_code_indentation_preserved(rig):
    code = "class A:\n    def f(self, x):\n        if x:\n\n            return [\n                x,\n            ]\n\tpass"
    rig.fake.queue(Reply.answer({**GOOD_ANSWER, "code_content": "\n" + code + "   \n\n"}))
    r = rig.engine().recognize(code_frame("c"), CTX)
    assert r.code_content == code


def test_learning_answer(rig):
    rig.fake.queue(Reply.answer(LEARNING_ANSWER))
    r = rig.engine().recognize(code_frame("d"), CTX)
    assert r.segment_type == "learning" and r.code_content is None
    assert r.learning_topic == "what a closure is"


def test_fenced_and_chatty_output_is_parsed(rig):
    body = json.dumps(GOOD_ANSWER)
    rig.fake.queue(Reply(text=f"```json\n{body}\n```"), Reply(text=f"Sure! Here it is: {body} Hope this helps."))
    eng = rig.engine()
    assert eng.recognize(code_frame("e1"), CTX).code_content == GOOD_ANSWER["code_content"]
    assert eng.recognize(code_frame("e2"), CTX).code_content == GOOD_ANSWER["code_content"]
    assert rig.posts == 2


def test_malformed_output_retried_once_then_frame_fails(rig):
    rig.fake.queue(Reply(text='{"segment_type": "code", "code_content": "x = ['), Reply(text="no json here"))
    eng = rig.engine()
    with pytest.raises(FrameRecognitionError, match="unusable"):
        eng.recognize(code_frame("f"), CTX)
    assert rig.posts == 2
    # the next frame is fine: one bad frame never sinks the video
    assert eng.recognize(code_frame("g"), CTX).segment_type == "code"
    assert eng.stats["failed"] == 1 and eng.stats["malformed"] == 2


def test_malformed_then_good_succeeds(rig):
    rig.fake.queue(Reply(text="garbage"))
    assert rig.engine().recognize(code_frame("h"), CTX).segment_type == "code"
    assert rig.posts == 2


def test_truncated_output_is_retried(rig):
    rig.fake.queue(Reply.answer(truncated=True))
    eng = rig.engine()
    assert eng.recognize(code_frame("i"), CTX).code_content == GOOD_ANSWER["code_content"]
    assert rig.posts == 2 and eng.stats["malformed"] == 1


def test_429_retry_after_is_honoured(rig):
    rig.fake.queue(Reply(status=429, headers={"Retry-After": "1"},
                         body={"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}))
    eng = rig.engine(real_sleep=True)
    r = eng.recognize(code_frame("j"), CTX)
    assert r.segment_type == "code"
    assert rig.sleeps == [1.0]
    a, b = rig.fake.generations
    assert b.t - a.t >= 0.95


def test_503_backoff_then_success(rig):
    rig.fake.queue(Reply(status=503), Reply(status=503))
    eng = rig.engine()
    assert eng.recognize(code_frame("k"), CTX).segment_type == "code"
    assert rig.posts == 3 and len(rig.sleeps) == 2 and eng.stats["retries"] == 2


def test_500s_until_retry_budget_spent(rig):
    rig.fake.queue(*[Reply(status=500) for _ in range(10)])
    eng = rig.engine(vlm_max_retries=3)
    eng.backoff_base = 0.01
    with pytest.raises(FrameRecognitionError, match="500"):
        eng.recognize(code_frame("l"), CTX)
    assert rig.posts == 4  # first try + 3 retries
    assert len(rig.sleeps) == 3
    # exponential with jitter: each wait within [ceiling/2, ceiling], ceiling doubling
    for i, s in enumerate(rig.sleeps):
        assert 0.01 * 2**i / 2 <= s <= 0.01 * 2**i


def test_timeout_is_retried(rig):
    rig.fake.queue(Reply.answer(delay=1.5))
    eng = rig.engine(vlm_timeout=0.4)
    assert eng.recognize(code_frame("m"), CTX).segment_type == "code"
    assert rig.posts == 2 and len(rig.sleeps) == 1


def test_timeouts_until_retries_spent(rig):
    rig.fake.queue(Reply.answer(delay=1.0), Reply.answer(delay=1.0))
    eng = rig.engine(vlm_timeout=0.3, vlm_max_retries=1)
    with pytest.raises(FrameRecognitionError):
        eng.recognize(code_frame("n"), CTX)
    assert rig.posts == 2


def test_invalid_key_fails_in_check_before_any_frame(rig):
    bad = "bad-key-Zq81736450xyz"
    rig.set_key(bad)
    with pytest.raises(EngineAuthError) as ei:
        get_engine(rig.name, rig.settings)
    assert rig.posts == 0
    assert len(rig.fake.seen) == 1  # one cheap models call, no retries on auth
    assert bad not in str(ei.value) and bad not in repr(ei.value.to_dict())
    assert bad not in "".join(traceback.format_exception(ei.value))  # the SDK error is not chained in
    assert "key" in str(ei.value).lower()


def test_missing_key_fails_without_network(rig):
    rig.set_key(None)
    if rig.name == "openai":
        rig.settings = rig.settings.model_copy(update={"openai_base_url": None})
    with pytest.raises(EngineAuthError, match="no API key"):
        rig.engine().check()
    assert rig.fake.seen == []


def test_unknown_model_fails_in_check(rig):
    over = {"gemini_model": "gemini-nope"} if rig.name == "gemini" else {"openai_model": "nope-vision"}
    with pytest.raises(EngineError, match="nope"):
        rig.engine(**over).check()
    assert rig.posts == 0


def test_unreachable_server_fails_check(rig):
    rig.fake.__exit__()  # nothing listens on the configured port any more
    eng = rig.engine(vlm_timeout=1.0)
    with pytest.raises(EngineError, match="check failed"):
        eng.check()
    assert len(rig.sleeps) == 2  # check() retries connection errors twice, then gives up


def test_cache_hit_in_memory_and_across_instances(rig):
    frame = code_frame("same frame")
    eng = rig.engine()
    first = eng.recognize(frame, CTX)
    again = eng.recognize(frame.copy(), CTX)
    assert rig.posts == 1 and again == first and eng.stats["cache_hits"] == 1
    eng2 = rig.engine()  # a new run: the store answers
    assert eng2.recognize(frame, CTX) == first
    assert rig.posts == 1 and eng2.stats["requests"] == 0
    eng3 = rig.engine(**({"gemini_model": "gemini-2.5-pro"} if rig.name == "gemini" else {"openai_model": "x"}))
    assert eng3.cache_key(frame) != eng.cache_key(frame)  # another model never reuses answers


def test_budget_exceeded_stops_before_sending(rig):
    eng = rig.engine(vlm_max_requests=2)
    eng.recognize(code_frame("p1"), CTX)
    eng.recognize(code_frame("p2"), CTX)
    eng.recognize(code_frame("p1"), CTX)  # cached: free
    with pytest.raises(BudgetExceededError):
        eng.recognize(code_frame("p3"), CTX)
    assert rig.posts == 2 and eng.budget.remaining == 0


def test_concurrency_is_limited(rig):
    rig.fake.default = Reply.answer(delay=0.25)
    eng = rig.engine(vlm_concurrency=2)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            eng.recognize(code_frame(f"conc {i}"), CTX)
        except BaseException as e:  # noqa: BLE001 - surfaced by the assert below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and rig.posts == 6
    assert rig.fake.max_inflight == 2


def test_keys_never_in_logs_errors_or_store(rig, caplog):
    caplog.set_level(logging.DEBUG)
    rig.fake.queue(Reply(status=429, headers={"Retry-After": "0"}), Reply(text="oops"))
    eng = rig.engine()
    eng.check()
    eng.recognize(code_frame("q"), CTX)
    rig.fake.queue(*[Reply(status=500, body={"error": {"message": f"echo {GOOD_KEY}", "code": 500}})] * 5)
    with pytest.raises(FrameRecognitionError) as ei:
        eng.recognize(code_frame("r"), CTX)
    assert GOOD_KEY not in str(ei.value)
    eng.close()
    assert GOOD_KEY not in caplog.text
    db = rig.settings.data_dir
    blobs = b"".join(p.read_bytes() for p in db.rglob("*") if p.is_file())
    assert blobs and GOOD_KEY.encode() not in blobs
    assert GOOD_KEY not in json.dumps(eng.stats)
