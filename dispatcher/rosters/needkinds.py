"""The kinds of need an officer can ask for: one table, configured in the roster file.

Each need has a key (``advocate``, ``room``, ``sane``...), a label per language (how texts
name it: "a room", "una habitación"), the intake words per language that open it (read
with negation, ``flows.intake``), the roster kind that serves it, the role word for whoever
takes it, and what its accepter learns. The three built-in needs (advocate, room, ride)
are always in the table; a roster file may add needs or reconfigure the built-in ones.
Pure: no database here (``rosters.needstore`` keeps the table).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dispatcher.errors import ValidationError
from dispatcher.languages import LANGUAGES, N_

# What an accepter can learn beyond the agency, the code and the way to reach the officer:
# ``words``: the officer's words (the sealed note); ``tags``: the request's tags
# (juvenile, a language) so they can bring what is needed.
LEARNS = ("words", "tags")
KEY = re.compile(r"[a-z][a-z0-9_]{1,19}")
# The need every request has; the officer's words are held while it is paged.
ADVOCATE = "advocate"
MAX_WORDS = 60


@dataclass(frozen=True)
class NeedSpec:
    """One need kind; ``labels`` and ``words`` are ``(language, ...)`` pairs in language order.

    ``in_person``: whoever accepts goes out to the scene (an advocate to the station or
    hospital, a driver to the pick-up), so they get safety check-ins (``flows.checkins``);
    a hotel gives a room and sends nobody. ``builtin``: the need's label is in the catalogs
    (translated there rather than by ``labels``).
    """

    key: str
    roster_kind: str
    role: str
    labels: tuple[tuple[str, str], ...]
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    learns: tuple[str, ...] = ("tags",)
    in_person: bool = False
    builtin: bool = field(default=False, compare=False)

    @property
    def phrase(self) -> str:
        """The English label ("a room"), as messages name the need."""
        return self.label("en")

    @property
    def hears_words(self) -> bool:
        """True when whoever accepts gets the officer's words."""
        return "words" in self.learns

    def label(self, language: str) -> str:
        """The label in ``language``, else in English, else the key."""
        labels = dict(self.labels)
        return labels.get(language) or labels.get("en") or self.key

    def all_words(self) -> tuple[str, ...]:
        """The intake words of every language, each once."""
        return tuple(dict.fromkeys(w for _, words in self.words for w in words))


