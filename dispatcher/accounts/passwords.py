"""Password hashing with argon2id (argon2-cffi); hashes are rehashed when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispatcher.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024

# The library's defaults (RFC 9106 low-memory profile). Tests swap in a cheaper hasher.
HASHER = PasswordHasher()


def check_strength(password: str) -> None:
    """Raise ValidationError unless ``password`` is 12 to 1024 characters long."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password`` (salted, with its parameters)."""
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current hasher's."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def burn_time(password: str) -> None:
    """Spend about as long as a verification, so unknown accounts answer as slowly."""
    verify_password(_DUMMY_HASH.get(), password)


class _DummyHash:
    """A hash of a random password, made on first use with the current hasher."""

    def __init__(self) -> None:
        """Nothing is hashed until first use."""
        self._value: tuple[PasswordHasher, str] | None = None

    def get(self) -> str:
        """The dummy hash for the current hasher."""
        if self._value is None or self._value[0] is not HASHER:
            self._value = (HASHER, HASHER.hash("not a password of anyone"))
        return self._value[1]


_DUMMY_HASH = _DummyHash()
