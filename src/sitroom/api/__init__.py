"""``sitroom serve``: a REST API and a web UI over one SQLite store.

:func:`create_app` builds the FastAPI app (read-only unless ingest is
allowed); :func:`serve` runs it with uvicorn. Imported lazily by the CLI so
that FastAPI is only needed when serving.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI

from .app import create_app

_ENV = "SITROOM_SERVE_CONFIG"


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8765,
          allow_ingest: bool = False, workers: int = 1) -> None:
    """Serve the API and UI until interrupted (loopback by default: no auth is built in).

    Requests are CPU-bound Python, so one process saturates one core; with
    ``workers`` > 1 uvicorn runs that many processes, each building its app
    from the configuration passed through the environment.
    """
    import uvicorn

    common = {"host": host, "port": port, "log_level": "info", "proxy_headers": False,
              "server_header": False}
    if workers <= 1:
        uvicorn.run(create_app(db_path, allow_ingest=allow_ingest), **common)  # type: ignore[arg-type]
        return
    create_app(db_path, allow_ingest=allow_ingest)   # create/migrate once, before forking
    os.environ[_ENV] = json.dumps({"db": str(Path(db_path).resolve()), "allow_ingest": allow_ingest})
    uvicorn.run("sitroom.api:app_from_env", factory=True, workers=workers, **common)  # type: ignore[arg-type]


def app_from_env() -> FastAPI:
    """The app a uvicorn worker process builds (see :func:`serve`)."""
    config = json.loads(os.environ[_ENV])
    return create_app(config["db"], allow_ingest=bool(config["allow_ingest"]))


__all__ = ["app_from_env", "create_app", "serve"]
