"""Kinds of need: the configured table, which roster kind serves each; add one, audited."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.forms import NeedForm, show_problems
from dispatcher.admin.pages import auditor, db
from dispatcher.rosters import needstore
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import Roster

EDITORS = ("coordinator",)


@blueprint.route("/needs", methods=["GET", "POST"])
@roles_required(*EDITORS)
def needs() -> ResponseReturnValue:
    """Every kind of need with the rosters that serve it; add a need."""
    form = NeedForm()
    if not form.is_submitted():
        form.learns.data = ["tags"]  # by default, only the advocate hears the officer's words
    if form.validate_on_submit():
        try:
            spec = needstore.add_need(db(), auditor(), _fields(form))
        except Refused as refused:
            show_problems(form, refused)
        else:
            db().commit()
            flash(f"Added the need {spec.key}.", "success")
            return redirect(url_for("admin.needs"))
    rosters: dict[str, list[str]] = {}
    for roster in db().scalars(select(Roster).order_by(Roster.name)):
        rosters.setdefault(roster.kind, []).append(roster.name)
    table = needstore.current(db())
    return render_template(
        "admin/needs.html", needs=table.specs, rosters=rosters, form=form, title="Needs"
    )


def _fields(form: NeedForm) -> needstore.NeedFields:
    """The form's need, its texts split by language."""
    labels = {"en": form.label_en.data or "", "es": form.label_es.data or ""}
    words = {"en": _words(form.words_en.data), "es": _words(form.words_es.data)}
    return needstore.NeedFields(
        key=(form.key.data or "").strip().lower(),
        roster_kind=(form.roster_kind.data or "").strip().lower(),
        role=(form.role.data or "").strip(),
        labels={language: text for language, text in labels.items() if text.strip()},
        words=words,
        learns=tuple(form.learns.data or ()),
        in_person=bool(form.in_person.data),
    )


def _words(text: str | None) -> tuple[str, ...]:
    """Comma-separated words, each stripped, empty ones left out."""
    return tuple(word.strip() for word in (text or "").split(",") if word.strip())
