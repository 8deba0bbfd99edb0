"""Rotations: their grid, duty windows, participants in order, and who is on now."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.display import format_when
from dispatcher.admin.forms import PersonChoiceForm, RotationForm, WindowForm, options
from dispatcher.admin.pages import auditor, confirm_page, confirmed, db, get_or_404, now, tell
from dispatcher.admin.views.rosters import (
    EDITORS,
    edit_roster,
    flow_context,
    load_roster,
    render_roster,
    told_note,
)
from dispatcher.errors import Conflict, ValidationError
from dispatcher.flows.rota import tell_on_call_changes
from dispatcher.rosters.changes import (
    add_participant,
    add_window,
    audited,
    move_participant,
    remove_participant,
    remove_rotation,
    remove_window,
    save_rotation,
)
from dispatcher.rosters.handover import (
    Kept,
    OnCallChange,
    edit_rotation,
    on_call_change,
    people_to_offer,
    upcoming_periods,
)
from dispatcher.rosters.models import (
    Person,
    Roster,
    Rotation,
    RotationParticipant,
    RotationWindow,
)
from dispatcher.rosters.rotation import shift_at
from dispatcher.rosters.service import roster_specs, set_on_now

MOVES = {"up": -1, "down": 1}
FROM_NOW = "now"
# The rotation page's sections, where the confirmations of their changes show.
PARTICIPANTS, ON_NOW, WINDOWS, GRID = "participants", "on-now", "windows", "grid"


def _rotation(rotation_id: int) -> tuple[Roster, Rotation]:
    """The rotation and its fully loaded roster; 404 if none."""
    roster_id = get_or_404(Rotation, rotation_id).roster_id
    roster = load_roster(roster_id)
    return roster, next(r for r in roster.rotations if r.id == rotation_id)


Part = TypeVar("Part", RotationParticipant, RotationWindow)


def _part_of(
    model: type[Part], part_id: int, parts: Callable[[Rotation], list[Part]]
) -> tuple[Roster, Rotation, Part]:
    """A participant's place or a window by id (``parts``: the rotation's list of them),
    with its rotation and roster; 404 if none."""
    roster, found = _rotation(get_or_404(model, part_id).rotation_id)
    return roster, found, next(p for p in parts(found) if p.id == part_id)


def _windows(rotation: Rotation) -> list[RotationWindow]:
    """The rotation's duty windows."""
    return rotation.windows


def _places(rotation: Rotation) -> list[RotationParticipant]:
    """The rotation's participants, in order."""
    return rotation.participants


def _back(rotation: Rotation, place: str | None = None) -> ResponseReturnValue:
    """Back to the rotation's page (at its section ``place``)."""
    return redirect(url_for("admin.rotation", rotation_id=rotation.id, _anchor=place))


def _fields(form: RotationForm) -> tuple[str, str, int, Any]:
    """The form's name, type, length and start."""
    return form.name.data, form.type.data, form.length.data, form.start.data


@blueprint.post("/rosters/<int:roster_id>/rotations")
@roles_required(*EDITORS)
def rotation_add(roster_id: int) -> ResponseReturnValue:
    """Add a rotation to a roster, then go to its page to add participants."""
    roster = load_roster(roster_id)
    form = RotationForm(prefix="rotation")
    added: list[Rotation] = []

    def add() -> None:
        """Add the rotation and keep it, to go to its page."""
        added.append(save_rotation(db(), roster, None, _fields(form)))

    if form.validate_on_submit() and edit_roster(roster, add, "Added the rotation.", form):
        return _back(added[0])
    return render_roster(load_roster(roster_id), status=400, rotation_form=form)


