"""``sitroom serve``: a REST API and a web UI over one SQLite store.

:func:`create_app` builds the FastAPI app (read-only unless ingest is
allowed); :func:`serve` runs it with uvicorn. Imported lazily by the CLI so
that FastAPI is only needed when serving.
"""

from __future__ import annotations

from pathlib import Path

from .app import create_app


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8765,
          allow_ingest: bool = False) -> None:
    """Serve the API and UI until interrupted (loopback by default: no auth is built in)."""
    import uvicorn

    uvicorn.run(create_app(db_path, allow_ingest=allow_ingest), host=host, port=port,
                log_level="info", proxy_headers=False, server_header=False)


__all__ = ["create_app", "serve"]
