"""The coordinators' admin pages: one blueprint, one views module per area.

Adding an area is one module in ``views/`` (imported by ``views/__init__``), its templates
and one ``AREAS`` entry in ``blueprint`` (shown to the roles its view allows).
"""

from __future__ import annotations

from flask import Flask

from dispatcher.admin import auth, display, views
from dispatcher.admin.blueprint import AREAS, Area, blueprint

__all__ = ["AREAS", "Area", "blueprint", "display", "init_app", "views"]


def init_app(app: Flask) -> None:
    """Mount the admin pages at /admin with sign-in, role checks and their filters."""
    auth.init_app(app)
    app.register_blueprint(blueprint)
