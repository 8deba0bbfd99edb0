"""Reading what an officer needs from the words of a text, in memory only.

The text itself is never stored or logged; only the needs and tags derived here are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that add a need. An advocate is always needed.
NEED_WORDS = {
    "room": ("room", "rooms", "hotel", "motel", "lodging", "shelter", "bed", "place to stay"),
    "ride": ("ride", "rides", "transport", "transportation", "drive", "driver", "car", "lift"),
}
JUVENILE_WORDS = ("juvenile", "minor", "child", "kid", "teen", "teenager", "underage", "youth")
LANGUAGE_WORDS = {
    "es": ("spanish", "español", "espanol"),
    "fr": ("french",),
    "vi": ("vietnamese",),
    "hmn": ("hmong",),
    "ar": ("arabic",),
    "so": ("somali",),
    "zh": ("chinese", "mandarin", "cantonese"),
    "pt": ("portuguese",),
    "ru": ("russian",),
    "ko": ("korean",),
    "tl": ("tagalog",),
    "asl": ("asl", "sign language", "deaf"),
}
LANGUAGE_NAMES = {
    "es": "Spanish",
    "fr": "French",
    "vi": "Vietnamese",
    "hmn": "Hmong",
    "ar": "Arabic",
    "so": "Somali",
    "zh": "Chinese",
    "pt": "Portuguese",
    "ru": "Russian",
    "ko": "Korean",
    "tl": "Tagalog",
    "asl": "ASL",
    "ht": "Haitian Creole",
    "uk": "Ukrainian",
}


@dataclass(frozen=True)
class Request:
    """What a request needs: kinds in NEED_KINDS order, and tags like ``juvenile``, ``lang:es``."""

    needs: tuple[str, ...]
    tags: tuple[str, ...]


def read_request(text: str) -> Request:
    """Derive needs and tags from an officer's text (case-insensitive, whole words)."""
    words = _normalised(text)
    needs = ["advocate"]
    needs += [kind for kind, vocabulary in NEED_WORDS.items() if _mentions(words, vocabulary)]
    tags = ["juvenile"] if _mentions(words, JUVENILE_WORDS) else []
    tags += [f"lang:{code}" for code, names in LANGUAGE_WORDS.items() if _mentions(words, names)]
    return Request(needs=tuple(needs), tags=tuple(tags))


def describe_tag(tag: str) -> str:
    """A tag as people read it: ``lang:es`` -> ``Spanish``."""
    if tag.startswith("lang:"):
        code = tag.removeprefix("lang:").lower()
        return LANGUAGE_NAMES.get(code, code.upper())
    return tag


def _normalised(text: str) -> str:
    """Lower-case, punctuation to spaces, padded so whole-word checks are simple."""
    return " " + re.sub(r"[^\w]+", " ", text.lower()) + " "


def _mentions(words: str, vocabulary: tuple[str, ...]) -> bool:
    """True when any entry of ``vocabulary`` appears as whole words in ``words``."""
    return any(f" {entry} " in words for entry in vocabulary)
