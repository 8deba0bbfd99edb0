"""The language of texts on the admin pages, and the pages' own language (Flask-Babel)."""

from __future__ import annotations

from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.rosters.models import Officer, Person
from tests.admin.conftest import Store, Visitor
from tests.admin.test_agencies import add_agency
from tests.admin.test_people import ANA


def test_a_persons_texts_can_be_set_to_spanish(coordinator: Visitor, store: Store) -> None:
    assert coordinator.post("/admin/people/new", {**ANA, "language": "es"}).status_code == 302
    person = store.one(select(Person))
    assert person.language == "es"
    form = coordinator.text(f"/admin/people/{person.id}")
    assert '<option selected value="es">Español</option>' in form
    refused = coordinator.post(f"/admin/people/{person.id}", {**ANA, "language": "fr"})
    assert "Not a valid choice" in refused.get_data(as_text=True)
    assert store.one(select(Person)).language == "es"


def test_a_person_is_written_to_in_english_unless_told_otherwise(
    coordinator: Visitor, store: Store
) -> None:
    assert coordinator.post("/admin/people/new", ANA).status_code == 302
    assert store.one(select(Person)).language == "en"


def test_an_officers_language_is_set_when_added_and_changed_later(
    coordinator: Visitor, store: Store
) -> None:
    url = add_agency(coordinator)
    data = {"officer-name": "Sgt. Cole", "officer-phone": "262 555 0170", "officer-language": "es"}
    assert coordinator.post(f"{url}/officers", data).status_code == 302
    officer = store.one(select(Officer))
    assert officer.language == "es"
    assert '<option value="es" selected>Español</option>' in coordinator.text(url)
    assert coordinator.post(f"/admin/officers/{officer.id}/language", {"language": ""}).status_code
    assert store.one(select(Officer)).language is None
    refused = coordinator.post(f"/admin/officers/{officer.id}/language", {"language": "xx"})
    assert refused.status_code == 400
    entry = store.all(select(AuditEntry).order_by(AuditEntry.id.desc()))[0]
    assert (entry.entity, entry.old["language"], entry.new["language"]) == ("officer", "es", None)


def test_a_viewer_cannot_change_an_officers_language(
    coordinator: Visitor, viewer: Visitor, store: Store
) -> None:
    url = add_agency(coordinator)
    officer_form = {"officer-name": "Sgt. Cole", "officer-phone": "2625550170"}
    coordinator.post(f"{url}/officers", officer_form)
    officer = store.one(select(Officer))
    answer = viewer.post(f"/admin/officers/{officer.id}/language", {"language": "es"})
    assert answer.status_code == 403 and store.one(select(Officer)).language is None


def test_the_layout_and_navigation_read_in_the_chosen_language(coordinator: Visitor) -> None:
    english = coordinator.text("/admin/people")
    assert '<html lang="en">' in english and "Sign out" in english and ">People</a>" in english
    spanish = coordinator.text("/admin/people?lang=es")
    assert '<html lang="es">' in spanish
    assert "Cerrar sesión" in spanish and ">Personas</a>" in spanish
    assert "Ir al contenido" in spanish
    assert "Cerrar sesión" in coordinator.text("/admin/agencies")  # kept for the session
    assert "Sign out" in coordinator.text("/admin/agencies?lang=en")


def test_the_browsers_language_is_the_default(visitor: Visitor) -> None:
    response = visitor.get("/admin/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page and "Ir al contenido" in page
    other = visitor.client.application.test_client().get(
        "/admin/login", headers={"Accept-Language": "de"}
    )
    assert '<html lang="en">' in other.get_data(as_text=True)
