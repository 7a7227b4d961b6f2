"""The FastAPI application: `create_app(settings)` for tests and embedding, `serve(...)` for `pausecode serve`.

`serve` runs one uvicorn process and one job worker process it owns (at a lower CPU priority, so lookups stay
fast while a video is processed): a single command gives the API, the web player and background processing.
More consumers can join with `pausecode worker`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..jobs.queue import JobQueue
from ..jobs.worker import InProcessConsumer
from ..jobs.worker_process import WorkerProcess
from ..settings import Settings, load_settings
from .errors import install_error_handlers
from .fastpath import FastCodePath
from .routes import jobs, media, process, system, videos
from .state import AppState
from .upload import sweep_partial_uploads, sweep_uploads_periodically

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"

DESCRIPTION = """Pause a programming tutorial video, get the exact code on screen.

Process a video by URL (`POST /api/v1/video/process`) or upload (`POST /api/v1/video/upload`), follow the job
(`GET /api/v1/jobs/{job_id}`), then ask for the code at any moment (`GET /api/v1/video/{id}/code?timestamp=`).
Every error has the same JSON shape: `{"success": false, "status", "error", "message"}`.
When the server has an API key, send it as `X-API-Key` or `Authorization: Bearer`."""


class OptionalStaticFiles(StaticFiles):
    """Static files from a folder that may be installed later (vendored assets): every file is a 404 until then."""

    async def check_config(self) -> None:
        if self.directory is not None and not Path(self.directory).is_dir():
            return
        await super().check_config()


class RequestCounter:
    """Pure ASGI middleware (cheap on the hot path): counts API requests for /api/v1/stats."""

    def __init__(self, app: Any, state: AppState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def _send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            self.state.requests.add(scope["method"], scope["path"], status["code"],
                                    (time.perf_counter() - started) * 1000)


def create_app(settings: Settings | None = None, *, run_consumer: bool = False, consumer_workers: int = 1,
               queue: JobQueue | None = None, fast_path: bool = True, consumer_process: bool = False) -> FastAPI:
    """Build the app. With `run_consumer`, job workers start and stop with the app (lifespan): as threads in this
    process, or with `consumer_process` in a child process at a lower CPU priority (`pausecode serve`), so
    lookups stay fast while a job runs.

    `fast_path` answers well-formed code lookups without FastAPI's parameter machinery (same JSON).
    """
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    state = AppState(settings, queue)
    consumer: InProcessConsumer | WorkerProcess | None = None
    if run_consumer:
        consumer = (WorkerProcess(settings, consumer_workers) if consumer_process
                    else InProcessConsumer(state.queue, consumer_workers))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        uploads = settings.data_dir / "uploads"
        await asyncio.to_thread(sweep_partial_uploads, uploads, settings.upload_part_max_age)  # at start-up
        sweeper = asyncio.create_task(
            sweep_uploads_periodically(uploads, settings.upload_part_max_age, settings.upload_sweep_interval))
        if consumer is not None:
            consumer.start()
        try:
            yield
        finally:
            sweeper.cancel()
            if consumer is not None:
                consumer.stop()

    app = FastAPI(title="pausecode", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.pc = state
    app.state.settings = settings
    app.state.consumer = consumer
    install_error_handlers(app)
    for module in (system, videos, media, process, jobs):
        app.include_router(module.router)
    app.include_router(system.api_router)

    if STATIC_DIR.is_dir():

        @app.get("/", include_in_schema=False)
        def index() -> Response:
            return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

        @app.get("/static/run-worker.js", include_in_schema=False)
        def run_worker(request: Request) -> Response:
            """The "Run it" worker runs code read off a video: its own CSP lets it load Pyodide and nothing else
            (no requests to the API, no other scripts), whatever that code tries."""
            pyodide = f"{str(request.base_url).rstrip('/')}/vendor/pyodide/"
            csp = (f"default-src 'none'; script-src {pyodide} 'unsafe-eval' 'wasm-unsafe-eval'; "
                   f"connect-src {pyodide}")
            return FileResponse(STATIC_DIR / "run-worker.js", media_type="text/javascript",
                                headers={"Content-Security-Policy": csp, "Cache-Control": "no-cache"})

        @app.get("/favicon.ico", include_in_schema=False)
        def favicon() -> Response:
            return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon")

        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")  # after the routes above

    # Pyodide for the player's "Run it", installed locally by `make web-assets` (never a CDN). Mounted even when
    # absent: its files then answer 404 and the page says how to install them.
    app.mount("/vendor/pyodide", OptionalStaticFiles(directory=settings.pyodide_path, check_dir=False), name="pyodide")

    if fast_path:
        app.add_middleware(FastCodePath, state=state)  # type: ignore[arg-type]
    app.add_middleware(RequestCounter, state=state)  # type: ignore[arg-type]
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type", "Range"],
            expose_headers=["Content-Range", "Accept-Ranges", "Content-Length", "Content-Disposition", "Location"],
            max_age=600,
        )
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory pausecode.server.app:app_factory` (several uvicorn workers; no consumer inside).

    Settings come from the environment / config file; PAUSECODE_FAST_PATH=0 disables the lookup fast path.
    """
    import os

    return create_app(load_settings(), fast_path=os.environ.get("PAUSECODE_FAST_PATH", "1") != "0")


class _RedactTokens(logging.Filter):
    _pattern = re.compile(r"(token|api_key|key)=[^&\s\"]+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(self._pattern.sub(r"\1=***", a) if isinstance(a, str) else a for a in record.args)
        return True


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, *, consumer_workers: int = 1,
          log_level: str = "info") -> None:
    """Run the API, the web player and a job consumer in this process until interrupted."""
    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_key:
        log.warning("serving on %s without an API key: anyone who can reach it can submit jobs "
                    "(set PAUSECODE_API_KEY)", host)
    logging.getLogger("uvicorn.access").addFilter(_RedactTokens())
    app = create_app(settings, run_consumer=True, consumer_workers=consumer_workers, consumer_process=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
