"""The admin pages' forms (Flask-WTF: every form carries and checks a CSRF token).

Forms check shape only (required, lengths, choices); the rules that need the database or
a time zone live in the views and services, which report through the same fields.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from dispatcher.accounts.models import ROLES
from dispatcher.accounts.passwords import MIN_LENGTH
from dispatcher.languages import LANGUAGE_LABELS, SPOKEN
from dispatcher.rosters.contacts import Refused
from dispatcher.rosters.models import (
    OVERRIDE_ACTIONS,
    ROSTER_KINDS,
    ROTATION_TYPES,
    STEP_TARGETS,
    WEEKDAYS,
)
from dispatcher.rosters.officernames import EXPECTED_FORM, to_officer_name
from dispatcher.rosters.targets import StepTarget
from dispatcher.rosters.traits import SKILLS

try:  # WTForms 3.3 names choices; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
NOBODY = 0  # the "no one" choice of optional person selects


def options(pairs: Iterable[tuple[Any, str]]) -> list[Any]:
    """Choices for a select field from (value, label) pairs."""
    if SelectChoice is None:  # pragma: no cover
        return list(pairs)
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def same(values: Iterable[str]) -> list[Any]:
    """Choices whose labels are their values."""
    return options((value, value) for value in values)


class PersonSelect(Select):  # type: ignore[misc]
    """WTForms' select with a quicker option writer: a person picker lists hundreds.

    The options are written as WTForms writes them (``<option selected value="3">``).
    """

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> str:
        """One ``<option>``; WTForms' own writer when it has extra attributes. The widget
        joins the options and marks the whole as safe, so plain (escaped) text will do."""
        if choice.render_kw or kwargs:
            written: Markup = Select.render_option(choice, **kwargs)
            return written
        return _option(str(choice.value), str(choice.label or choice.value), choice.selected)


@functools.lru_cache(maxsize=8192)
def _option(value: str, label: str, selected: bool) -> str:
    """``<option>`` text, its value and label escaped; remembered, since a page shows the
    same people in several pickers and every page load shows them again."""
    chosen = " selected" if selected else ""
    return f'<option{chosen} value="{escape(value)}">{escape(label)}</option>'


def person_field(label: str, **kwargs: Any) -> Any:
    """A select of people by id (choices are set by the view)."""
    return SelectField(label, coerce=int, widget=PersonSelect(), **kwargs)


class CheckboxList(ListWidget):  # type: ignore[misc]
    """WTForms' list of checkboxes with a quicker writer: a partner's contact picker lists
    every active person, and WTForms builds a field, a label and a sorted attribute set for
    each (about 30 ms a render for 500 people).

    Written as WTForms writes it (``<li><input checked id="contacts-0" name="contacts"
    type="checkbox" value="3"> <label for="contacts-0">Ana</label></li>``); WTForms' own
    writer when the field or a choice has extra attributes or flags.
    """

    def __init__(self) -> None:
        super().__init__(prefix_label=False)

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        """The ``<ul>`` of the field's choices, each a checkbox and its label."""
        choices = field.iter_choices()
        flags = field.flags
        if field.render_kw or flags.required or flags.disabled or any(c.render_kw for c in choices):
            written: Markup = super().__call__(field, **kwargs)
            return written
        kwargs.setdefault("id", field.id)
        name = escape(field.name)
        html = [f"<ul {html_params(**kwargs)}>"]
        for index, choice in enumerate(choices):
            box = escape(f"{field.id}-{index}")
            checked = "checked " if choice.selected else ""
            label = escape(choice.label or choice.value)
            html.append(
                f'<li><input {checked}id="{box}" name="{name}" type="checkbox"'
                f' value="{escape(choice.value)}"> <label for="{box}">{label}</label></li>'
            )
        html.append("</ul>")
        return Markup("".join(html))  # noqa: S704 (every value above is escaped)


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """Several choices as a list of checkboxes (screen readers announce each one)."""

    widget = CheckboxList()
    option_widget = CheckboxInput()


