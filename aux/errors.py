"""The one application error type. Services raise it; pages show it, the API maps it to JSON."""


class ApplicationError(Exception):
    """A rule of the marketplace refused the action. `status` is the HTTP code the API answers."""

    status = 400

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class PermissionDeniedError(ApplicationError):
    status = 403


class NotFoundError(ApplicationError):
    status = 404


class ConflictError(ApplicationError):
    """The object is not in a state that allows this (an illegal transition, a duplicate)."""

    status = 409
