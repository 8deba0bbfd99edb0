"""The Twilio signature check every Twilio-facing view goes through.

The signed URL is the configured public base URL plus the path and query exactly as they
arrived, never ``request.url``: werkzeug decodes escapes such as ``%27`` there, which
breaks the signature.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlparse

from flask import abort, request
from twilio.request_validator import RequestValidator, add_port, compare, remove_port

from dispatcher import web

SIGNATURE_HEADER = "X-Twilio-Signature"
# What a WSGI server leaves escaped in a path (RFC 3986 sub-delims, ":" and "@").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])


def expected_url(base_url: str, raw_path: str, query_string: str | bytes) -> str:
    """The URL Twilio signed: base URL, raw path, and the raw query when there is one."""
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    url = base_url.rstrip("/") + raw_path
    return f"{url}?{query_string}" if query_string else url


def request_url(base_url: str, environ: dict[str, Any]) -> str:
    """The signed URL for a WSGI request, from its raw URI when the server provides one."""
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path, _, query = str(raw_uri).partition("?")
        return expected_url(base_url, path, query)
    script = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    path = quote(script.encode("latin-1"), safe=_PATH_SAFE)
    return expected_url(base_url, path, environ.get("QUERY_STRING", ""))


def signature_is_valid() -> bool:
    """True when the current request carries a valid X-Twilio-Signature.

    Valid as for ``RequestValidator.validate``: signed over the URL without its port or
    with it (Twilio's signing is inconsistent there), compared in constant time. The
    variants are tried in turn, so a valid request costs one HMAC rather than two.
    """
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return False
    settings = web.runtime().settings
    url = request_url(settings.public_base_url, request.environ)
    validator = _validator(settings.twilio_auth_token)
    return any(
        compare(validator.compute_signature(signed, request.form), signature)
        for signed in url_variants(url)
    )


@functools.lru_cache(maxsize=4)
def _validator(auth_token: str) -> RequestValidator:
    """The validator for ``auth_token`` (it only holds the encoded token)."""
    return RequestValidator(auth_token)


@functools.lru_cache(maxsize=256)
def url_variants(url: str) -> tuple[str, str]:
    """``url`` without its port, then with its scheme's port: the two URLs Twilio may
    have signed (as ``RequestValidator.validate`` tries them)."""
    parsed = urlparse(url)
    return remove_port(parsed), add_port(parsed)


def signature_for(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio would send with ``params`` posted to ``url``
    (the simulator signs its calls' requests with it, as Twilio would)."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


def twilio_signature_required(view: View) -> View:
    """Refuse (403, before the view runs) any request not signed by Twilio for this URL."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not signature_is_valid():
            reason = "missing" if SIGNATURE_HEADER not in request.headers else "invalid"
            log.warning("twilio.signature_rejected path=%s reason=%s", request.path, reason)
            abort(403)
        return view(*args, **kwargs)

    return cast(View, checked)
