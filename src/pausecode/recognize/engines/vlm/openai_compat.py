"""OpenAI-compatible engine (official `openai` SDK): OpenAI itself, vLLM, Ollama, LM Studio, other gateways.

Servers differ in what they accept, so the request adapts once per engine instead of failing every frame:
a strict JSON schema first, then plain JSON mode, then free text parsed tolerantly; `temperature` or
`max_tokens` vs `max_completion_tokens` are swapped when a server rejects them. SDK retries are off.
"""

from __future__ import annotations

import base64
import logging
import os
from typing import Any
from urllib.parse import urlparse

import openai

from ....errors import EngineAuthError, EngineUnavailableError
from ...base import register_engine
from .common import (
    SYSTEM_PROMPT,
    USER_PROMPT,
    Failure,
    VLMEngine,
    env_key,
    is_transport_error,
    json_schema,
    parse_retry_after,
    redact,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
MODES = ("json_schema", "json_object", "plain")
LOCAL_DUMMY_KEY = "not-needed"  # local servers ignore the key but the SDK insists on one


def model_listed(model: str, ids: list[str]) -> bool:
    """Ollama lists `llava:latest` for `llava`; gateways list `org/model`. Accept those spellings."""
    return any(i == model or i == f"{model}:latest" or i.endswith(f"/{model}") for i in ids)


@register_engine
class OpenAICompatEngine(VLMEngine):
    name = "openai"
    description = "Any OpenAI-compatible vision chat API (OpenAI, vLLM, Ollama, LM Studio); needs OPENAI_API_KEY."
    auth_hint = "set OPENAI_API_KEY (local servers accept any value)"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base_url: str | None = settings.openai_base_url or os.environ.get("OPENAI_BASE_URL") or None
        host = urlparse(self.base_url).hostname if self.base_url else "api.openai.com"
        self.is_official = host == "api.openai.com"
        key = env_key("OPENAI_API_KEY")
        self._key = key or (None if self.is_official else LOCAL_DUMMY_KEY)
        self._client: openai.OpenAI | None = None
        self.mode = MODES[0]
        self._send_temperature = True
        self._token_param = "max_completion_tokens" if self.is_official else "max_tokens"

    @property
    def model_id(self) -> str:
        m = self.settings.openai_model
        return m if self.is_official else f"{m}@{self.base_url}"

    def _make_client(self) -> Any:
        """Build the SDK client (caller holds client_lock)."""
        if not self._key:
            raise EngineAuthError("openai: no API key in the environment", hint=self.auth_hint)
        self._client = openai.OpenAI(
            api_key=self._key, base_url=self.base_url, timeout=self.settings.vlm_timeout, max_retries=0
        )
        return self._client

    def _ping(self) -> None:
        try:
            ids = [m.id for m in self.client.models.list().data]
        except openai.NotFoundError:
            log.info("openai: server has no /models endpoint; skipping the model check")
            return
        model = self.settings.openai_model
        if ids and not model_listed(model, ids):
            shown = ", ".join(sorted(ids)[:12]) + (" ..." if len(ids) > 12 else "")
            raise EngineUnavailableError(
                f"openai: model {model!r} is not served at {self.base_url or 'api.openai.com'}",
                hint=f"set openai_model to one of: {shown}",
            )

    def _request(self, jpeg: bytes) -> dict[str, Any]:
        s = self.settings
        url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
        kw: dict[str, Any] = {
            "model": s.openai_model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": [
                    {"type": "text", "text": USER_PROMPT},
                    {"type": "image_url", "image_url": {"url": url, "detail": "high"}},
                ]},
            ],
            self._token_param: s.vlm_max_output_tokens,
        }
        if self._send_temperature:
            kw["temperature"] = s.vlm_temperature
        if self.mode == "json_schema":
            kw["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "frame_reading", "schema": json_schema(), "strict": True},
            }
        elif self.mode == "json_object":
            kw["response_format"] = {"type": "json_object"}
        return kw

    def _adapt(self, exc: openai.APIStatusError) -> bool:
        """Change the request after a 400 about an unsupported option; False when nothing is left to try."""
        msg = (exc.message or "").lower()
        if self._send_temperature and "temperature" in msg:
            self._send_temperature = False
        elif self._token_param in msg:
            self._token_param = "max_tokens" if self._token_param == "max_completion_tokens" else "max_completion_tokens"
        elif self.mode != MODES[-1]:
            self.mode = MODES[MODES.index(self.mode) + 1]
        else:
            return False
        log.info("openai: server rejected an option (%s); now mode=%s temperature=%s %s",
                 redact(msg[:160], self._key), self.mode, self._send_temperature, self._token_param)
        return True

    def _generate(self, jpeg: bytes) -> tuple[str | None, bool, dict[str, int]]:
        for _ in range(6):  # bounded: each rejection removes one option
            try:
                resp = self.client.chat.completions.create(**self._request(jpeg))
                break
            except (openai.BadRequestError, openai.UnprocessableEntityError) as e:
                if not self._adapt(e):
                    raise
        else:  # pragma: no cover - _adapt runs out first
            raise EngineUnavailableError("openai: the server rejected every request variant")
        if not resp.choices:
            return None, False, {}
        ch = resp.choices[0]
        usage = {"input": resp.usage.prompt_tokens or 0, "output": resp.usage.completion_tokens or 0} if resp.usage else {}
        return ch.message.content, ch.finish_reason == "length", usage

    def _classify(self, exc: Exception) -> Failure | None:
        if isinstance(exc, openai.APIStatusError):
            code = exc.status_code
            msg = f"HTTP {code}: {(exc.message or '')[:300]}"
            if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
                return Failure("auth", f"the server refused the API key ({msg})")
            if code == 429 and getattr(exc, "code", None) == "insufficient_quota":
                return Failure("stop", f"the account's quota is used up ({msg})")
            if code in RETRYABLE_STATUS:
                return Failure("retry", msg, parse_retry_after(exc.response.headers))
            if code == 404:
                return Failure("fatal", f"model {self.settings.openai_model!r} or endpoint not found ({msg})")
            return Failure("fatal", msg)
        if isinstance(exc, openai.APIConnectionError) or is_transport_error(exc):
            kind = "timed out" if isinstance(exc, openai.APITimeoutError) else "connection failed"
            return Failure("retry", f"request {kind} ({self.base_url or 'api.openai.com'})")
        return None
