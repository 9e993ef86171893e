"""Domain errors raised by services; the API and pages turn them into clear Vietnamese messages."""


class DomainError(Exception):
    """A forbidden or invalid move. `code` is stable for clients, `message` is for people."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class ConflictError(DomainError):
    code = "conflict"
    status = 409
