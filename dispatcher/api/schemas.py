"""The API's bodies as pydantic models: validated on the way out, and the source of the
OpenAPI document's schemas (``openapi.py``), so the two cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Every body: closed (no extra fields), immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonRef(Model):
    """A person as other bodies name them."""

    id: int
    name: str


class OnCall(Model):
    """Who the schedule has on call on a roster at an instant (availability not applied)."""

    roster: str
    at: datetime
    people: list[PersonRef]


class RosterOut(Model):
    """A roster and the trainings it requires."""

    id: int
    name: str
    kind: str = Field(description="advocate, hotel or ride")
    timezone: str
    requires_training: str | None
    juvenile_training: str | None


class ShiftOut(Model):
    """One on-call period, [start, end), as ``dispatcher shifts`` computes it."""

    start: datetime
    end: datetime
    person: PersonRef


class PersonOut(Model):
    """A person; ``phone`` (E.164) only for tokens with the manage scope."""

    id: int
    name: str
    languages: list[str]
    coordinator: bool
    active: bool
    phone: str | None = None


class Problem(Model):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


class RosterList(Model):
    """Every roster, by name."""

    rosters: list[RosterOut]


class ShiftList(Model):
    """The shifts of one roster overlapping [from, to)."""

    roster: str
    shifts: list[ShiftOut]


class PersonList(Model):
    """Every person, by name."""

    people: list[PersonOut]


class NeedOut(Model):
    """One need of a request and its state."""

    kind: str = Field(description="advocate, room, ride or a configured need's key")
    state: str = Field(description="paging, accepted, unfilled, done or cancelled")


class RequestOut(Model):
    """A request: its code, needs and tags, never anyone's words."""

    code: str
    status: str
    opened_at: datetime
    tags: list[str] = Field(description="juvenile, lang:es, ...")
    needs: list[NeedOut]


class RequestList(Model):
    """Every open request, oldest first."""

    requests: list[RequestOut]


class OpenRequestIn(Model):
    """Open a request for a listed officer: what is needed, as values (no words)."""

    officer_id: int = Field(description="A listed, active officer")
    needs: list[str] = Field(
        default=["advocate"],
        min_length=1,
        description="Need keys: advocate, room, ride, or a configured need (GET /admin/needs)",
    )
    juvenile: bool = False
    language: Literal["en", "es"] | None = Field(
        default=None, description="The language the person helped speaks"
    )


BODIES: tuple[type[Model], ...] = (
    PersonRef, OnCall, RosterOut, ShiftOut, PersonOut, Problem, RosterList, ShiftList, PersonList,
    NeedOut, RequestOut, RequestList, OpenRequestIn,
)  # fmt: skip