@dataclass(frozen=True)
class NeedTable:
    """The configured needs in the order requests list them (the advocate first)."""

    specs: tuple[NeedSpec, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The need keys in order."""
        return tuple(spec.key for spec in self.specs)

    def get(self, key: str) -> NeedSpec | None:
        """The need ``key``, or None when the table has none."""
        return next((spec for spec in self.specs if spec.key == key), None)

    def role(self, key: str) -> str:
        """The role word of whoever takes need ``key`` (the key when it is not configured)."""
        spec = self.get(key)
        return spec.role if spec else key

    def vocabulary(self) -> dict[str, tuple[str, ...]]:
        """Intake words of every need but the advocate (always asked for), by key."""
        return {s.key: s.all_words() for s in self.specs if s.key != ADVOCATE and s.words}

    def roster_kinds(self) -> tuple[str, ...]:
        """The roster kinds the needs are served by, each once."""
        return tuple(dict.fromkeys(spec.roster_kind for spec in self.specs))

    def role_of_kind(self) -> dict[str, str]:
        """Each roster kind's role word (the first need served by it names it)."""
        roles: dict[str, str] = {}
        for spec in self.specs:
            roles.setdefault(spec.roster_kind, spec.role)
        return roles

    def with_needs(self, specs: Iterable[NeedSpec]) -> NeedTable:
        """This table with ``specs`` replacing needs of the same key and adding the others."""
        changed = {spec.key: spec for spec in specs}
        kept = tuple(changed.pop(s.key, s) for s in self.specs)
        return NeedTable(kept + tuple(changed.values()))

    def added(self) -> tuple[NeedSpec, ...]:
        """The needs that differ from the built-in table (new or reconfigured)."""
        return tuple(spec for spec in self.specs if DEFAULT_NEEDS.get(spec.key) != spec)


_ROOM_EN = (
    "room", "rooms", "hotel", "hotels", "motel", "lodging", "shelter", "bed", "housing", "hsg",
    "htl", "hotle", "hotal", "motle", "shleter", "sheltr", "place to stay", "place to sleep",
    "somewhere to stay", "nowhere to stay", "no place to stay",
)  # fmt: skip
_ROOM_ES = (
    "habitacion", "habitaciones", "cuarto", "refugio", "albergue", "alojamiento", "hospedaje",
    "donde quedarse", "sin donde quedarse",
)  # fmt: skip
_RIDE_EN = (
    "ride", "rides", "transport", "transportation", "transpo", "tranport", "drive", "driver",
    "car", "lift",
)  # fmt: skip
_RIDE_ES = ("transporte", "aventon", "llevar", "llevarla", "llevarlo", "raite")

DEFAULT_NEEDS = NeedTable(
    (
        NeedSpec(
            ADVOCATE,
            roster_kind="advocate",
            role="advocate",
            labels=(("en", N_("an advocate")), ("es", "una persona intercesora")),
            learns=("words",),
            in_person=True,
            builtin=True,
        ),
        NeedSpec(
            "room",
            roster_kind="hotel",
            role="hotel",
            labels=(("en", N_("a room")), ("es", "un cuarto")),
            words=(("en", _ROOM_EN), ("es", _ROOM_ES)),
            learns=(),
            builtin=True,
        ),
        NeedSpec(
            "ride",
            roster_kind="ride",
            role="driver",
            labels=(("en", N_("a ride")), ("es", "transporte")),
            words=(("en", _RIDE_EN), ("es", _RIDE_ES)),
            learns=(),
            in_person=True,
            builtin=True,
        ),
    )
)
BUILTIN_KEYS = DEFAULT_NEEDS.keys
# The table this process read or saved last (``rosters.needstore`` keeps it here), for
# wording that names a need without a database at hand.
_latest: list[NeedTable] = [DEFAULT_NEEDS]


def latest() -> NeedTable:
    """The need table this process read or saved last (the built-in one at first)."""
    return _latest[0]


def remember(table: NeedTable) -> None:
    """Make ``table`` the one ``latest`` gives."""
    _latest[0] = table


def intake_word(text: str) -> str:
    """An intake word or phrase as intake matches it: lower case, no accents, single spaces.

    Raises ValidationError when nothing of it is a word.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"\w+", plain)
    if not words:
        raise ValidationError(f"{text!r} is not a word")
    return " ".join(words)


def make_need(
    key: str,
    roster_kind: str,
    labels: Mapping[str, str],
    words: Mapping[str, Iterable[str]],
    *,
    role: str = "",
    learns: Iterable[str] = ("tags",),
    in_person: bool = False,
) -> NeedSpec:
    """A checked need: raises ValidationError naming the first field that is wrong."""
    if not KEY.fullmatch(key):
        raise ValidationError("key must be 2 to 20 lower-case letters, digits or _")
    if not KEY.fullmatch(roster_kind):
        raise ValidationError("roster kind must be 2 to 20 lower-case letters, digits or _")
    unknown = (set(labels) | set(words)) - set(LANGUAGES)
    if unknown:
        raise ValidationError(f"languages must be among {', '.join(LANGUAGES)}")
    if not labels.get("en", "").strip():
        raise ValidationError("an English label is needed")
    told = tuple(dict.fromkeys(learns))
    if set(told) - set(LEARNS):
        raise ValidationError(f"learns must be among {', '.join(LEARNS)}")
    read = {lang: tuple(dict.fromkeys(intake_word(w) for w in ws)) for lang, ws in words.items()}
    if sum(len(ws) for ws in read.values()) > MAX_WORDS:
        raise ValidationError(f"at most {MAX_WORDS} intake words")
    if key != ADVOCATE and not any(read.values()):
        raise ValidationError("at least one intake word is needed")
    return NeedSpec(
        key=key,
        roster_kind=roster_kind,
        role=(role or roster_kind).strip()[:40],
        labels=tuple((lang, labels[lang].strip()[:60]) for lang in LANGUAGES if lang in labels),
        words=tuple((lang, read[lang]) for lang in LANGUAGES if read.get(lang)),
        learns=tuple(item for item in LEARNS if item in told),
        in_person=in_person,
    )


def clashing_words(table: NeedTable) -> list[tuple[str, str]]:
    """``("shelter", "'bed' already opens room")`` for each intake word that a need shares
    with an earlier one: the later need, and the problem."""
    owner: dict[str, str] = {}
    clashes = []
    for spec in table.specs:
        for word in spec.all_words():
            if word in owner and owner[word] != spec.key:
                clashes.append((spec.key, f"{word!r} already opens {owner[word]}"))
            owner.setdefault(word, spec.key)
    return clashes
