"""The domain error hierarchy. Each error has a stable code that clients can rely on."""


class DomainError(Exception):
    """A rule of the domain refused an action."""

    code = "domain_error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class AccessDenied(DomainError):
    """The actor may see the object but may not take this action (403)."""

    code = "access_denied"


class NotFound(DomainError):
    """The object is missing or the actor may not see it; the two are never told apart (404)."""

    code = "not_found"


class TransitionNotAllowed(DomainError):
    """The workflow does not allow this step from the current stage."""

    code = "transition_not_allowed"


class ConflictError(DomainError):
    """Someone else changed the object first; reload and try again."""

    code = "conflict"
