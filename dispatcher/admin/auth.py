"""Who may open which admin page: sign-in, roles, idle timeout, security headers.

Every admin view carries ``roles_required``; a view without it is refused (deny by
default). Sign-ins are rate-limited per account and per address (``accounts.service``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from dispatcher import web
from dispatcher.accounts import service, throttle
from dispatcher.accounts.models import User
from dispatcher.admin.blueprint import AREAS, Area, blueprint
from dispatcher.admin.forms import LoginForm

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()

# Endpoints anyone may open; every other admin endpoint names its roles.
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.logout", "admin.static"})
# The session key holding the account's session generation at sign-in.
GENERATION = "generation"
# Requests the page makes by itself (the board's refresh): they do not count as activity.
PASSIVE_ENDPOINTS = frozenset({"admin.now_board"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Account:
    """The signed-in account as Flask-Login sees it (id, email, role)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User) -> None:
        """Copy what the pages need of ``user`` (never its password hash)."""
        self.id = user.id
        self.email = user.email
        self.role = user.role

    def get_id(self) -> str:
        """The id kept in the session cookie."""
        return str(self.id)


def init_app(app: Flask) -> None:
    """Set up Flask-Login on ``app`` (CSRF protection is app-wide, see ``web.csrf``)."""
    # Referrer-Policy no-referrer means browsers send no Referer to compare with the host,
    # so the token and SameSite cookies carry the defence, not Flask-WTF's referrer check.
    app.config.update(
        WTF_CSRF_SSL_STRICT=False,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=app.config.get("SESSION_COOKIE_SECURE", False),
    )
    login_manager.init_app(app)
    login_manager.user_loader(_load_account)
    login_manager.unauthorized_handler(_ask_to_sign_in)


def _load_account(user_id: str) -> Account | None:
    """The account behind a session, if it still exists, is active and the session was
    issued since its last sign-out, password change or deactivation (its generation)."""
    if not user_id.isdigit():
        return None
    user = web.db_session().get(User, int(user_id))
    if user is None or not user.active or session.get(GENERATION) != user.session_generation:
        return None
    return Account(user)


def _ask_to_sign_in() -> Response:
    """Send an anonymous visitor to the sign-in page, remembering where they were going."""
    flash("Please sign in to open that page.", "info")
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in accounts with one of ``roles`` (or admins) open the view.

    Anonymous visitors are sent to sign in; other roles get 403. The allowed roles are
    kept on the view as ``roles`` (the navigation and the tests read them).
    """
    allowed = frozenset({*roles, "admin"})

    def decorate(view: F) -> F:
        """Wrap ``view`` in the check."""

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            """Run the view for an allowed account only."""
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.roles = allowed  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def allowed_roles(endpoint: str) -> frozenset[str]:
    """The roles that may open ``endpoint`` (empty for unknown or undecorated views)."""
    view = current_app.view_functions.get(endpoint)
    roles: frozenset[str] = getattr(view, "roles", frozenset())
    return roles


def may_open(endpoint: str) -> bool:
    """True when the current account may open ``endpoint``."""
    return bool(current_user.is_authenticated and current_user.role in allowed_roles(endpoint))


def sees_contacts() -> bool:
    """True when the current account may see phone numbers (coordinators and admins)."""
    return bool(current_user.is_authenticated and current_user.role in ("admin", "coordinator"))


def sees_exact_counts() -> bool:
    """True when the current account sees exact statistics (coordinators and admins).

    Viewers see counts rounded to 5 and small ones as "fewer than 5", as funders do.
    """
    return bool(current_user.is_authenticated and current_user.role in ("admin", "coordinator"))


def actor() -> str:
    """The audit log's name for the signed-in account."""
    return str(current_user.email)


@blueprint.before_request
def _guard() -> ResponseReturnValue | None:
    """Refuse views without roles, and sign out accounts idle for too long."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    view = current_app.view_functions.get(endpoint)
    if view is not None and not hasattr(view, "roles"):
        abort(403)
    if current_user.is_authenticated:
        return _enforce_idle_timeout(endpoint)
    return None


def _enforce_idle_timeout(endpoint: str) -> ResponseReturnValue | None:
    """Sign out after ``session_idle`` without activity; otherwise note this activity."""
    runtime = web.runtime()
    now = runtime.clock.now().timestamp()
    seen = session.get("seen_at")
    if (
        not isinstance(seen, (int, float))
        or now - seen > runtime.settings.session_idle.total_seconds()
    ):
        logout_user()
        session.clear()
        flash("You were signed out after a while without activity. Please sign in again.")
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    if endpoint not in PASSIVE_ENDPOINTS and not request.args.get("auto"):
        session["seen_at"] = now
    return None


@blueprint.after_request
def _security_headers(response: Response) -> Response:
    """Security headers on every admin response; pages are never cached."""
    response.headers.update(SECURITY_HEADERS)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "admin.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: say so plainly and change nothing."""
    message = "This form had expired or was not sent from this site. Nothing was changed."
    return render_template("admin/error.html", title="Form refused", message=message), 400


@blueprint.errorhandler(403)
def _forbidden(_error: Exception) -> ResponseReturnValue:
    """The account's role may not open this page."""
    message = "Your account's role does not allow this page. Ask an admin if you need it."
    return render_template("admin/error.html", title="Not allowed", message=message), 403


@blueprint.errorhandler(404)
def _not_found(_error: Exception) -> ResponseReturnValue:
    """Nothing here (a deleted roster, a mistyped address)."""
    message = "There is nothing at this address; it may have been deleted."
    return render_template("admin/error.html", title="Not found", message=message), 404


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in with email and password; repeated failures make further attempts wait."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form)
    runtime, db = web.runtime(), web.db_session()
    now, address = runtime.clock.now(), request.remote_addr or "unknown"
    email, password = form.email.data or "", form.password.data or ""
    limit = runtime.settings.login_attempts
    allowed = throttle.claim(db, email, address, now, limit)
    db.commit()  # the attempt is counted before its password is checked
    if not allowed:
        flash("Too many failed sign-ins. Wait a little and try again.", "error")
        return render_template("admin/login.html", form=form), 429
    user = service.authenticate(db, email, password, now)
    if user is None:
        db.commit()
        flash("That email and password do not match an active account.", "error")
        return render_template("admin/login.html", form=form), 401
    throttle.succeeded(db, email, address, limit)
    db.commit()
    session.clear()  # a fresh session: no fixation across sign-in
    login_user(Account(user))
    session.permanent = True
    session["seen_at"] = now.timestamp()
    session[GENERATION] = user.session_generation
    return redirect(_safe_next(request.args.get("next")))


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out: every session of this account ends (its cookies stop working)."""
    if current_user.is_authenticated:
        db = web.db_session()
        service.end_sessions(db, service.get_user(db, int(current_user.id)))
        db.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("admin.login"))


@blueprint.get("/home")
@roles_required("viewer", "coordinator")
def home() -> ResponseReturnValue:
    """Go to the first page this account may open, or say there is none yet."""
    for entry in navigation():
        return redirect(url_for(entry.endpoint))
    return render_template("admin/home.html")


def _safe_next(target: str | None) -> str:
    """``target`` if it is a path inside the admin pages, else the home page."""
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return url_for("admin.home")


def navigation() -> list[Area]:
    """The areas the signed-in account may open, in menu order."""
    return [area for area in AREAS if may_open(area.endpoint)]
