"""Property-based run over the OpenAPI schema (schemathesis, in-process ASGI): no input makes the server fail."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from conftest_server import make_video, save_fake_result, settings_for
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pausecode.server.app import create_app

_TMP = Path(tempfile.mkdtemp(prefix="pausecode-schema-"))
atexit.register(shutil.rmtree, _TMP, True)
_SETTINGS = settings_for(_TMP, allow_private_urls=True, max_upload_mb=1)  # no DNS lookups in this run
save_fake_result(_SETTINGS, "vid_demo01", path=make_video(_TMP / "clip.mp4"))
APP = create_app(_SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_input_causes_a_server_error(case) -> None:
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, content_type_conformance,
                                   status_code_conformance])


def test_schema_run_covers_every_endpoint() -> None:
    ops = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    for expected in ("GET /api/v1/video/{video_id}/code", "POST /api/v1/video/process", "POST /api/v1/video/upload",
                     "DELETE /api/v1/jobs/{job_id}", "GET /api/v1/video/{video_id}/media", "GET /health"):
        assert expected in ops