@blueprint.route("/rotations/<int:rotation_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def rotation(rotation_id: int) -> ResponseReturnValue:
    """A rotation's page; POST changes its name, type, length or first handoff."""
    roster, found = _rotation(rotation_id)
    if request.method == "GET":
        return render_rotation(roster, found)
    form = RotationForm(prefix="rotation", obj=found)

    def answer() -> ResponseReturnValue | None:
        """The rotation saved, timed as chosen."""
        edit = partial(save_rotation, db(), roster, found, _fields(form))
        return change_rotation(roster, found, edit, "Saved the rotation.", form, GRID)

    return rotation_form_post(roster, found, form, "rotation_form", answer)


@blueprint.post("/rotations/<int:rotation_id>/delete")
@roles_required(*EDITORS)
def rotation_delete(rotation_id: int) -> ResponseReturnValue:
    """Delete a rotation (the form must carry ``confirm=yes``)."""
    roster, found = _rotation(rotation_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the deletion.", "error")
        return _back(found)
    edit_roster(roster, partial(remove_rotation, db(), roster, found), "Deleted the rotation.")
    return redirect(url_for("admin.roster", roster_id=roster.id))


@blueprint.post("/rotations/<int:rotation_id>/windows")
@roles_required(*EDITORS)
def window_add(rotation_id: int) -> ResponseReturnValue:
    """Restrict the rotation to a duty window."""
    roster, found = _rotation(rotation_id)
    form = WindowForm(prefix="window")

    def answer() -> ResponseReturnValue | None:
        """The window added (at once: windows have no timing)."""
        edit = partial(add_window, db(), found, form.days.data, form.starts.data, form.ends.data)
        added = edit_roster(roster, edit, "Added the window.", form, WINDOWS)
        return _back(found, WINDOWS) if added else None

    return rotation_form_post(roster, found, form, "window_form", answer)


@blueprint.post("/windows/<int:window_id>/delete")
@roles_required(*EDITORS)
def window_delete(window_id: int) -> ResponseReturnValue:
    """Lift one duty window."""
    roster, found, window = _part_of(RotationWindow, window_id, _windows)
    edit = partial(remove_window, db(), found, window)
    edit_roster(roster, edit, "Removed the window.", place=WINDOWS)
    return _back(found, WINDOWS)


@blueprint.post("/rotations/<int:rotation_id>/participants")
@roles_required(*EDITORS)
def participant_add(rotation_id: int) -> ResponseReturnValue:
    """Put a person at the end of the rotation's order."""
    roster, found = _rotation(rotation_id)
    form = PersonChoiceForm(prefix="participant")
    form.person.choices = options(_offered(roster, found))

    def answer() -> ResponseReturnValue | None:
        """The person added at the end, timed as chosen (a refusal is flashed)."""
        person = get_or_404(Person, form.person.data)
        edit = partial(add_participant, db(), found, person)
        added = f"Added {person.name} to the rotation."
        return change_rotation(roster, found, edit, added, place=PARTICIPANTS)

    return rotation_form_post(roster, found, form, "participant_form", answer)


@blueprint.post("/participants/<int:place_id>/move")
@roles_required(*EDITORS)
def participant_move(place_id: int) -> ResponseReturnValue:
    """Move a participant up or down the order (form ``direction``)."""
    roster, found, place = _part_of(RotationParticipant, place_id, _places)
    step = MOVES.get(request.form.get("direction", ""), 0)
    edit = partial(move_participant, db(), found, place, step)
    moved = f"Moved {place.person.name} {request.form.get('direction')}."
    return change_rotation(roster, found, edit, moved, place=PARTICIPANTS) or _back(found)


@blueprint.post("/participants/<int:place_id>/remove")
@roles_required(*EDITORS)
def participant_remove(place_id: int) -> ResponseReturnValue:
    """Take a participant out of the order, once the coordinator has confirmed what that
    changes (from now, the confirmation lists who goes on and off call instead)."""
    roster, found, place = _part_of(RotationParticipant, place_id, _places)
    name = place.person.name
    if request.form.get("when") != FROM_NOW and not confirmed():
        return _confirm_removal(found, place)
    edit = partial(remove_participant, db(), found, place)
    removed = change_rotation(roster, found, edit, f"Removed {name}.", place=PARTICIPANTS)
    return removed or _back(found)


def _confirm_removal(found: Rotation, place: RotationParticipant) -> ResponseReturnValue:
    """The page that asks before a participant is taken out of the order."""
    name, number = place.person.name, found.participants.index(place) + 1
    rest = [p.person.name for p in found.participants if p is not place]
    after = ", ".join(rest) if rest else "no one (the rotation will cover no time)"
    return confirm_page(
        f"Remove {name} from rotation {found.name}?",
        [
            f"{name} is number {number} of {len(found.participants)} in the order; "
            f"the order becomes: {after}.",
            "The change applies from the next handoff: whoever is on call now stays on "
            "until then. To apply it at once, choose “Apply changes from now” first.",
        ],
        f"Remove {name}",
        url_for("admin.rotation", rotation_id=found.id, _anchor=PARTICIPANTS),
    )


@blueprint.post("/rotations/<int:rotation_id>/on-now")
@roles_required(*EDITORS)
def rotation_on_now(rotation_id: int) -> ResponseReturnValue:
    """Make a participant on now; the order continues from them on the same grid."""
    roster, found = _rotation(rotation_id)
    form = PersonChoiceForm(prefix="onnow")
    form.person.choices = options(_participant_choices(found))

    def answer() -> ResponseReturnValue:
        """The person put on now (a refusal is flashed)."""
        person = get_or_404(Person, form.person.data)
        edit = partial(set_on_now, db(), found, person, now())
        edit_roster(roster, edit, f"{person.name} is on now for {found.name}.", place=ON_NOW)
        return _back(found, ON_NOW)

    return rotation_form_post(roster, found, form, "on_now_form", answer)


def rotation_form_post(
    roster: Roster,
    found: Rotation,
    form: FlaskForm,
    form_name: str,
    answer: Callable[[], ResponseReturnValue | None],
) -> ResponseReturnValue:
    """A form of the rotation page posted: when it validates, ``answer()`` applies its
    change and gives the page to go to (None: refused, the errors are on ``form``);
    otherwise the rotation page again with ``form`` (as ``form_name``) and its errors."""
    if form.validate_on_submit():
        done = answer()
        if done is not None:
            return done
        roster, found = _rotation(found.id)
    return render_rotation(roster, found, 400, **{form_name: form})


def render_rotation(
    roster: Roster, found: Rotation, status: int = 200, **forms: Any
) -> ResponseReturnValue:
    """The rotation page; ``forms`` replace the blank forms (to show their errors)."""
    specs, _ = roster_specs(db(), roster)
    spec = specs[roster.rotations.index(found)]
    participant = PersonChoiceForm(prefix="participant", formdata=None)
    participant.person.choices = options(_offered(roster, found))
    on_now = PersonChoiceForm(prefix="onnow", formdata=None)
    on_now.person.choices = options(_participant_choices(found))
    context = {
        "roster": roster,
        "rotation": found,
        "zone": ZoneInfo(roster.timezone),
        "shift": shift_at(spec, now()) if found.participants else None,
        "names": {p.person_id: p.person.name for p in found.participants},
        "rotation_form": RotationForm(prefix="rotation", formdata=None, obj=found),
        "window_form": WindowForm(prefix="window", formdata=None),
        "participant_form": participant,
        "on_now_form": on_now,
        "when": FROM_NOW if request.args.get("when") == FROM_NOW else "",
        "title": f"{roster.name}: {found.name}",
        **forms,
    }
    return render_template("admin/rotation.html", **context), status


def _participant_choices(found: Rotation) -> list[tuple[int, str]]:
    """(id, name) of each participant once, in rotation order."""
    return list({p.person_id: p.person.name for p in found.participants}.items())


def _offered(roster: Roster, found: Rotation) -> list[tuple[int, str]]:
    """(id, name) of the people the participant picker offers (``people_to_offer``)."""
    return [(p.id, p.name) for p in people_to_offer(db(), roster, found)]


def change_rotation(
    roster: Roster,
    found: Rotation,
    edit: Callable[[], object],
    done: str,
    form: RotationForm | None = None,
    place: str | None = None,
) -> ResponseReturnValue | None:
    """Apply a rotation edit from the next handoff, or from now (form ``when=now``).

    From now, a first post answers the confirmation page (who goes on and off call) and
    changes nothing; the page posts again with ``confirm=yes``. People whose next 24 hours
    on call change are texted. Returns a redirect, the confirmation page, or None when
    the edit was refused (the error is on ``form`` or flashed). The confirmation shows at
    the page's section ``place``.
    """
    from_now = request.form.get("when") == FROM_NOW
    at = now()
    if from_now and request.form.get("confirm") != "yes":
        return _confirm_from_now(roster, found, edit, at)
    before = upcoming_periods(db(), roster, at)
    kept: list[Kept | None] = []

    def apply() -> None:
        """The edit, timed as chosen."""
        kept.append(edit_rotation(db(), roster, found, edit, at, from_now=from_now))

    try:
        audited(db(), auditor(), roster, apply)
        moved = on_call_change(db(), before, upcoming_periods(db(), roster, at))
        told = tell_on_call_changes(db(), flow_context(at), roster, moved)
    except (ValidationError, Conflict) as exc:
        db().rollback()
        message = str(exc).capitalize() + "."
        if form is None:
            tell(message, "error", place)
            return _back(found, place)
        form.form_errors.append(message)
        return None
    db().commit()
    tell(" ".join([done, *_kept_note(kept, roster), *told_note(told)]), "success", place)
    return _back(found, place)


def _kept_note(kept: list[Kept | None], roster: Roster) -> list[str]:
    """Who stays on until the next handoff, for the confirmation message."""
    if not kept or kept[0] is None:
        return []
    until = format_when(kept[0].until, ZoneInfo(roster.timezone))
    return [f"{kept[0].person.name} stays on call until {until}; the change applies from then."]


def _confirm_from_now(
    roster: Roster, found: Rotation, edit: Callable[[], object], at: Any
) -> ResponseReturnValue:
    """Try the edit from now, list who goes on and off call, undo it, ask to confirm."""
    before = upcoming_periods(db(), roster, at)
    try:
        edit_rotation(db(), roster, found, edit, at, from_now=True)
        moved = _described(on_call_change(db(), before, upcoming_periods(db(), roster, at)), roster)
    except (ValidationError, Conflict) as exc:
        db().rollback()
        flash(str(exc).capitalize() + ".", "error")
        return _back(found)
    names = (roster.name, found.name, found.id)
    db().rollback()
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token",)]
    context = {
        "roster_name": names[0],
        "rotation_name": names[1],
        "rotation_id": names[2],
        "moved": moved,
        "fields": fields,
        "title": f"Confirm: {names[0]}: {names[1]}",
    }
    return render_template("admin/rotation_confirm.html", **context)


def _described(moved: list[OnCallChange], roster: Roster) -> list[dict[str, Any]]:
    """Each person's periods gained and lost, as text in the roster's zone."""
    zone = ZoneInfo(roster.timezone)

    def spans(found: tuple[tuple[Any, Any], ...]) -> list[str]:
        """``Tue 10 Mar 20:00 to Wed 11 Mar 08:00`` for each span."""
        return [f"{format_when(a, zone)} to {format_when(b, zone)}" for a, b in found]

    return [{"name": c.person.name, "on": spans(c.on), "off": spans(c.off)} for c in moved]
