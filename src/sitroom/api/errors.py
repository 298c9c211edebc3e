"""One JSON error shape for every failure, so clients parse errors in one place.

``{"error": {"code": "...", "message": "...", "detail": ...}}`` for 4xx from
bad parameters, 404s, validation errors, and 500s (with no traceback).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("sitroom.api")

_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_parameter",
    500: "internal_error", 503: "unavailable",
}


class ApiError(Exception):
    """A client-facing error: raised anywhere, rendered in the one error shape."""

    def __init__(self, status: int, message: str, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.detail = detail


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail}}


def error_response(status: int, code: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, detail), status_code=status, headers=headers)


def _clean_validation(errors: Any) -> list[dict[str, Any]]:
    """Validation errors without the echoed input (it may be huge or hostile)."""
    out = []
    for e in errors:
        out.append({
            "loc": [str(x) for x in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        })
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Route every error path through :func:`error_response`."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(status, "error")
        headers = getattr(exc, "headers", None)
        return error_response(status, _CODES.get(status, "error"), message, None, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean_validation(exc.errors())
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(x for x in first["loc"] if x not in ("query", "path", "body"))
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return error_response(422, "invalid_parameter", message, details)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in sitroom api", exc_info=exc)
        return error_response(500, "internal_error", "internal server error")
