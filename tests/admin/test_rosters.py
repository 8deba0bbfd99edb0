"""The roster pages: rotations, participants, on now, windows, overrides, policy, timeline."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.flows.models import OutboxMessage
from dispatcher.rosters.models import EscalationStep, Person, Region, Roster, Rotation
from tests.support.admin import Store, Visitor

# The clock stands at Tue 10 Mar 2026 12:00 UTC = 07:00 in Chicago (CDT).


@pytest.fixture
def people(store: Store) -> dict[str, int]:
    """Ana, Ben and Cy, by name."""
    with store.scope() as session:
        found = {
            name: Person(name=name, phone=f"+1262555010{i}", languages=[], skills=[])
            for i, name in enumerate(("Ana", "Ben", "Cy"))
        }
        session.add_all(found.values())
    return {name: person.id for name, person in found.items()}


@pytest.fixture
def roster_url(coordinator: Visitor, people: dict[str, int]) -> str:
    """A daily advocate roster handing off at 08:00, with Ana then Ben."""
    created = coordinator.post(
        "/admin/rosters", {"name": "Advocates", "kind": "advocate", "timezone": "America/Chicago"}
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    url = created.headers["Location"]
    added = coordinator.post(
        f"{url}/rotations",
        {
            "rotation-name": "nights",
            "rotation-type": "daily",
            "rotation-length": "1",
            "rotation-start": "2026-03-09T08:00",
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    rotation_url = added.headers["Location"]
    for name in ("Ana", "Ben"):
        response = coordinator.post(
            f"{rotation_url}/participants", {"participant-person": people[name]}
        )
        assert response.status_code == 302
    return url


def on_call_now(page: str) -> str:
    return re.search(r"<strong>On call now:</strong>\s*(.*?)</p>", page, re.S).group(1).strip()


def rotation_of(store: Store) -> Rotation:
    return store.one(select(Rotation))


def test_the_rotation_puts_its_first_participant_on_call(
    coordinator: Visitor, roster_url: str
) -> None:
    page = coordinator.text(roster_url)
    assert on_call_now(page) == "Ana"
    assert "07:00" not in on_call_now(page)
    assert "08:00–24:00" in page and "Ben" in page  # the timeline of today


def test_setting_who_is_on_now_changes_the_order_from_now(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    rotation = rotation_of(store)
    response = coordinator.post(
        f"/admin/rotations/{rotation.id}/on-now", {"onnow-person": people["Ben"]}
    )
    assert response.status_code == 302
    assert on_call_now(coordinator.text(roster_url)) == "Ben"
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert entry.entity == "roster" and entry.action == "update"
    assert entry.new["rotations"][0]["on_now"]["person"] == "Ben"
    assert "on_now" not in entry.old["rotations"][0]


def test_moving_participants_keeps_whoever_is_on_now(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    rotation = rotation_of(store)
    coordinator.post(
        f"/admin/rotations/{rotation.id}/participants", {"participant-person": people["Cy"]}
    )
    coordinator.post(f"/admin/rotations/{rotation.id}/on-now", {"onnow-person": people["Ben"]})
    with store.scope() as session:
        places = session.scalars(select(Rotation)).one().participants
        cy = places[2].id
    assert (
        coordinator.post(f"/admin/participants/{cy}/move", {"direction": "up"}).status_code == 302
    )
    with store.scope() as session:
        rotation = session.scalars(select(Rotation)).one()
        assert [p.person.name for p in rotation.participants] == ["Ana", "Cy", "Ben"]
        assert rotation.participants[rotation.on_now_index].person.name == "Ben"
    assert on_call_now(coordinator.text(roster_url)) == "Ben"


def _ben_on_now_with_cy(coordinator: Visitor, people: dict[str, int], store: Store) -> int:
    """Ana, Ben, Cy with Ben set on now; returns Ben's place id."""
    rotation = rotation_of(store)
    coordinator.post(
        f"/admin/rotations/{rotation.id}/participants", {"participant-person": people["Cy"]}
    )
    coordinator.post(f"/admin/rotations/{rotation.id}/on-now", {"onnow-person": people["Ben"]})
    with store.scope() as session:
        return session.scalars(select(Rotation)).one().participants[1].id


def texted(store: Store) -> list[int | None]:
    """Who got an on-call notice, by person id, in order."""
    found = store.all(select(OutboxMessage).order_by(OutboxMessage.id))
    return [m.person_id for m in found if m.template == "on_call_changed"]


