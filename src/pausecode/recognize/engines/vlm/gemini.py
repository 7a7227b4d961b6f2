"""Gemini engine (official `google-genai` SDK): one downscaled JPEG in, schema-constrained JSON out.

The SDK's own retries are switched off so `VLMEngine` decides when and how long to wait (and tests can see it).
The endpoint can be moved (proxy, fake server in tests) with `gemini_base_url` or `GOOGLE_GEMINI_BASE_URL`.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from ....errors import EngineAuthError
from ...base import register_engine
from .common import (
    SYSTEM_PROMPT,
    USER_PROMPT,
    Failure,
    VLMEngine,
    env_key,
    gemini_schema,
    is_transport_error,
    parse_retry_after,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
_DELAY = re.compile(r"^\s*([0-9.]+)s\s*$")


def _retry_info_delay(details: Any) -> float | None:
    """Gemini puts the wait in the error body (google.rpc.RetryInfo retryDelay "37s"), not always a header."""
    try:
        items = details.get("error", details).get("details") or []
        for d in items:
            if str(d.get("@type", "")).endswith("RetryInfo"):
                m = _DELAY.match(str(d.get("retryDelay", "")))
                if m:
                    return float(m.group(1))
    except AttributeError:
        return None
    return None


@register_engine
class GeminiEngine(VLMEngine):
    name = "gemini"
    description = "Google Gemini vision model via google-genai (needs GEMINI_API_KEY); structured JSON output."
    auth_hint = "set GEMINI_API_KEY (or GOOGLE_API_KEY) to a valid Gemini API key"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._key = env_key("GEMINI_API_KEY", "GOOGLE_API_KEY")
        self._client: genai.Client | None = None
        self.base_url = getattr(settings, "gemini_base_url", None) or os.environ.get("GOOGLE_GEMINI_BASE_URL")

    @property
    def model_id(self) -> str:
        return self.settings.gemini_model

    def _make_client(self) -> Any:
        """Build the SDK client (caller holds client_lock)."""
        if not self._key:
            raise EngineAuthError("gemini: no API key in the environment", hint=self.auth_hint)
        opts = types.HttpOptions(
            base_url=self.base_url or None,
            api_version="v1beta",
            timeout=max(1, int(self.settings.vlm_timeout * 1000)),
            retry_options=None,  # no SDK retries: ours honour Retry-After and are counted
        )
        self._client = genai.Client(api_key=self._key, vertexai=False, http_options=opts)
        return self._client

    def _config(self) -> types.GenerateContentConfig:
        s = self.settings
        cfg: dict[str, Any] = {
            "system_instruction": SYSTEM_PROMPT,
            "temperature": s.vlm_temperature,
            "max_output_tokens": s.vlm_max_output_tokens,
            "response_mime_type": "application/json",
            "response_schema": types.Schema.model_validate(gemini_schema()),
            "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
        }
        if s.gemini_model.startswith("gemini-2.5-flash"):
            # Transcribing a screen needs no reasoning; thinking tokens would be billed as output.
            cfg["thinking_config"] = types.ThinkingConfig(thinking_budget=0)
        return types.GenerateContentConfig(**cfg)

    def _ping(self) -> None:
        self.client.models.get(model=self.settings.gemini_model)

    def _generate(self, jpeg: bytes) -> tuple[str | None, bool, dict[str, int]]:
        resp = self.client.models.generate_content(
            model=self.settings.gemini_model,
            contents=[types.Part.from_bytes(data=jpeg, mime_type="image/jpeg"), USER_PROMPT],
            config=self._config(),
        )
        cands = resp.candidates or []
        truncated = bool(cands) and cands[0].finish_reason == types.FinishReason.MAX_TOKENS
        text = None
        if cands and cands[0].content and cands[0].content.parts:
            text = "".join(p.text for p in cands[0].content.parts if p.text and not p.thought)
        um = resp.usage_metadata
        usage = {"input": (um.prompt_token_count or 0) if um else 0,
                 "output": (um.candidates_token_count or 0) if um else 0}
        return text, truncated, usage

    def _classify(self, exc: Exception) -> Failure | None:
        if isinstance(exc, genai_errors.APIError):
            code = int(exc.code or 0)
            msg = f"HTTP {code} {exc.status or ''}: {(exc.message or '')[:300]}".strip()
            text = f"{exc.message} {exc.details}".lower()
            if code in (401, 403) or (code == 400 and ("api key" in text or "api_key_invalid" in text)):
                return Failure("auth", f"the API key was rejected ({msg})")
            if code in RETRYABLE_STATUS:
                headers = getattr(getattr(exc, "response", None), "headers", None)
                wait = parse_retry_after(headers)
                if wait is None:
                    wait = _retry_info_delay(exc.details)
                return Failure("retry", msg, wait)
            if code == 404:
                return Failure("fatal", f"model {self.settings.gemini_model!r} not found ({msg})")
            return Failure("fatal", msg)
        if isinstance(exc, genai_errors.UnknownApiResponseError):
            return Failure("retry", f"unreadable response from the server: {str(exc)[:200]}")
        if is_transport_error(exc):
            return Failure("retry", f"{type(exc).__name__}: {str(exc)[:200] or 'network error'}")
        return None
