"""The JSON API under ``/api/v1``: token-authenticated, described by OpenAPI 3.1.

Cookies never authenticate here (only ``Authorization: Bearer``), so CSRF does not apply
and the blueprint is exempt from it. Errors are RFC 9457 problem details.
"""

from __future__ import annotations

from dispatcher.api.views import blueprint

__all__ = ["blueprint"]
