"""Domain errors shared by every layer; edges translate them to HTTP, TwiML or exit codes."""

from __future__ import annotations


class DispatcherError(Exception):
    """Base class of every error the service raises on purpose."""


class ConfigError(DispatcherError):
    """A setting is missing or invalid; the message names the setting."""


class ValidationError(DispatcherError):
    """Input that cannot be accepted; the message says where and why."""


class NotFound(DispatcherError):
    """A named thing (person, roster, ...) does not exist."""


class Conflict(DispatcherError):
    """The request lost a race or contradicts the current state."""
