"""Reading what an officer needs from the words of a text, in memory only.

The text itself is never stored or logged; only the needs and tags derived here are.
Words are matched whole, without case or accents (``habitación`` is ``habitacion``), in
English and Spanish, with the abbreviations and misspellings officers send. A mention
that is negated adds nothing: "no room needed", "room not needed", "doesn't need a ride",
"sin hotel", "not a minor". Lacking something is not negating it: "has no ride", "no
tiene transporte" and "no place to stay" still ask for one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dispatcher.languages import SPOKEN
from dispatcher.rosters.needkinds import ADVOCATE, DEFAULT_NEEDS, NeedTable

# Words that add a need (an advocate is always needed), as people type them: the built-in
# needs' words; the configured table (``rosters.needkinds``) may add needs and words.
NEED_WORDS = DEFAULT_NEEDS.vocabulary()
JUVENILE_WORDS = (
    "juvenile", "juveniles", "juv", "juvi", "juvie", "juvinile", "juvenille", "juvenil",
    "minor", "minors", "child", "kid", "teen", "teenager", "underage", "under age", "youth",
    "menor", "menores", "menor de edad", "adolescente", "adolescentes", "nina", "nino",
)  # fmt: skip
LANGUAGE_WORDS = {
    "es": ("spanish", "espanol", "spansih", "spanich", "spainsh"),
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
# The languages a request can ask for: every spoken language but English, the default.
LANGUAGE_NAMES = {code: name for code, name in SPOKEN.items() if code != "en"}

NEGATORS = frozenset({"no", "not", "never", "nor", "sin", "dont", "doesnt", "didnt", "isnt"})
# "has no ride", "does not have a car", "can't get a ride", "no tiene transporte": lacking,
# so needing; so is "no rooms available" or "no beds left".
HAVE_WORDS = frozenset(
    {"has", "have", "had", "having", "got", "get", "find", "afford", "tiene", "tienen", "tengo"}
)
AVAILABLE_WORDS = frozenset({"available", "left", "open", "free", "disponible", "disponibles"})
# Words that say the need is wanted after all, or that the negation is over.
AFFIRMING = frozenset({"need", "needs", "needed", "necesita", "necesitan", "quiere", "wants"})
CONTRAST = frozenset({"but", "pero", "just", "only", "solo", "solamente", "yes", "si", "also"})
# "room not needed", "hotel no es necesario", "ride no longer needed", "room: no".
NOT_WANTED = frozenset({"needed", "necessary", "required", "wanted", "necesario", "necesaria"})
FILLER = frozenset({"is", "es", "was", "are", "really", "actually"})
_REACH_BEFORE = {"need": 4, "tag": 2}
_AGE = re.compile(
    r"\b(?:(\d{1,2}) ?(?:yo|y o|yrs? old|years? old|year old)"
    r"|(?:age|aged|edad) (\d{1,2})|(?:tiene|de) (\d{1,2}) anos)\b"
)
_CLAUSES = re.compile(r"[.;!?,\n]+|\bbut\b|\bpero\b")

Vocabulary = Mapping[str, Iterable[str]]


@dataclass(frozen=True)
class Wanted:
    """What a request needs: kinds in the need table's order; tags (``juvenile``, ``lang:es``)."""

    needs: tuple[str, ...]
    tags: tuple[str, ...]


def read_request(text: str, table: NeedTable = DEFAULT_NEEDS) -> Wanted:
    """Derive needs and tags from an officer's text (case, accents and negation aware);
    ``table``'s intake words open its needs."""
    plain = normalised(text)
    clauses = [tuple(re.findall(r"\w+", part)) for part in _CLAUSES.split(plain)]
    needs = [ADVOCATE, *wanted(clauses, table.vocabulary(), "need")]
    juvenile = wanted(clauses, {"juvenile": JUVENILE_WORDS}, "tag") or _under_18(plain)
    tags = ["juvenile"] if juvenile else []
    tags += [f"lang:{code}" for code in wanted(clauses, LANGUAGE_WORDS, "tag")]
    return Wanted(needs=tuple(needs), tags=tuple(tags))


def describe_tag(tag: str) -> str:
    """A tag as people read it: ``lang:es`` -> ``Spanish``."""
    if tag.startswith("lang:"):
        code = tag.removeprefix("lang:").lower()
        return LANGUAGE_NAMES.get(code, code.upper())
    return tag


def normalised(text: str) -> str:
    """Lower case without accents, with "n't" spelled out as " not"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"n['\u2019]t\b", " not", plain)


def wanted(clauses: list[tuple[str, ...]], vocabulary: Vocabulary, kind: str) -> list[str]:
    """The keys of ``vocabulary`` mentioned, and not negated, in at least one clause."""
    entries = {key: [tuple(entry.split()) for entry in words] for key, words in vocabulary.items()}
    indexed = [(clause, _positions(clause)) for clause in clauses]
    return [
        key
        for key, phrases in entries.items()
        if any(_wanted_in(clause, at, phrases, kind) for clause, at in indexed)
    ]


def _positions(clause: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each word of ``clause`` occurs (a phrase can only start where its first does)."""
    at: dict[str, list[int]] = {}
    for index, word in enumerate(clause):
        at.setdefault(word, []).append(index)
    return at


