"""The roster file: download the current data as TOML, upload a file, confirm, undo.

An upload is checked whole with the same checks and messages as ``dispatcher roster
import``; on any problem nothing is written and every problem is listed on the page.
A good file is not applied at once: the page lists what it would change (and, for a file
older than the data, what it would undo, by name) and applies it only when the
coordinator confirms; the file's text is posted back with the confirmation (CSRF). The
last upload can be undone from the page.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import RosterFileForm
from dispatcher.admin.pages import auditor, db, now
from dispatcher.admin.views.rosters import flow_context, told_note
from dispatcher.errors import Conflict, NotFound, ValidationError
from dispatcher.flows.rota import tell_what_moved, upcoming_by_roster
from dispatcher.rosters.file import (
    RosterFile,
    RosterFileError,
    export_roster_file,
    load_roster_file,
)
from dispatcher.rosters.file.export import data_version
from dispatcher.rosters.file.uploads import (
    apply_upload,
    last_upload,
    preview_upload,
    undo_last_upload,
)

EDITORS = ("coordinator",)
TITLE = "Roster file"


def _page(form: RosterFileForm, status: int = 200, **context: object) -> ResponseReturnValue:
    """The roster file page with the last upload (to undo) and ``context``."""
    context.setdefault("errors", ())
    upload = last_upload(db())
    return render_template(
        "admin/rosterfile.html", form=form, upload=upload, title=TITLE, **context
    ), status


@blueprint.get("/roster-file")
@roles_required(*EDITORS)
def roster_file() -> ResponseReturnValue:
    """The download link, the upload form and the last upload."""
    return _page(RosterFileForm())


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
    """Check an uploaded roster file whole and show what it would change, or every problem."""
    form = RosterFileForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    upload = form.file.data
    name = (upload.filename or "upload.toml")[:200]
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        return _page(form, 400, errors=(f"{name}: not a UTF-8 text file",), source=name)
    return _preview(text, name, form)


@blueprint.post("/roster-file/apply")
@roles_required(*EDITORS)
def roster_file_apply() -> ResponseReturnValue:
    """Apply a previewed file (its text posted back), unless the data changed meanwhile."""
    text, name = request.form.get("text", ""), request.form.get("source", "upload.toml")[:200]
    if request.form.get("version") != str(data_version(db())):
        flash("The roster data changed since this preview: check the changes again.", "error")
        return _preview(text, name, RosterFileForm(formdata=None))
    at = now()
    before = upcoming_by_roster(db(), at)
    try:
        summary = apply_upload(db(), _load(text, name), auditor())
        told = tell_what_moved(db(), flow_context(at), before)
    except RosterFileError as exc:
        db().rollback()
        return _page(RosterFileForm(formdata=None), 400, errors=exc.errors, source=name)
    db().commit()
    flash(" ".join([f"Applied {name}: {summary}".replace("\n", "; "), *told_note(told)]), "success")
    return redirect(url_for("admin.roster_file"))


@blueprint.post("/roster-file/undo")
@roles_required(*EDITORS)
def roster_file_undo() -> ResponseReturnValue:
    """Put the data back as it was before the last upload (audited)."""
    config = web.runtime().settings
    at = now()
    before = upcoming_by_roster(db(), at)
    try:
        upload = undo_last_upload(
            db(), auditor(), region=config.default_region, hotline=config.hotline_number
        )
        told = tell_what_moved(db(), flow_context(at), before)
    except (NotFound, Conflict, ValidationError) as exc:
        db().rollback()
        flash(f"Nothing was undone: {exc}.", "error")
    else:
        db().commit()
        undone = f"Undid the upload of {upload.source}: the data is as it was before."
        flash(" ".join([undone, *told_note(told)]), "success")
    return redirect(url_for("admin.roster_file"))


def _preview(text: str, name: str, form: RosterFileForm) -> ResponseReturnValue:
    """The change list of ``text`` with the confirmation form, or its problems."""
    try:
        preview = preview_upload(db(), _load(text, name), auditor())
    except RosterFileError as exc:
        db().rollback()
        return _page(form, 400, errors=exc.errors, source=name)
    db().rollback()
    return render_template(
        "admin/rosterfile_preview.html",
        preview=preview,
        text=text,
        source=name,
        title=f"{TITLE}: {name}",
    )


def _load(text: str, name: str) -> RosterFile:
    """``text`` read as a roster file named ``name`` (problems in its ``errors``)."""
    config = web.runtime().settings
    return load_roster_file(
        text, name=name, region=config.default_region, hotline=config.hotline_number
    )
