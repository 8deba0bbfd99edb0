"""Sample parameters of the check-in and duress texts, for the tests of every template."""

from __future__ import annotations

from typing import Any

AT = "2026-03-10T08:12:00+00:00"  # 03:12 in Chicago
CARE_SAMPLES: dict[str, dict[str, Any]] = {
    "checkin_started": {"code": "K7Q4", "minutes": 45},
    "checkin_ack": {"code": "K7Q4", "minutes": 45},
    "checkin_reminder": {"code": "K7Q4"},
    "checkin_which": {"codes": ["K7Q4", "M3P9"]},
    "coordinator_checkin_missed": {
        "name": "Ana Ruiz",
        "code": "K7Q4",
        "since": AT,
        "zone": "America/Chicago",
        "last": "arrived",
        "phone": "(262) 555-0101",
    },
    "officer_checkin_missed": {
        "code": "K7Q4",
        "role": "advocate",
        "since": AT,
        "zone": "America/Chicago",
    },
    "checkin_resumed": {"name": "Ana", "code": "K7Q4", "at": AT, "zone": "America/Chicago"},
    "coordinator_duress": {
        "name": "Ana Ruiz",
        "codes": ["K7Q4"],
        "at": AT,
        "zone": "America/Chicago",
        "last": "arrived",
        "phone": "(262) 555-0101",
    },
    "officer_duress": {"code": "K7Q4", "role": "driver", "at": AT, "zone": "America/Chicago"},
    "debrief": {
        "code": "K7Q4",
        "services": [
            "crisis_support",
            "hospital_accompaniment",
            "shelter_placed",
            "transport",
            "legal_referral",
            "medical_referral",
            "interpreter",
        ],
    },
    "debrief_ack": {"code": "K7Q4"},
    "duress_set": {},
    "duress_cleared": {},
    "duress_refused": {},
}
