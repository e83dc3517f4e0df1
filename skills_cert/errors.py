"""Errors raised by services, carrying messages that are safe to show to the user."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class for domain errors."""


class NotAllowed(ServiceError):
    """The acting user may not do this."""


class InvalidState(ServiceError):
    """The object is not in a state that allows the operation."""


class ValidationFailed(ServiceError):
    """Input was refused. `reasons` maps a field name (or "" for the whole form) to messages."""

    def __init__(self, reasons: dict[str, list[str]]):
        self.reasons = reasons
        super().__init__("; ".join(f"{k or 'form'}: {' '.join(v)}" for k, v in reasons.items()))

    @property
    def messages(self) -> list[str]:
        """Every reason's message, for places that show them in one list."""
        return [message for messages in self.reasons.values() for message in messages]

    @classmethod
    def single(cls, field: str, message: str) -> "ValidationFailed":
        return cls({field: [message]})