def _wanted_in(
    clause: tuple[str, ...],
    at: dict[str, list[int]],
    phrases: list[tuple[str, ...]],
    kind: str,
) -> bool:
    """True when one of ``phrases`` occurs in ``clause`` (whose word positions are ``at``)
    and is not negated there.

    A mention inside a longer one of the same key counts as that longer one ("sane" in
    "sane exam not needed" is denied with it).
    """
    spans = {
        (start, start + len(phrase))
        for phrase in phrases
        if phrase
        for start in at.get(phrase[0], ())
        if clause[start : start + len(phrase)] == phrase
    }
    return any(
        not _negated_before(clause, start, _REACH_BEFORE[kind]) and not _negated_after(clause, end)
        for start, end in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
    )


def _negated_before(clause: tuple[str, ...], start: int, reach: int) -> bool:
    """True when a negator shortly before ``start`` denies the mention (not a lack)."""
    for j in range(start - 1, max(start - reach, 0) - 1, -1):
        word = clause[j]
        if word in CONTRAST:
            return False
        if word in AFFIRMING and (j == 0 or clause[j - 1] not in NEGATORS):
            return False
        if word in NEGATORS:
            return not _lacks(clause, j)
    return False


def _lacks(clause: tuple[str, ...], negator: int) -> bool:
    """True when the negator at ``negator`` says someone lacks something ("has no car")."""
    after = clause[negator + 1] if negator + 1 < len(clause) else ""
    before = clause[negator - 1] if negator > 0 else ""
    scarce = AVAILABLE_WORDS.intersection(clause[negator + 1 : negator + 6])
    return after in HAVE_WORDS or before in HAVE_WORDS or after == "one" or bool(scarce)


def _negated_after(clause: tuple[str, ...], end: int) -> bool:
    """True when the words right after a mention deny it: "not needed", a final "no"."""
    j = end
    while j < len(clause) and clause[j] in FILLER:
        j += 1
    if j >= len(clause) or clause[j] not in ("no", "not"):
        return False
    rest = [word for word in clause[j + 1 : j + 3] if word not in FILLER]
    return not rest or rest[0] in NOT_WANTED or rest[0] == "longer"


def _under_18(plain: str) -> bool:
    """True when the text gives an age under 18 ("16yo", "15 y/o", "tiene 14 años")."""
    for match in _AGE.finditer(" ".join(re.findall(r"\w+", plain))):
        age = int(next(group for group in match.groups() if group))
        if age < 18:
            return True
    return False


# Words that mark a text as Spanish (accents removed, as ``normalised`` leaves them), and
# words that mark it as English; a word both languages use (hotel, no, menor) counts for
# neither. "needs a spanish speaker" is English that names Spanish.
SPANISH_MARKERS = frozenset(
    (
     "necesito", "necesita", "necesitamos", "necesitan", "una", "para", "por", "favor", "con",
     "que", "esta", "estoy", "estamos", "tiene", "tengo", "hay", "el", "la", "los", "las", "del",
     "al", "y", "de", "en", "es", "victima", "senora", "senor", "hola", "gracias", "ayuda",
     "mujer", "hombre", "nina", "nino", "menores", "aqui", "donde", "ella", "ellos", "quiere",
     "habla", "solo", "espanol", "habitacion", "cuarto", "refugio", "albergue", "alojamiento",
     "hospedaje", "transporte", "aventon", "llevar", "llevarla", "llevarlo", "raite",
     "adolescente", "sin", "pero", "tambien", "ahora", "calle", "policia", "oficial", "somos",
     "soy", "anos", "edad", "joven", "muchacha", "muchacho", "persona",
    )
)  # fmt: skip
ENGLISH_MARKERS = frozenset(
    (
     "the", "and", "need", "needs", "needed", "with", "for", "she", "he", "is", "are", "at",
     "an", "room", "ride", "her", "him", "his", "please", "victim", "female", "male", "years",
     "old", "we", "i", "my", "our", "has", "have", "speaks", "spanish", "speaker", "english",
     "to", "of", "in", "on", "this", "that", "here", "there", "girl", "boy", "woman", "man",
    )
)  # fmt: skip


def written_language(text: str) -> str | None:
    """``"es"`` when ``text`` reads as Spanish (at least two Spanish words, and more of
    them than English ones); None when it reads as English or cannot be told."""
    words = re.findall(r"\w+", normalised(text))
    spanish = sum(word in SPANISH_MARKERS for word in words)
    english = sum(word in ENGLISH_MARKERS for word in words)
    return "es" if spanish >= 2 and spanish > english else None
