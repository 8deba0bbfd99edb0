"""The roster file: download the current data as TOML, upload a file to apply.

An upload is checked whole with the same checks and messages as ``dispatcher roster
import``; on any problem nothing is written and every problem is listed on the page.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import RosterFileForm
from dispatcher.admin.pages import auditor, db, now
from dispatcher.rosters.file import (
    ApplySummary,
    RosterFileError,
    apply_roster_file,
    export_roster_file,
    load_roster_file,
)

EDITORS = ("coordinator",)


@blueprint.get("/roster-file")
@roles_required(*EDITORS)
def roster_file() -> ResponseReturnValue:
    """The download link and the upload form."""
    return render_template(
        "admin/rosterfile.html", form=RosterFileForm(), errors=(), title="Roster file"
    )


@blueprint.get("/roster-file/download")
@roles_required(*EDITORS)
def roster_file_download() -> ResponseReturnValue:
    """Every person, roster and agency as a roster file (the export is audited)."""
    text = export_roster_file(db())
    name = f"roster-{now().astimezone(web.runtime().settings.zone):%Y-%m-%d}.toml"
    auditor().record(db(), "export", "roster_file", None, None, {"to": name})
    db().commit()
    return Response(
        text,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.post("/roster-file")
@roles_required(*EDITORS)
def roster_file_upload() -> ResponseReturnValue:
    """Check an uploaded roster file whole and apply it, or list every problem."""
    form = RosterFileForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/rosterfile.html", form=form, errors=(), title="Roster file"
        ), 400
    upload = form.file.data
    name = upload.filename or "upload.toml"
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        errors: tuple[str, ...] = (f"{name}: not a UTF-8 text file",)
    else:
        try:
            summary = _apply(text, name)
        except RosterFileError as exc:
            db().rollback()
            errors = exc.errors
        else:
            db().commit()
            flash(f"Applied {name}: {summary}".replace("\n", "; "), "success")
            return redirect(url_for("admin.roster_file"))
    return render_template(
        "admin/rosterfile.html", form=form, errors=errors, source=name, title="Roster file"
    ), 400


def _apply(text: str, name: str) -> ApplySummary:
    """Load, check and apply ``text``; every change is audited by the signed-in account."""
    config = web.runtime().settings
    data = load_roster_file(
        text, name=name, region=config.default_region, hotline=config.hotline_number
    )
    return apply_roster_file(db(), data, auditor())
