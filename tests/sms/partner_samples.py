"""Sample parameters of the partner texts, for the tests of every template."""

from __future__ import annotations

from typing import Any

PARTNER_SAMPLES: dict[str, dict[str, Any]] = {
    "partner_address": {
        "code": "K7Q4",
        "need": "room",
        "partner": "Harborview Inn",
        "address": "1200 Harbor Rd, Racine",
        "nights": 2,
    },
    "coordinator_pledge": {
        "partner": "Harborview Inn",
        "need": "room",
        "used": 4,
        "pledged": 5,
        "level": 80,
    },
    "need_requires": {"code": "K7Q4", "need": "ride", "requires": ["carseat", "wheelchair"]},
    "partner_thanks": {
        "partner": "Harborview Inn",
        "need": "room",
        "period": "2026-Q1",
        "accepted": 3,
        "units": 5,
    },
}
