"""Errors that services raise and every edge (API, page) renders the same way.

A service raises one of these with a Chinese message for the user; the API turns
it into ``{"code", "message", "errors"}`` with the status below, a page shows the
message beside the form or as an alert.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request that the rules refuse. Nothing was changed."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        basis: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.basis = basis
        self.errors = errors or ([{"field": field, "message": message}] if field else [])

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message, "errors": self.errors}
        if self.basis:
            data["basis"] = self.basis
        return data


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    """Missing or outside the actor's data scope: the two look the same."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "对象不存在或无权访问", **kw: Any) -> None:
        super().__init__(message, **kw)


class Forbidden(DomainError):
    """The actor's role may not perform this action (the object is in scope)."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str = "当前角色无权执行此操作", **kw: Any) -> None:
        super().__init__(message, **kw)


class Conflict(DomainError):
    """The object's state changed under the request (e.g. already approved)."""

    status = 409
    code = "conflict"
