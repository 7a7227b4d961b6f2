"""REST API and web player: FastAPI app over `PauseToCodeService` and the job queue."""

from __future__ import annotations

__all__ = ["create_app", "serve"]


def __getattr__(name: str):  # keep `import pausecode.server` cheap
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