def test_removing_the_participant_on_now_keeps_them_until_the_handoff(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    ben = _ben_on_now_with_cy(coordinator, people, store)
    before = texted(store)
    asked = coordinator.post(f"/admin/participants/{ben}/remove")
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Remove Ben from rotation nights?" in question
    assert "Ben is number 2 of 3 in the order; the order becomes: Ana, Cy." in question
    assert "whoever is on call now stays on until then" in question
    with store.scope() as session:  # nothing changed yet
        assert len(session.scalars(select(Rotation)).one().participants) == 3
    response = coordinator.post(f"/admin/participants/{ben}/remove", {"confirm": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#participants")
    rotation_page = coordinator.text(response.headers["Location"])
    notice = rotation_page.index('id="participants-notices"')
    assert rotation_page.index('<h2 id="participants">') < notice  # beside the list
    assert "Ben stays on call until Tue 10 Mar 2026, 08:00 CDT" in rotation_page[notice:]
    page = coordinator.text(roster_url)
    assert on_call_now(page) == "Ben"  # until 08:00, then Cy
    assert "08:00–24:00\n      Cy" in page
    assert texted(store)[len(before) :] == []  # nobody's next 24 hours moved


def test_removing_from_now_asks_first_then_hands_over_and_texts(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    ben = _ben_on_now_with_cy(coordinator, people, store)
    before = texted(store)
    asked = coordinator.post(f"/admin/participants/{ben}/remove", {"when": "now"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Apply this change from now?" in page
    assert (
        "<strong>Ben</strong>\n      \n      <br>goes off call Tue 10 Mar 2026, 07:00 CDT" in page
    )
    assert "<strong>Cy</strong>\n      <br>goes on call Tue 10 Mar 2026, 07:00 CDT" in page
    assert on_call_now(coordinator.text(roster_url)) == "Ben"  # nothing changed yet
    done = coordinator.post(f"/admin/participants/{ben}/remove", {"when": "now", "confirm": "yes"})
    assert done.status_code == 302
    assert on_call_now(coordinator.text(roster_url)) == "Cy"
    # Cy takes over now, so Ana's turn comes at 08:00 instead of tomorrow: all three moved.
    assert sorted(texted(store)[len(before) :]) == sorted(people.values())


def test_the_picker_offers_only_people_not_in_the_rotation(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    rotation = rotation_of(store)
    page = coordinator.text(f"/admin/rotations/{rotation.id}")
    picker = page[page.index('name="participant-person"') :]
    picker = picker[: picker.index("</select>")]
    assert "Cy" in picker and "Ana" not in picker and "Ben" not in picker


def test_a_window_leaves_the_other_hours_uncovered(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    rotation = rotation_of(store)
    response = coordinator.post(
        f"/admin/rotations/{rotation.id}/windows",
        {
            "window-days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "window-starts": "20:00",
            "window-ends": "08:00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.text(roster_url)
    assert on_call_now(page) == "Ana"  # 07:00 is inside the window opened at 20:00
    assert "08:00–20:00" in page and "no one on call" in page
    assert "Uncovered: 168.0 h" in page  # 12 h a day for 14 days


def test_a_replace_override_swaps_who_is_on_call_on_the_timeline(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    response = coordinator.post(
        f"{roster_url}/overrides",
        {
            "override-action": "replace",
            "override-person": people["Cy"],
            "override-replaces": people["Ana"],
            "override-starts": "2026-03-10T06:00",
            "override-ends": "2026-03-10T08:00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = coordinator.text(roster_url)
    assert on_call_now(page) == "Cy"
    assert "06:00–08:00\n      Cy" in page
    roster = store.one(select(Roster))
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert entry.entity_id == roster.id and entry.old == {"overrides": []}
    assert entry.new == {
        "overrides": [
            {
                "action": "replace",
                "person": "Cy",
                "replaces": "Ana",
                "from": "2026-03-10T06:00",
                "to": "2026-03-10T08:00",
            }
        ]
    }


def test_an_override_that_ends_before_it_starts_is_refused(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    response = coordinator.post(
        f"{roster_url}/overrides",
        {
            "override-action": "add",
            "override-person": people["Cy"],
            "override-starts": "2026-03-10T08:00",
            "override-ends": "2026-03-10T06:00",
        },
    )
    assert response.status_code == 400
    assert "An override must end after it starts." in response.get_data(as_text=True)
    assert store.one(select(Roster)).id  # unchanged
    assert (
        store.all(select(AuditEntry).where(AuditEntry.entity == "roster"))[-1].new.get("overrides")
        is None
    )


def test_the_escalation_policy_steps_and_repeats(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    assert (
        coordinator.post(
            f"{roster_url}/steps", {"step-notify": "on-call", "step-wait": "5m"}
        ).status_code
        == 302
    )
    refused = coordinator.post(f"{roster_url}/steps", {"step-notify": "person", "step-wait": "5m"})
    assert refused.status_code == 400 and "Pick a person" in refused.get_data(as_text=True)
    bad_wait = coordinator.post(f"{roster_url}/steps", {"step-notify": "all", "step-wait": "soon"})
    assert bad_wait.status_code == 400 and "is not a duration" in bad_wait.get_data(as_text=True)
    coordinator.post(
        f"{roster_url}/steps",
        {"step-notify": "person", "step-person": people["Cy"], "step-wait": "10m"},
    )
    last = store.all(select(EscalationStep).order_by(EscalationStep.position))[-1]
    coordinator.post(f"/admin/steps/{last.id}/move", {"direction": "up"})
    coordinator.post(f"{roster_url}/repeat", {"policy-repeat": "2"})
    steps = store.all(select(EscalationStep).order_by(EscalationStep.position))
    assert [(s.notify, s.wait_seconds) for s in steps] == [("person", 600), ("on-call", 300)]
    assert store.one(select(Roster)).escalation_repeat == 2
    page = coordinator.text(roster_url)
    assert "Page <strong>Cy</strong>, then wait 10m." in page


def test_deleting_a_roster_needs_the_confirmation(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    coordinator.post(f"{roster_url}/delete")
    assert len(store.all(select(Roster))) == 1
    assert coordinator.post(f"{roster_url}/delete", {"confirm": "yes"}).status_code == 302
    assert store.all(select(Roster)) == []
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert entry.action == "delete" and entry.old["name"] == "Advocates" and entry.new is None


def test_roster_and_people_names_with_markup_are_escaped(
    coordinator: Visitor, store: Store, people: dict[str, int], roster_url: str
) -> None:
    with store.scope() as session:
        session.get(Person, people["Ana"]).name = "<script>alert('ana')</script>"
        session.scalars(select(Roster)).one().name = "<b>Advocates</b>"
    rotation = rotation_of(store)
    for url in (roster_url, "/admin/rosters", f"/admin/rotations/{rotation.id}"):
        page = coordinator.text(url)
        assert "<script>alert" not in page and "<b>Advocates" not in page
        assert "&lt;script&gt;" in page or "&lt;b&gt;Advocates" in page


def test_unknown_rosters_and_rotations_are_not_found(coordinator: Visitor) -> None:
    assert coordinator.get("/admin/rosters/999").status_code == 404
    assert coordinator.get("/admin/rotations/999").status_code == 404
    assert coordinator.post("/admin/participants/999/remove").status_code == 404


def test_removing_a_step_asks_first_and_names_what_changes(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    for wait in ("5m", "10m"):
        coordinator.post(f"{roster_url}/steps", {"step-notify": "on-call", "step-wait": wait})
    first = store.all(select(EscalationStep).order_by(EscalationStep.position))[0]
    asked = coordinator.post(f"/admin/steps/{first.id}/delete")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Remove step 1 of Advocates&#39;s escalation?" in page
    assert "Step 1 pages on-call, then waits 5m; Advocates will have 1 step(s)." in page
    assert "Requests paging now keep the steps they started with" in page
    assert 'name="confirm" value="yes"' in page and "Cancel" in page
    assert len(store.all(select(EscalationStep))) == 2
    done = coordinator.post(f"/admin/steps/{first.id}/delete", {"confirm": "yes"})
    assert done.status_code == 302
    assert [s.wait_seconds for s in store.all(select(EscalationStep))] == [600]


def test_an_override_for_tonight_texts_who_goes_on_and_off_but_not_after_stop(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    with store.scope() as session:
        cy = session.get(Person, people["Cy"])
        assert cy is not None
        cy.opted_out = True  # Cy texted STOP
    before = texted(store)
    response = coordinator.post(
        f"{roster_url}/overrides",
        {
            "override-action": "replace",
            "override-person": people["Ana"],
            "override-replaces": people["Ben"],  # Ben's shift runs from 08:00 today
            "override-starts": "2026-03-10T20:00",
            "override-ends": "2026-03-11T08:00",
        },
    )
    assert response.status_code == 302
    assert texted(store)[len(before) :] == [people["Ana"], people["Ben"]]
    assert "Texted 2 people whose time on call moved." in coordinator.text(roster_url)
    before = texted(store)
    coordinator.post(
        f"{roster_url}/overrides",
        {
            "override-action": "add",
            "override-person": people["Cy"],
            "override-starts": "2026-03-10T20:00",
            "override-ends": "2026-03-11T08:00",
        },
    )
    assert texted(store)[len(before) :] == []  # Cy opted out: never texted


def test_an_override_next_week_texts_nobody(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    before = texted(store)
    coordinator.post(
        f"{roster_url}/overrides",
        {
            "override-action": "add",
            "override-person": people["Cy"],
            "override-starts": "2026-03-17T20:00",
            "override-ends": "2026-03-18T08:00",
        },
    )
    assert texted(store)[len(before) :] == []


def test_a_step_is_edited_in_place_and_keeps_its_place(
    coordinator: Visitor, roster_url: str, people: dict[str, int], store: Store
) -> None:
    for wait in ("5m", "10m"):
        coordinator.post(f"{roster_url}/steps", {"step-notify": "on-call", "step-wait": wait})
    first, second = store.all(select(EscalationStep).order_by(EscalationStep.position))
    page = coordinator.text(f"{roster_url}?step={first.id}")
    form = page[
        page.index(f'<li id="step-{first.id}">') : page.index(f'<li id="step-{second.id}">')
    ]
    assert f'action="/admin/steps/{first.id}"' in form and 'value="5m"' in form
    assert (
        "Save step 1" in form and f'href="{roster_url}?step={second.id}#step-{second.id}"' in page
    )
    refused = coordinator.post(
        f"/admin/steps/{first.id}", {"edit-step-notify": "person", "edit-step-wait": "soon"}
    )
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "is not a duration" in shown
    assert f'action="/admin/steps/{first.id}"' in shown  # the form stays where the step is
    saved = coordinator.post(
        f"/admin/steps/{first.id}",
        {"edit-step-notify": "person", "edit-step-person": people["Cy"], "edit-step-wait": "2m"},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#policy")
    steps = store.all(select(EscalationStep).order_by(EscalationStep.position))
    assert [(s.id, s.notify, s.person_id, s.wait_seconds) for s in steps] == [
        (first.id, "person", people["Cy"], 120),
        (second.id, "on-call", None, 600),
    ]
    audit = store.all(select(AuditEntry).where(AuditEntry.entity == "roster"))[-1]
    assert audit.new["escalation"]["steps"][0] == {"notify": "person:Cy", "wait": "2m"}
    page = coordinator.text(saved.headers["Location"])
    notice = page.index('id="policy-notices"')
    assert page.index('<h2 id="policy">') < notice and "Saved step 1." in page[notice:]
    assert "Saved step 1." not in page[: page.index('<h2 id="policy">')]  # not at the top
    person_missing = coordinator.post(
        f"/admin/steps/{first.id}", {"edit-step-notify": "person", "edit-step-wait": "2m"}
    )
    assert person_missing.status_code == 400
    assert "Pick a person" in person_missing.get_data(as_text=True)


def test_a_mutual_aid_step_keeps_its_region_when_its_wait_is_edited(
    coordinator: Visitor, roster_url: str, store: Store
) -> None:
    with store.scope() as session:
        region = Region(name="Racine County")
        session.add(region)
        session.flush()
        roster = session.scalars(select(Roster)).one()
        session.add(
            EscalationStep(
                roster_id=roster.id,
                position=0,
                notify="mutual-aid",
                region_id=region.id,
                wait_seconds=300,
            )
        )
    step = store.one(select(EscalationStep))
    page = coordinator.text(f"{roster_url}?step={step.id}")
    assert '<option selected value="mutual-aid">mutual-aid</option>' in page
    assert f'<option selected value="{region.id}">Racine County</option>' in page
    saved = coordinator.post(
        f"/admin/steps/{step.id}", {"edit-step-notify": "mutual-aid", "edit-step-wait": "3m"}
    )
    assert saved.status_code == 302
    kept = store.one(select(EscalationStep))
    assert (kept.notify, kept.region_id, kept.wait_seconds) == ("mutual-aid", region.id, 180)
    coordinator.post(f"/admin/steps/{step.id}", {"edit-step-notify": "all", "edit-step-wait": "3m"})
    changed = store.one(select(EscalationStep))
    assert (changed.notify, changed.region_id) == ("all", None)
    other = store.one(select(EscalationStep))  # a step of another target cannot become one
    refused = coordinator.post(
        f"/admin/steps/{other.id}", {"edit-step-notify": "mutual-aid", "edit-step-wait": "3m"}
    )
    assert refused.status_code == 400  # a mutual-aid step needs its region
    again = {"edit-step-notify": "mutual-aid", "edit-step-region": str(region.id)}
    saved = coordinator.post(f"/admin/steps/{other.id}", {**again, "edit-step-wait": "4m"})
    assert saved.status_code == 302
    back = store.one(select(EscalationStep))
    assert (back.notify, back.region_id, back.wait_seconds) == ("mutual-aid", region.id, 240)
