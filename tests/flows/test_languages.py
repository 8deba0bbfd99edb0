"""Texts in the reader's language: an officer who writes in Spanish is answered in Spanish
from then on, a Spanish-speaking advocate is paged in Spanish, and an unknown sender who
writes in Spanish gets the referral in Spanish with nothing stored."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from dispatcher.flows.intake import written_language
from dispatcher.flows.languages import learn_language, reader_language
from dispatcher.flows.models import AnonymousCount, OutboxMessage
from dispatcher.rosters.models import Officer, Person
from dispatcher.sms import inbound
from dispatcher.sms.messages import REFERRAL, segments
from tests.night import ANA, COALITION, KIM, OFFICER, STRANGER, World, load_coalition

SPANISH_REFERRAL = (
    "Si está en peligro, llame al 911. Línea Nacional contra la Trata de Personas: "
    "llame al 1-888-373-7888 o envíe un texto al 233733."
)
CODE = re.compile(r"Ref ([A-Z0-9]{4})")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Necesito una persona intercesora en la estación", "es"),
        ("Víctima de 15 años, necesita cuarto y transporte", "es"),
        ("NECESITO AYUDA CON UNA MENOR", "es"),
        ("hola, tengo una muchacha que solo habla español", "es"),
        ("menor sin hotel, por favor", "es"),
        ("Need an advocate at the station", None),
        ("Juvenile female, needs a HOTEL room tonight", None),
        ("need a spanish speaker for the victim", None),
        ("she only speaks espanol, need advocate", None),
        ("hotel", None),
        ("menor", None),
        ("", None),
        ("STATUS", None),
        ("🚓 juv hsg pls", None),
    ],
)
def test_the_language_a_text_is_written_in(text: str, language: str | None) -> None:
    assert written_language(text) == language


def officer(world: World, number: str = OFFICER) -> Officer:
    with world.session() as session:
        found = session.scalars(sa.select(Officer).where(Officer.phone == number)).one()
        session.expunge(found)
        return found


def set_language(world: World, model: type[Person] | type[Officer], number: str, code: str) -> None:
    with world.session() as session:
        row = session.scalars(sa.select(model).where(model.phone == number)).one()
        row.language = code


def test_an_officer_who_writes_in_spanish_gets_spanish_replies_from_then_on(world: World) -> None:
    assert officer(world).language is None
    reply = world.text(OFFICER, "Necesito una persona intercesora, la víctima tiene 15 años")
    assert reply is not None and reply.startswith("Recibido. Ref ")
    code = CODE.search(reply).group(1)  # type: ignore[union-attr]
    assert officer(world).language == "es"
    world.tick()
    assert world.last(ANA).startswith("Racine Police Department needs an advocate (juvenile)")
    world.text(ANA, "1")
    world.tick()
    assert world.last(OFFICER).startswith(f"Ana (persona intercesora) aceptó {code}.")
    # Later texts in English do not switch the officer back.
    assert world.text(OFFICER, "STATUS") == f"{code}: persona intercesora: aceptado por Ana."
    assert world.text(OFFICER, f"DONE {code}").startswith(f"{code} está cerrado. Gracias.")
    assert officer(world).language == "es"


def test_an_officer_who_writes_in_english_stays_unset_and_reads_english(world: World) -> None:
    reply = world.text(OFFICER, "need an advocate at the station")
    assert reply is not None and reply.startswith("Got it. Ref ")
    assert officer(world).language is None


def test_a_text_that_tells_no_language_leaves_the_officer_unchanged(world: World) -> None:
    with world.session() as session:
        found = session.scalars(sa.select(Officer).where(Officer.phone == OFFICER)).one()
        learn_language(found, "STATUS")
        assert found.language is None
        assert found not in session.dirty  # nothing for the session to flush
        learn_language(found, "Necesito una persona intercesora para una menor")
        assert found.language == "es" and found in session.dirty


def test_an_officers_set_language_wins_over_the_words_they_write(world: World) -> None:
    set_language(world, Officer, OFFICER, "en")
    reply = world.text(OFFICER, "Necesito una persona intercesora para una menor")
    assert reply is not None and reply.startswith("Got it. Ref ")
    assert officer(world).language == "en"


def test_a_spanish_speaking_advocate_gets_a_spanish_page(world: World) -> None:
    spanish_ana = COALITION.replace(
        'skills = ["juvenile"]\n', 'skills = ["juvenile"]\nlanguage = "es"\n', 1
    )
    load_coalition(world.database, spanish_ana)
    reply = world.text(OFFICER, "need an advocate, juvenile, speaks spanish")
    code = CODE.search(reply or "").group(1)  # type: ignore[union-attr]
    world.tick()
    page = world.last(ANA)
    assert page == (
        f"Racine Police Department necesita una persona intercesora (menor, español). "
        f"Ref {code}. Responda 1 {code} para aceptar, 2 {code} para pasar."
    )
    assert segments(page) <= 2
    with world.session() as session:
        row = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_number == ANA)).one()
        assert (row.template, row.language) == ("page", "es")
    world.text(ANA, f"1 {code}")
    world.tick()
    assert world.inbox(ANA)[-1].startswith(f"Usted aceptó {code}: una persona intercesora")
    checkin = f"Responda OK {code} al llegar y cada 45 min; DONE {code} al irse."
    assert world.inbox(ANA)[-2] == checkin
    assert world.last(OFFICER).startswith(f"Ana (advocate) accepted {code}.")


def test_coordinator_notices_come_in_each_coordinators_language(world: World) -> None:
    set_language(world, Person, KIM, "es")
    with world.session() as session:
        inbound.from_person(
            session,
            world.context(),
            session.scalars(sa.select(Person).where(Person.phone == ANA)).one(),
            inbound.parse("STOP"),
        )
    world.tick()
    # Ana's STOP leaves her coming shifts uncovered: the gap notice follows, in Spanish too.
    assert world.inbox(KIM)[-2:] == [
        "Ana Ruiz dejó de recibir textos (envió STOP) y no recibirá avisos por SMS hasta que "
        "envíe START.",
        "Ya no se puede escribir a Ana Ruiz (STOP), lo que deja huecos:\n"
        "advocates: mar 07:00-08:00, jue 08:00-vie 08:00, dom 08:00-lun 08:00 sin cubrir",
    ]


def test_an_unknown_sender_who_writes_in_spanish_gets_the_referral_in_spanish(
    world: World,
) -> None:
    assert world.text(STRANGER, "hola, necesito ayuda por favor") == SPANISH_REFERRAL
    assert world.text("+14145550178", "hello, I need help") == REFERRAL
    assert world.text("whatsapp:+14145550179", "necesito ayuda con una menor") == (SPANISH_REFERRAL)
    with world.session() as session:
        for model in (Officer, Person):
            assert session.scalars(sa.select(model).where(model.phone == STRANGER)).all() == []
        assert session.scalars(sa.select(OutboxMessage)).all() == []
        assert sum(c.count for c in session.scalars(sa.select(AnonymousCount))) == 2


def test_a_call_is_answered_in_the_callers_language(world: World) -> None:
    set_language(world, Officer, OFFICER, "es")
    with world.session() as session:
        reply = inbound.handle_call(session, world.context(), OFFICER).reply
        stranger = inbound.handle_call(session, world.context(), STRANGER).reply
    assert (reply.template, reply.language) == ("call_connecting", "es")
    assert (stranger.template, stranger.language) == ("call_referral", "en")


def test_the_reader_language_of_nobody_in_particular() -> None:
    assert reader_language(None, "") == "en"
    assert reader_language(None, "hola, necesito ayuda") == "es"
    assert reader_language(Person(language="es"), "hello there") == "es"
    assert reader_language(Officer(language=None), "need help") == "en"
