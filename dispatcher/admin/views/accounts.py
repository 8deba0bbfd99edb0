"""Admin only: accounts (create, change role, deactivate) and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher.accounts import service
from dispatcher.accounts.models import ROLES, User
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import AccountForm, RoleForm
from dispatcher.admin.pages import auditor, db, get_or_404
from dispatcher.audit import audit_page
from dispatcher.errors import Conflict, ValidationError

PER_PAGE = 50


@blueprint.route("/accounts", methods=["GET", "POST"])
@roles_required("admin")
def accounts() -> ResponseReturnValue:
    """Every account, and a form to create one."""
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = service.create_account(
                db(), auditor(), form.email.data, form.password.data, form.role.data
            )
        except (ValidationError, Conflict) as exc:
            db().rollback()
            form.email.errors.append(str(exc))
        else:
            db().commit()
            flash(f"Created {user.role} account {user.email}.", "success")
            return redirect(url_for("admin.accounts"))
    users = service.list_users(db())
    return render_template(
        "admin/accounts.html", users=users, form=form, roles=ROLES, title="Accounts"
    )


@blueprint.post("/accounts/<int:user_id>/role")
@roles_required("admin")
def account_role(user_id: int) -> ResponseReturnValue:
    """Give an account another role."""
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    _change(user, lambda: service.set_role(db(), user, form.role.data))
    return redirect(url_for("admin.accounts"))


@blueprint.post("/accounts/<int:user_id>/active")
@roles_required("admin")
def account_active(user_id: int) -> ResponseReturnValue:
    """Deactivate an account (its sessions end at once) or reactivate it (form ``active``)."""
    user = get_or_404(User, user_id)
    if request.form.get("active") == "1":
        _change(user, lambda: service.reactivate(db(), user))
    else:
        _change(user, lambda: service.deactivate(db(), user))
    return redirect(url_for("admin.accounts"))


@blueprint.get("/audit")
@roles_required("admin")
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first, 50 entries a page."""
    page = request.args.get("page", 1, type=int) or 1
    found = audit_page(db(), page, PER_PAGE)
    pages = max((found.total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("admin/audit.html", log=found, page=page, pages=pages, title="Audit log")


def _change(user: User, apply: Callable[[], None]) -> None:
    """Apply a change to ``user``, audit and commit it, or explain why it was refused."""
    try:
        service.change_account(db(), auditor(), user, apply)
    except (ValidationError, Conflict) as exc:
        db().rollback()
        flash(str(exc), "error")
        return
    db().commit()
    flash(f"Saved {user.email}.", "success")
