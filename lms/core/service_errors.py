"""The one base of every refusal a service gives, so views and the API handle them alike.

A service raises a ``ServiceError`` kind with a ``code`` (a short word such as
``closed`` or ``not_draft``); a view turns the code into a message, the API into a status
and a JSON body. Each area defines its own kind (``EventError``, ``RegistrationError``)
so callers can tell which area refused.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refused operation; ``code`` says why (for messages and API errors)."""

    code = "refused"

    def __init__(self, code: str | None = None) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code


class PermissionDenied(ServiceError):
    """The acting user may not do this."""

    code = "forbidden"