# How pages reach a person (rosters.channels.CHOICES), as the person form offers them.
CHANNEL_LABELS = {
    "sms": "Text messages",
    "voice": "Phone calls",
    "sms,voice": "A text, then a call",
    "voice,sms": "A call, then a text",
}


class LoginForm(FlaskForm):  # type: ignore[misc]
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


PHONE_HELP = "For example (262) 555-0101; a number abroad starts with + and its country code."


class PersonForm(FlaskForm):  # type: ignore[misc]
    """Someone who can be paged."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    phone = StringField(
        "Mobile number",
        description=PHONE_HELP,
        validators=[DataRequired(), Length(max=40)],
    )
    languages = MultiCheckboxField(
        "Languages spoken",
        choices=options(SPOKEN.items()),
        description="Requests that ask for a language page these people first",
    )
    skills = MultiCheckboxField(
        "Skills",
        choices=options(SKILLS.items()),
        description="Requests that ask for a skill (a juvenile) page these people first",
    )
    language = SelectField(
        "Texts in",
        choices=options(LANGUAGE_LABELS.items()),
        default="en",
        description="The language of the pages and replies they get",
    )
    channels = SelectField(
        "Paged by",
        choices=options(CHANNEL_LABELS.items()),
        default="sms",
        description="A second channel is used when a page is still open after the "
        "roster's voice_after; someone who texted STOP is called",
    )
    coordinator = BooleanField("Coordinator (paged when escalation reaches coordinators)")
    remind_hours = SelectField(
        "Shift reminder",
        coerce=int,
        choices=options([(0, "Off")] + [(h, f"{h} h before each shift") for h in range(1, 25)]),
        default=2,
        description="A text before each of their shifts; reply AWAY if they cannot",
    )
    away_until = DateTimeLocalField(
        "Away until", format=LOCAL_FORMAT, validators=[Optional()], description="Leave empty"
    )


class RosterForm(FlaskForm):  # type: ignore[misc]
    """A roster's name, kind and time zone."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    kind = SelectField("Kind", choices=same(ROSTER_KINDS))
    timezone = StringField(
        "Time zone", validators=[DataRequired(), Length(max=64)], description="e.g. America/Chicago"
    )


