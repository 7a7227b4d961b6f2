"""Behaviour only one of the remote engines has: OpenAI-compatible servers' quirks, Gemini's RetryInfo."""

from __future__ import annotations

import pytest

pytest.importorskip("google.genai")
pytest.importorskip("openai")

from fakes.rig import code_frame, make_rig
from fakes.vlm_servers import GOOD_ANSWER, Reply

from pausecode.errors import BudgetExceededError, EngineUnavailableError
from pausecode.recognize.base import FrameContext, available_engines, engine_class
from pausecode.recognize.engines.vlm.openai_compat import LOCAL_DUMMY_KEY, model_listed

CTX = FrameContext(t=3.0)


@pytest.fixture
def openai_rig(tmp_path, monkeypatch):
    yield from make_rig("openai", tmp_path, monkeypatch)


@pytest.fixture
def gemini_rig(tmp_path, monkeypatch):
    yield from make_rig("gemini", tmp_path, monkeypatch)


def test_engines_are_registered():
    assert {"gemini", "openai"} <= set(available_engines())
    assert engine_class("gemini").name == "gemini" and not engine_class("gemini").offline
    assert engine_class("openai").name == "openai"


def test_openai_falls_back_to_json_object_when_schema_unsupported(tmp_path, monkeypatch):
    for rig in make_rig("openai", tmp_path, monkeypatch, reject_json_schema=True):
        eng = rig.engine()
        assert eng.recognize(code_frame("s1"), CTX).code_content == GOOD_ANSWER["code_content"]
        assert [g.body.get("response_format", {}).get("type") for g in rig.fake.generations] == [
            "json_schema", "json_object"]
        eng.recognize(code_frame("s2"), CTX)  # remembered: no second rejected request
        assert rig.posts == 3 and eng.mode == "json_object"
        assert rig.sleeps == []  # adapting is not a retry


def test_openai_drops_rejected_temperature(openai_rig):
    rig = openai_rig
    rig.fake.queue(Reply(status=400, body={"error": {"message": "Unsupported value: 'temperature' does not "
                                                     "support 0.0 with this model.", "type": "invalid_request_error"}}))
    eng = rig.engine()
    assert eng.recognize(code_frame("t"), CTX).segment_type == "code"
    first, second = rig.fake.generations
    assert "temperature" in first.body and "temperature" not in second.body
    assert second.body["response_format"]["type"] == "json_schema"


def test_openai_local_server_without_key_uses_dummy(tmp_path, monkeypatch):
    from fakes.vlm_servers import FakeOpenAI

    from pausecode.settings import Settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeOpenAI(key=LOCAL_DUMMY_KEY, models=("llava:latest",)) as fake:
        s = Settings(data_dir=tmp_path, openai_base_url=fake.base_url, openai_model="llava")
        eng = engine_class("openai")(s)
        eng.check()  # "llava" matches Ollama's "llava:latest"
        assert eng.recognize(code_frame("u"), CTX).segment_type == "code"
        assert fake.generations[0].body["max_tokens"] == s.vlm_max_output_tokens  # local servers: max_tokens
        assert "@" in eng.model_id  # cache entries are per server, not just per model name


def test_openai_insufficient_quota_stops_the_run(openai_rig):
    rig = openai_rig
    rig.fake.queue(Reply(status=429, body={"error": {"message": "You exceeded your current quota",
                                                     "type": "insufficient_quota", "code": "insufficient_quota"}}))
    with pytest.raises(BudgetExceededError, match="quota"):
        rig.engine().recognize(code_frame("v"), CTX)
    assert rig.posts == 1


def test_openai_model_check_lists_what_is_served(openai_rig):
    with pytest.raises(EngineUnavailableError) as ei:
        openai_rig.engine(openai_model="gpt-nope").check()
    assert "gpt-4o-mini" in (ei.value.hint or "")


def test_model_listed_spellings():
    assert model_listed("llava", ["llava:latest"])
    assert model_listed("qwen2-vl", ["Qwen/qwen2-vl"])
    assert not model_listed("llava", ["llama3"])


def test_gemini_retry_info_delay_from_body(gemini_rig):
    rig = gemini_rig
    rig.fake.queue(Reply(status=429, body={"error": {
        "code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.2s"}]}}))
    eng = rig.engine()
    assert eng.recognize(code_frame("w"), CTX).segment_type == "code"
    assert rig.sleeps == [0.2]


def test_gemini_thinking_off_for_flash(gemini_rig):
    rig = gemini_rig
    rig.engine().recognize(code_frame("x"), CTX)
    cfg = rig.fake.generations[0].body["generationConfig"]
    tc = cfg.get("thinkingConfig") or cfg.get("thinking_config")
    assert tc and (tc.get("thinkingBudget", tc.get("thinking_budget"))) == 0


def test_gemini_google_api_key_fallback(gemini_rig, monkeypatch):
    from fakes.vlm_servers import GOOD_KEY

    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GOOGLE_API_KEY", GOOD_KEY)
    eng = gemini_rig.engine()
    eng.check()
    assert eng.recognize(code_frame("y"), CTX).segment_type == "code"
