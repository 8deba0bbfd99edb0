"""dispatcher: on-call dispatch and messaging for anti-trafficking coalitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(**kwargs: Any) -> Flask:
    """Build the Flask application (see ``dispatcher.app.create_app``).

    Imported lazily so that the domain packages can be used without loading Flask.
    """
    from dispatcher.app import create_app as build

    return build(**kwargs)