class RotationForm(FlaskForm):  # type: ignore[misc]
    """A rotation's grid: type, length and first handoff (wall time in the roster's zone)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    type = SelectField("Hands off", choices=same(ROTATION_TYPES), default="weekly")
    length = IntegerField(
        "Every", default=1, validators=[InputRequired(), NumberRange(min=1, max=1000)]
    )
    start = DateTimeLocalField("First handoff", format=LOCAL_FORMAT, validators=[DataRequired()])


class WindowForm(FlaskForm):  # type: ignore[misc]
    """When a rotation is on duty; ``to`` at or before ``from`` runs past midnight."""

    days = MultiCheckboxField(
        "Days", choices=options((d, d.title()) for d in WEEKDAYS), validators=[DataRequired()]
    )
    starts = TimeField("From", validators=[InputRequired()])
    ends = TimeField("To", validators=[InputRequired()])


class PersonChoiceForm(FlaskForm):  # type: ignore[misc]
    """One person picked from a list (add a participant, set who is on now)."""

    person = person_field("Person", validators=[InputRequired()])


class OverrideForm(FlaskForm):  # type: ignore[misc]
    """Add, remove or replace a person for a period (wall times in the roster's zone)."""

    action = SelectField("Change", choices=same(OVERRIDE_ACTIONS))
    person = person_field("Person", validators=[InputRequired()])
    replaces = person_field("Instead of (replace only)", default=NOBODY)
    starts = DateTimeLocalField("From", format=LOCAL_FORMAT, validators=[DataRequired()])
    ends = DateTimeLocalField("Until", format=LOCAL_FORMAT, validators=[DataRequired()])


class StepForm(FlaskForm):  # type: ignore[misc]
    """One escalation step: whom to page, then how long to wait."""

    notify = SelectField("Page", choices=same([*STEP_TARGETS, StepTarget.MUTUAL_AID]))
    person = person_field("Person (for person only)", default=NOBODY)
    region = SelectField(
        "Region (for mutual-aid only)",
        coerce=int,
        default=NOBODY,
        description="Pages the on-call person of that region's roster of this kind.",
    )
    wait = StringField(
        "Then wait", default="5m", validators=[DataRequired(), Length(max=20)], description="5m"
    )


class RepeatForm(FlaskForm):  # type: ignore[misc]
    """How many times the whole policy runs again after the first pass."""

    repeat = IntegerField("Repeat", validators=[InputRequired(), NumberRange(min=0, max=20)])


class CheckinForm(FlaskForm):  # type: ignore[misc]
    """How often whoever accepts an in-person need of the roster checks in (0: never)."""

    minutes = IntegerField(
        "Safety check-in every (minutes)",
        validators=[InputRequired(), NumberRange(min=0, max=720)],
        description="5 to 720 minutes; 0 turns check-ins off for this roster.",
    )


class DrillForm(FlaskForm):  # type: ignore[misc]
    """A drill to start: which roster, now or at a random time within a window."""

    roster = SelectField("Roster", coerce=int, validators=[InputRequired()])
    within = StringField(
        "At a random time within",
        validators=[Optional(), Length(max=20)],
        description="Blank to start now; or a window such as 2h, 30m or 1d (at most 14 days).",
    )


class RegionForm(FlaskForm):  # type: ignore[misc]
    """A region: its name, its agencies and the rosters that serve it (choices by the view)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    agencies = MultiCheckboxField("Agencies in this region", coerce=int)
    rosters = MultiCheckboxField(
        "Rosters that serve it",
        coerce=int,
        description="A roster no region names serves every region.",
    )


class NeedForm(FlaskForm):  # type: ignore[misc]
    """A kind of need: key, the roster kind serving it, labels and intake words per language."""

    key = StringField(
        "Key",
        validators=[DataRequired(), Length(max=20)],
        description="Lower-case letters, digits or _, as the call log and statistics name it "
        "(sane, legal, interpreter).",
    )
    roster_kind = StringField(
        "Roster kind that serves it",
        validators=[DataRequired(), Length(max=20)],
        description="Rosters of this kind are paged for the need.",
    )
    role = StringField(
        "Role of whoever takes it",
        validators=[Optional(), Length(max=40)],
        description="How the officer is told who is coming (nurse, lawyer); the roster kind "
        "when left empty.",
    )
    label_en = StringField("Label in English", validators=[DataRequired(), Length(max=60)])
    label_es = StringField("Label in Spanish", validators=[Optional(), Length(max=60)])
    words_en = StringField(
        "Intake words in English",
        validators=[DataRequired(), Length(max=1000)],
        description="Separated by commas; a negated mention (no lawyer needed) opens nothing.",
    )
    words_es = StringField("Intake words in Spanish", validators=[Optional(), Length(max=1000)])
    learns = MultiCheckboxField(
        "What whoever accepts learns, beyond the agency, the code and how to reach the officer",
        choices=options(
            [("tags", "The request's tags (juvenile, language)"), ("words", "The officer's words")]
        ),
    )  # fmt: skip
    in_person = BooleanField("Goes to the scene (safety check-ins)")


class PartnerForm(FlaskForm):  # type: ignore[misc]
    """A partner organisation (contact choices by the view)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    need = SelectField(
        "Need it gives",
        choices=[],
        validators=[DataRequired()],  # the configured needs
    )
    contacts = MultiCheckboxField(
        "Contacts (the people who answer its pages)",
        coerce=int,
        description="Each must also be on a roster of the need's kind to be paged.",
    )
    address = StringField(
        "Address",
        validators=[Optional(), Length(max=300)],
        description="Texted only to the officer and the advocate of a request it takes.",
    )
    pledge = IntegerField(
        "Pledge a month",
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
        description="Room-nights for a room, rides for a ride; 0 for no set limit.",
    )
    unit_value = IntegerField(
        "Value of one unit (dollars)",
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description="For the in-kind report; leave empty when unknown.",
    )
    features = MultiCheckboxField(
        "It offers",
        choices=options([("carseat", "A car seat"), ("wheelchair", "Wheelchair access")]),
    )


class ThanksForm(FlaskForm):  # type: ignore[misc]
    """Which quarter a partner's thank-you summary covers."""

    quarter = StringField("Quarter", validators=[DataRequired(), Length(max=7)])


class AgencyForm(FlaskForm):  # type: ignore[misc]
    """A requesting agency."""

    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    kind = StringField("Kind", default="police", validators=[DataRequired(), Length(max=40)])
    enrollment = SelectField(
        "Enrollment by text",
        choices=options(
            [("open", "open: JOIN enrolls at once"), ("approve", "a coordinator approves")]
        ),
        default="open",
    )


def _officer_name(form: FlaskForm, field: StringField) -> None:
    """An officer's name must be a rank and a name (``rosters.officernames``)."""
    try:
        field.data = to_officer_name(field.data or "")
    except ValueError as exc:
        raise FieldError(f"Must be {EXPECTED_FORM}.") from exc


# An officer's language may be left unset (English until they write in another one).
OFFICER_LANGUAGES = options([("", "Not set"), *LANGUAGE_LABELS.items()])


class OfficerForm(FlaskForm):  # type: ignore[misc]
    """An officer allowed to open requests."""

    name = StringField(
        "Rank and name", validators=[DataRequired(), _officer_name], description=EXPECTED_FORM
    )
    phone = StringField(
        "Mobile number",
        description=PHONE_HELP,
        validators=[DataRequired(), Length(max=40)],
    )
    language = SelectField(
        "Texts in",
        choices=OFFICER_LANGUAGES,
        default="",
        description="Not set: English, until they write in Spanish",
    )


class AccountForm(FlaskForm):  # type: ignore[misc]
    """A new account for the admin pages."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=same(ROLES), default="coordinator")
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024)],
        description=f"At least {MIN_LENGTH} characters",
    )
    confirm = PasswordField(
        "Password again", validators=[EqualTo("password", message="The passwords differ")]
    )


class RoleForm(FlaskForm):  # type: ignore[misc]
    """Another role for an account."""

    role = SelectField("Role", choices=same(ROLES))


class RosterFileForm(FlaskForm):  # type: ignore[misc]
    """A roster file to import."""

    file = FileField("Roster file (TOML)", validators=[FileRequired()])


def show_problems(form: FlaskForm, refused: Refused) -> None:
    """Put each problem of a refused change under its field of ``form``."""
    for field, why in refused.problems.items():
        getattr(form, field).errors.append(why)


class SignupForm(FlaskForm):  # type: ignore[misc]
    """A month of open shifts: which month, the sign-up deadline (roster's zone), and the
    slots: the rotations' pattern, or typed one a line."""

    month = StringField(
        "Month",
        validators=[DataRequired(), Length(max=7)],
        description="As 2026-12.",
    )
    deadline = DateTimeLocalField("Sign up by", format=LOCAL_FORMAT, validators=[DataRequired()])
    source = SelectField(
        "Slots",
        choices=options([("pattern", "The rotations' shifts"), ("typed", "The slots typed below")]),
        default="pattern",
    )
    slots = TextAreaField(
        "Typed slots",
        validators=[Optional(), Length(max=40_000)],
        description="One a line, as 2026-12-05 08:00-20:00 (an end before the start is the "
        "next day).",
    )
