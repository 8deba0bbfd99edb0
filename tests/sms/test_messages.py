"""Message texts: segment counting, GSM-7 clean-up, and every template the flows send."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.sms.messages import (
    REFERRAL,
    TEXTS,
    describe_tags,
    fit_one_segment,
    is_gsm7,
    plain,
    render,
    segments,
    to_gsm7,
)
from tests.sms.care_samples import CARE_SAMPLES
from tests.sms.partner_samples import PARTNER_SAMPLES

FALLBACK = "National Human Trafficking Hotline: call 1-888-373-7888 or text 233733"
LONG_AGENCIES = [
    "Racine PD",
    "Kenosha County Sheriff's Department",
    "Milwaukee County Sheriff's Office Human Trafficking Task Force",
    "Wisconsin Department of Justice Division of Criminal Investigation Human "
    "Trafficking Bureau, Southeastern Region",
    "Policía Municipal de San José — Unidad contra la Trata de Personas",
    "Département de police de la Ville de Montréal",
    "Mount Pleasant Police Department {Village} [Racine County] ^ ~ | €",
    "警察署",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("Plain text 123 @£$¥", True),
        ("Ñandù y Ü", True),
        ("braces {} and € count double", True),
        ("José", True),
        ("Policía", False),
        ("curly ’quote’", False),
        ("emoji 😀", False),
        ("ç lower cedilla", False),
    ],
)
def test_is_gsm7(text: str, expected: bool) -> None:
    assert is_gsm7(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 159 + "[", 2),
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape pair never straddles two parts
        ("á" * 70, 1),
        ("á" * 71, 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
        ("😀" * 35, 1),
        ("😀" * 36, 2),
        ("a" * 66 + "😀" + "a" * 66, 3),  # nor does a surrogate pair
    ],
)
def test_segments(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_to_gsm7_replaces_lookalikes() -> None:
    text = "It’s “fine” – really — wait… ‘ok’"
    assert to_gsm7(text) == "It's \"fine\" - really - wait... 'ok'"
    assert is_gsm7(to_gsm7(text))


@given(st.text(alphabet=st.sampled_from(list("abc XYZ 019.,!?'\"‘’“”–—…\u00a0"))))
def test_to_gsm7_makes_typographic_text_gsm(text: str) -> None:
    assert is_gsm7(to_gsm7(text))


@given(st.text())
def test_plain_is_always_gsm7_on_one_line(text: str) -> None:
    result = plain(text)
    assert is_gsm7(result)
    assert "\n" not in result and "\r" not in result


def test_plain_keeps_letters_of_accented_names() -> None:
    assert plain("Policía  de\nSan José") == "Policia de San José"


def test_describe_tags() -> None:
    assert describe_tags(["juvenile", "lang:es"]) == "juvenile, Spanish"
    assert describe_tags(["lang:xx"]) == "XX"
    assert describe_tags([]) == ""


def page(agency: str, need: str = "advocate", tags: list[str] | None = None, **extra: Any) -> str:
    params = {"code": "K7Q4", "agency": agency, "need": need, "open_codes": 1}
    params["tags"] = ["juvenile", "lang:es"] if tags is None else tags
    return render("page", {**params, **extra})


def test_page_reads_as_designed() -> None:
    assert page("Racine PD") == (
        "Racine PD needs an advocate (juvenile, Spanish). Ref K7Q4. "
        "Reply 1 K7Q4 to accept, 2 K7Q4 to pass."
    )
    assert page("Racine PD", need="room", tags=[]) == (
        "Racine PD needs a room. Ref K7Q4. Reply 1 K7Q4 to accept, 2 K7Q4 to pass."
    )
    assert "3 pages open" in page("Racine PD", open_codes=3)


@pytest.mark.parametrize("agency", LONG_AGENCIES)
@pytest.mark.parametrize("need", ["advocate", "room", "ride"])
def test_pages_are_one_segment_with_long_agency_names(agency: str, need: str) -> None:
    text = page(agency, need, ["juvenile", "lang:ht", "lang:es"], open_codes=12)
    assert segments(text) == 1
    assert is_gsm7(text)
    assert "Reply 1 K7Q4 to accept, 2 K7Q4 to pass." in text


def test_long_agency_names_are_cut_at_a_word() -> None:
    full = LONG_AGENCIES[3]
    text = page(full, "advocate", ["juvenile", "lang:ht"], open_codes=12)
    shown = text.split(" needs an advocate")[0]
    assert len(shown) > 30
    assert full.startswith(shown) and full[len(shown)] == " "


@given(
    st.text(max_size=400),
    st.lists(st.text(max_size=30), max_size=6),
    st.sampled_from(["advocate", "room", "ride"]),
    st.integers(min_value=0, max_value=99),
)
def test_any_page_is_one_segment(agency: str, tags: list[str], need: str, open_codes: int) -> None:
    text = page(agency, need, tags, open_codes=open_codes)
    assert segments(text) == 1
    assert "K7Q4" in text


def test_pages_cannot_carry_the_officers_words() -> None:
    with pytest.raises(TypeError, match="note"):
        page("Racine PD", note="Jane Doe 2009-04-01")
    with pytest.raises(TypeError, match="text"):
        page("Racine PD", text="12 Main St")


def test_fit_one_segment_keeps_the_rest_whole() -> None:
    rest = " needs an advocate. Ref K7Q4."
    text = fit_one_segment("x" * 500, rest)
    assert text.endswith(rest)
    assert segments(text) == 1
    assert fit_one_segment("", rest).startswith("An agency")


NOTES = ["She is 16 and speaks Spanish", "We’re at 12 Main St, back door"]
SHIFT = {
    "roster": "advocates",
    "start": "2026-03-14T13:00:00+00:00",
    "end": "2026-03-15T13:00:00+00:00",
    "zone": "America/Chicago",
}
SAMPLES: dict[str, dict[str, Any]] = {
    "alert": {"kind": "message_failed", "count": 2},
    "page": {
        "code": "K7Q4",
        "agency": "Racine PD",
        "need": "advocate",
        "tags": [],
        "open_codes": 1,
    },
    "covered": {"code": "K7Q4", "first_name": "Ana"},
    "already_covered": {"code": "K7Q4", "first_name": "Ana"},
    "already_yours": {"code": "K7Q4"},
    "page_closed": {"code": "K7Q4"},
    "coordinator_late_accept": {"code": "K7Q4", "need": "advocate", "name": "Ana Lopez"},
    "declined": {"code": "K7Q4"},
    "accepted": {
        "code": "K7Q4",
        "need": "advocate",
        "agency": "Racine PD",
        "officer_name": "Dana Ruiz",
        "notes": NOTES,
    },
    "relay_to_person": {"code": "K7Q4", "text": "She wants her sister called"},
    "relay_to_officer": {"code": "K7Q4", "first_name": "Ana", "text": "Twenty minutes away"},
    "officer_opened": {"code": "K7Q4", "needs": ["advocate", "room"]},
    "officer_accepted": {"code": "K7Q4", "first_name": "Ana", "role": "advocate"},
    "officer_unfilled": {"code": "K7Q4", "need": "ride", "fallback": FALLBACK},
    "officer_status": {
        "code": "K7Q4",
        "needs": [
            {"kind": "advocate", "state": "accepted", "first_name": "Ana"},
            {"kind": "room", "state": "paging", "first_name": None},
        ],
    },
    "officer_status_list": {
        "requests": [
            {"code": "K7Q4", "needs": [{"kind": "advocate", "state": "paging"}]},
            {"code": "M3XT", "needs": [{"kind": "ride", "state": "unfilled"}]},
        ]
    },
    "officer_progress": {"code": "K7Q4", "need": "advocate", "asked": 4},
    "officer_which": {"codes": ["K7Q4", "M3XT"]},
    "need_added": {"code": "K7Q4", "need": "room"},
    "need_already": {"code": "K7Q4", "need": "room"},
    "need_not_open": {"code": "K7Q4", "need": "ride"},
    "need_dropped_ack": {"code": "K7Q4", "need": "room"},
    "need_dropped": {"code": "K7Q4", "need": "room"},
    "need_change_refused": {},
    "officer_closed": {"code": "K7Q4"},
    "officer_held": {"code": "K7Q4"},
    "officer_not_kept": {"code": "K7Q4"},
    "coordinator_unfilled": {"code": "K7Q4", "agency": "Racine PD", "need": "room"},
    "coordinator_opted_out": {"name": "Ana Lopez", "cause": "texted STOP"},
    "coordinator_opted_in": {"name": "Ana Lopez"},
    "coordinator_enrolled": {"officer_name": "Dana Ruiz", "agency": "Racine PD"},
    "person_closed": {"code": "K7Q4"},
    "away_ack": {"until": "Tue 18:00"},
    "away_too_long": {"days": 30},
    "back_ack": {},
    "shift_reminder": {
        "roster": "advocates",
        "start": "2026-03-11T01:00:00+00:00",
        "end": "2026-03-11T13:00:00+00:00",
        "sent": "2026-03-10T23:00:00+00:00",
        "zone": "America/Chicago",
    },
    "cover_asked": {"name": "Cruz Lee", "code": "S4K7", "shift": SHIFT},
    "swap_asked": {"name": "Cruz Lee", "code": "S4K7", "shift": SHIFT},
    "offer_sent": {"code": "S4K7", "shift": SHIFT, "asked": 2},
    "offer_taken": {"name": "Ben Okafor", "shift": SHIFT},
    "offer_yours": {"name": "Cruz Lee", "shift": SHIFT},
    "offer_covered": {"taker": "Ben Okafor", "name": "Cruz Lee", "shift": SHIFT},
    "offer_declined": {"name": "Ana Ruiz", "shift": SHIFT},
    "offer_uncovered": {"name": "Cruz Lee", "shift": SHIFT},
    "offer_gone": {"code": "S4K7"},
    "offer_not_yours": {"code": "S4K7"},
    "offer_no_shift": {},
    "offer_help": {},
    "offer_nobody": {"shift": SHIFT},
    "swap_unknown": {"name": "Dee"},
    "coverage_gaps": {
        "name": "Ben Okafor",
        "rosters": [
            {
                "roster": "advocates",
                "zone": "America/Chicago",
                "gaps": [
                    {"start": "2026-03-14T13:00:00+00:00", "end": "2026-03-15T01:00:00+00:00"}
                ],
            }
        ],
    },
    "shift_handoff": {
        "roster": "advocates",
        "start": "2026-03-11T01:00:00+00:00",
        "end": "2026-03-11T13:00:00+00:00",
        "sent": "2026-03-11T01:00:00+00:00",
        "zone": "America/Chicago",
        "codes": ["K7Q4"],
    },
    "on_call_changed": {
        "roster": "Advocates",
        "zone": "America/Chicago",
        "at": "2026-03-10T17:00:00+00:00",
        "on": [{"start": "2026-03-11T01:00:00+00:00", "end": "2026-03-11T13:00:00+00:00"}],
        "off": [],
    },
    "who": {"rosters": [{"roster": "Advocates", "names": ["Ana", "Ben"]}]},
    "codes_needed": {"codes": ["K7Q4", "M3XT"]},
    "nothing_open": {},
    "not_sent": {"codes": ["K7Q4"], "waiting": ["M3XT"]},
    "help_person": {},
    "help_officer": {},
    "enrolled": {"agency": "Racine PD"},
    "join_name_refused": {},
    "join_failed": {},
    "enrollment_waiting": {"agency": "Racine PD"},
    "enrollment_pending": {},
    "enrollment_denied": {"agency": "Racine PD"},
    "enrollment_approved": {"agency": "Racine PD", "officer_name": "Sgt. Ada Byrne"},
    "enrollment_denied_ack": {"agency": "Racine PD", "officer_name": "Sgt. Ada Byrne"},
    "enrollment_not_pending": {"number": 12},
    "coordinator_approve": {"agency": "Racine PD", "officer_name": "Sgt. Ada Byrne", "number": 12},
    "referral": {},
    "call_opened": {"code": "K7Q4"},
    "call_open_already": {"code": "K7Q4"},
    "call_person": {},
    "call_referral": {},
    "training_expiring": {"training": "advocate-40h", "expires": "2026-04-01"},
    "coordinator_training_expiring": {
        "name": "Ana Lopez",
        "training": "advocate-40h",
        "expires": "2026-04-01",
    },
    "voice_page": {
        "code": "K7Q4",
        "agency": "Racine PD",
        "need": "advocate",
        "tags": ["juvenile", "lang:es"],
        "open_codes": 1,
    },
    "voice_accepted": {"code": "K7Q4"},
    "voice_details": {
        "code": "K7Q4",
        "need": "advocate",
        "agency": "Racine PD",
        "officer_name": "Dana Ruiz",
        "notes": NOTES,
        "bridging": False,
    },
    "voice_declined": {"code": "K7Q4"},
    "voice_closed": {},
    "voice_no_answer": {},
    "voice_screen": {"agency": "Racine PD", "need": "advocate", "tags": ["juvenile"]},
    "call_connecting": {"code": "K7Q4"},
    "route_texting": {},
    "route_accepted": {},
    "call_need_added": {"need": "room"},
}
SLOT = {
    "number": 12,
    "roster": "advocates",
    "start": "2026-04-04T13:00:00+00:00",
    "end": "2026-04-05T01:00:00+00:00",
}
LINK = "https://dispatch.example.org/shifts/12.34.k3Jq0b7VtXyZr2mNpQ8sLd5HfG1wE6uA9cB4xT0oIyU"
SAMPLES.update(
    {
        "shifts_open": {
            "roster": "advocates",
            "month": "2026-04-01",
            "slots": 60,
            "deadline": "2026-03-20T22:00:00+00:00",
            "zone": "America/Chicago",
            "link": LINK,
        },
        "shifts_list": {
            "slots": [{**SLOT, "number": n} for n in range(12, 16)],
            "zone": "America/Chicago",
            "more": 40,
        },
        "shifts_none": {},
        "slot_yours": {"slot": SLOT, "zone": "America/Chicago"},
        "slot_gone": {"number": 12},
        "shifts_reminder": {
            "roster": "advocates",
            "deadline": "2026-03-20T22:00:00+00:00",
            "zone": "America/Chicago",
            "taken": 0,
            "open": 14,
            "link": LINK,
        },
        "signup_closed": {
            "roster": "advocates",
            "month": "2026-04-01",
            "zone": "America/Chicago",
            "taken": 52,
            "total": 60,
            "unfilled": [SLOT] * 4,
            "more": 2,
        },
    }
)
SAMPLES.update(CARE_SAMPLES)
SAMPLES.update(
    {
        "drill_page": {"code": "K7Q4", "need": "advocate", "agency": ""},
        "voice_drill_page": {"code": "K7Q4", "need": "advocate", "agency": ""},
        "drill_accepted": {"code": "K7Q4", "minutes": 4},
        "drill_over": {"code": "K7Q4"},
    }
)
SAMPLES.update(PARTNER_SAMPLES)
SPOKEN = ("call_", "voice_", "route_")  # codes read letter by letter, no segments
WITH_CODE = {name for name, params in SAMPLES.items() if "code" in params}
OFFICER_WORDS = ("She is 16", "Main St", "sister")


def test_every_template_has_a_sample() -> None:
    assert set(SAMPLES) == set(TEXTS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_template_renders_plain_text(name: str) -> None:
    text = render(name, SAMPLES[name])
    assert text.strip() == text and text
    if name in WITH_CODE and not name.startswith(SPOKEN):
        assert SAMPLES[name]["code"] in text
    if name in WITH_CODE and name.startswith("voice_"):
        assert "K, 7, Q, 4" in text
    if name not in ("accepted", "relay_to_person", "voice_details"):
        assert not any(word in text for word in OFFICER_WORDS)
    spoken_or_long = ("accepted", "relay_to_person", "relay_to_officer", "who", "officer_unfilled")
    if name not in spoken_or_long and not name.startswith(SPOKEN):
        assert segments(text) <= 2


def test_calls_read_the_code_out_one_character_at_a_time() -> None:
    assert "K, 7, Q, 4" in render("call_opened", {"code": "K7Q4"})
    assert "K, 7, Q, 4" in render("call_open_already", {"code": "K7Q4"})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("covered", "K7Q4 is already covered by Ana. Thank you."),
        ("relay_to_person", "[K7Q4] Officer: She wants her sister called"),
        ("relay_to_officer", "[K7Q4] Ana: Twenty minutes away"),
        ("officer_status", "K7Q4: advocate: accepted by Ana; room: still paging."),
        ("back_ack", "Welcome back. You can be paged again."),
        (
            "officer_progress",
            "Still paging for K7Q4: 4 advocates asked, none free yet. Text STATUS any time.",
        ),
        (
            "officer_status_list",
            "Open: K7Q4: advocate: still paging. M3XT: ride: nobody reached.",
        ),
        (
            "officer_which",
            "Not sent. You have 2 open requests: K7Q4, M3XT. Start with the code: "
            "K7Q4 your words. DONE K7Q4 closes one; NEW opens another.",
        ),
        (
            "partner_address",
            "K7Q4: Harborview Inn gives the room for 2 nights. Address: 1200 Harbor Rd, Racine",
        ),
        (
            "coordinator_pledge",
            "Harborview Inn has given 4 room-nights of 5 pledged this month (80%).",
        ),
        (
            "need_requires",
            "K7Q4: the ride needs a car seat and wheelchair access. Only those who have it "
            "are paged.",
        ),
        (
            "partner_thanks",
            "Thank you, Harborview Inn: your rooms sheltered 3 guests in 2026-Q1 (5 room-nights).",
        ),
        (
            "not_sent",
            "Not sent. To write to the officer, start with the code: K7Q4 your words. "
            "You are on K7Q4.",
        ),
    ],
)
def test_exact_texts(name: str, expected: str) -> None:
    assert render(name, SAMPLES[name]) == expected


def test_accepted_gives_agency_officer_relay_and_notes() -> None:
    text = render("accepted", SAMPLES["accepted"])
    assert "Racine PD" in text and "Dana Ruiz" in text
    assert "Text this number to reach the officer; DONE K7Q4 when finished." in text
    assert "Officer: She is 16 and speaks Spanish" in text
    assert "We’re at 12 Main St" in text  # the officer's words, exactly as written


def test_officer_texts() -> None:
    assert render("officer_accepted", SAMPLES["officer_accepted"]).startswith(
        "Ana (advocate) accepted K7Q4."
    )
    hotel = {"code": "K7Q4", "first_name": "Motel 9", "role": "hotel"}
    assert render("officer_accepted", hotel) == "Motel 9 (hotel) accepted K7Q4."
    opened = render("officer_opened", SAMPLES["officer_opened"])
    assert "an advocate and a room" in opened and "STATUS" in opened and "DONE" in opened
    unfilled = render("officer_unfilled", SAMPLES["officer_unfilled"])
    assert "a ride" in unfilled and "coordinators" in unfilled
    assert "1-888-373-7888" in unfilled and "233733" in unfilled


def test_away_without_an_end() -> None:
    assert "BACK" in render("away_ack", {"until": None})
    assert "Tue 18:00" in render("away_ack", SAMPLES["away_ack"])


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"until": "2026-03-10T20:00+00:00"}, "until Tue 10 Mar 20:00 UTC and"),
        (
            {"until": "2026-03-10T20:00+00:00", "zone": "America/Chicago"},
            "until Tue 10 Mar 15:00 and",
        ),
        ({"until": "2026-03-10T20:00"}, "until 2026-03-10T20:00 and"),
    ],
)
def test_away_until_an_instant(params: dict[str, str], shown: str) -> None:
    assert shown in render("away_ack", params)


def test_who_and_codes_needed() -> None:
    who = render("who", {"rosters": [{"roster": "Hotels", "names": []}]})
    assert "Hotels: nobody" in who
    codes = render("codes_needed", SAMPLES["codes_needed"])
    assert "K7Q4, M3XT" in codes and "1 K7Q4" in codes


def test_referral_is_one_safe_segment() -> None:
    text = render("referral", {})
    assert text == REFERRAL
    assert segments(text) == 1
    assert "911" in text and "1-888-373-7888" in text and "233733" in text
    for word in ("advocate", "dispatch", "coalition", "officer", "police"):
        assert word not in text.lower()


def test_unknown_template() -> None:
    with pytest.raises(KeyError):
        render("no_such_template", {})


def test_relayed_words_are_delivered_as_written() -> None:
    words = "Se llama Iñés, tiene 15 años 🙏"
    assert words in render("relay_to_person", {"code": "K7Q4", "text": words})
    assert words in render(
        "accepted",
        {
            "code": "K7Q4",
            "need": "advocate",
            "agency": "RPD",
            "officer_name": "Lofy",
            "notes": [words],
        },
    )
    assert "años" not in render("officer_held", {"code": "K7Q4"})


def test_the_details_spoken_to_an_accepter_who_texted_stop() -> None:
    said = render("voice_details", SAMPLES["voice_details"])
    assert said.startswith("You accepted K, 7, Q, 4: an advocate for Racine PD")
    assert "The officer wrote: She is 16 and speaks Spanish" in said
    assert "Text START to the hotline" in said and said.endswith("Goodbye.")
    bridging = render("voice_details", {**SAMPLES["voice_details"], "bridging": True})
    assert bridging.endswith("Putting you through now.")
