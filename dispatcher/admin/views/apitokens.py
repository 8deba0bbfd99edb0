"""Admin only: tokens for the JSON API (create with scopes, shown once; revoke)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher.accounts import apitokens
from dispatcher.accounts.models import API_SCOPES
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.pages import auditor, db
from dispatcher.errors import NotFound, ValidationError


@blueprint.get("/api-tokens")
@roles_required("admin")
def api_tokens() -> ResponseReturnValue:
    """Every API token (never the token itself), and a form to create one."""
    return render_template(
        "admin/api_tokens.html",
        tokens=apitokens.list_tokens(db()),
        scopes=API_SCOPES,
        created=None,
        title="API tokens",
    )


@blueprint.post("/api-tokens")
@roles_required("admin")
def api_token_create() -> ResponseReturnValue:
    """Create a token (form: name, scope...) and show it this once."""
    try:
        made = apitokens.create_token(
            db(), auditor(), request.form.get("name", ""), request.form.getlist("scope")
        )
    except ValidationError as exc:
        db().rollback()
        flash(str(exc).capitalize() + ".", "error")
        return redirect(url_for("admin.api_tokens"))
    db().commit()
    page = render_template(
        "admin/api_tokens.html",
        tokens=apitokens.list_tokens(db()),
        scopes=API_SCOPES,
        created=made,
        title="API tokens",
    )
    return page, 200, {"Cache-Control": "no-store"}


@blueprint.post("/api-tokens/<int:token_id>/revoke")
@roles_required("admin")
def api_token_revoke(token_id: int) -> ResponseReturnValue:
    """Revoke a token: it stops working at once."""
    try:
        row = apitokens.revoke_token(db(), auditor(), token_id)
    except NotFound:
        flash("There is no such token.", "error")
        return redirect(url_for("admin.api_tokens"))
    db().commit()
    flash(f"Revoked the token of {row.name}.", "success")
    return redirect(url_for("admin.api_tokens"))
