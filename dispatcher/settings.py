"""Typed, frozen settings: the packaged ``config/default.toml``, a site file, the environment.

This is the only module that reads the environment. Everything is validated once, at
start-up; a bad or missing value raises ConfigError naming the setting.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatcher.durations import parse_duration
from dispatcher.errors import ConfigError, ValidationError
from dispatcher.files import create_private
from dispatcher.phones import to_e164

# The shipped configuration files live inside the package, so a wheel carries them.
CONFIG_DIR = Path(__file__).resolve().parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"
SMS_BACKENDS = ("simulator", "twilio")
# A configured secret key shorter than this is refused (it seals officers' words).
MIN_SECRET_KEY = 32


def _setting(section: str, key: str, env: str | None = None) -> Any:
    """Declare where a setting lives in the TOML files and which variable overrides it."""
    return field(metadata={"section": section, "key": key, "env": env})


@dataclass(frozen=True)
class Settings:
    """Every knob of the service. Durations are timedeltas, numbers are E.164."""

    public_base_url: str = _setting("service", "public_base_url", "DISPATCHER_PUBLIC_BASE_URL")
    hotline_number: str = _setting("service", "hotline_number", "DISPATCHER_HOTLINE_NUMBER")
    default_region: str = _setting("service", "default_region", "DISPATCHER_DEFAULT_REGION")
    timezone: str = _setting("service", "timezone", "DISPATCHER_TIMEZONE")
    instance_dir: str = _setting("service", "instance_dir", "DISPATCHER_INSTANCE_DIR")
    secret_key: str = _setting("service", "secret_key", "DISPATCHER_SECRET_KEY")
    previous_secret_keys: tuple[str, ...] = _setting(
        "service", "previous_secret_keys", "DISPATCHER_PREVIOUS_SECRET_KEYS"
    )
    keys_dir: str = _setting("service", "keys_dir", "DISPATCHER_KEYS_DIR")
    proxy_hops: int = _setting("service", "proxy_hops", "DISPATCHER_PROXY_HOPS")
    fallback_hotline: str = _setting("service", "fallback_hotline")
    database_url: str = _setting("database", "url", "DISPATCHER_DATABASE_URL")
    sms_backend: str = _setting("sms", "backend", "DISPATCHER_SMS_BACKEND")
    twilio_account_sid: str = _setting("sms", "twilio_account_sid", "TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = _setting("sms", "twilio_auth_token", "TWILIO_AUTH_TOKEN")
    twilio_api_base_url: str = _setting(
        "sms", "twilio_api_base_url", "DISPATCHER_TWILIO_API_BASE_URL"
    )
    send_timeout: timedelta = _setting("sms", "send_timeout")
    send_retry_window: timedelta = _setting("sms", "send_retry_window")
    send_concurrency: int = _setting("sms", "send_concurrency", "DISPATCHER_SEND_CONCURRENCY")
    help_replies_per_hour: int = _setting("sms", "help_replies_per_hour")
    voice_ring_budget: timedelta = _setting("sms", "voice_ring_budget")
    tick_interval: timedelta = _setting("engine", "tick_interval", "DISPATCHER_TICK_INTERVAL")
    idle_close: timedelta = _setting("engine", "idle_close")
    note_max_age: timedelta = _setting("engine", "note_max_age")
    key_grace: timedelta = _setting("engine", "key_grace")
    engine_in_process: bool = _setting("engine", "in_process", "DISPATCHER_ENGINE_IN_PROCESS")
    checkin_grace: timedelta = _setting("care", "checkin_grace")
    checkin_tell_officer: bool = _setting("care", "checkin_tell_officer")
    services: tuple[str, ...] = _setting("care", "services")
    # Local time (coalition zone) of the coordinators' daily text of coverage gaps, or "off".
    gap_report_at: str = _setting("engine", "gap_report_at", "DISPATCHER_GAP_REPORT_AT")
    # How long a COVER or SWAP offer waits for a taker before the coordinators are told.
    offer_wait: timedelta = _setting("engine", "offer_wait")
    # Open shifts: the reminder before a sign-up's deadline goes to members who have taken
    # fewer than ``open_shift_minimum`` slots, ``open_shift_remind`` before it.
    open_shift_remind: timedelta = _setting("engine", "open_shift_remind")
    open_shift_minimum: int = _setting("engine", "open_shift_minimum")
    # Requests per minute per API token, and per calendar feed (counted in the database).
    api_per_minute: int = _setting("api", "per_minute", "DISPATCHER_API_PER_MINUTE")
    feed_per_minute: int = _setting("api", "feed_per_minute", "DISPATCHER_FEED_PER_MINUTE")
    session_idle: timedelta = _setting("admin", "session_idle")
    login_attempts: int = _setting("admin", "login_attempts")
    # Derived, not configured: True when the secret key was generated and kept locally.
    secret_key_local: bool = field(default=False, metadata={"derived": True})

    @property
    def simulator(self) -> bool:
        """True when outgoing messages go to the built-in simulator."""
        return self.sms_backend == "simulator"

    @property
    def zone(self) -> ZoneInfo:
        """The coalition's display time zone."""
        return ZoneInfo(self.timezone)

    @property
    def gap_report_time(self) -> time | None:
        """The local time of the daily gap report, or None when it is off."""
        return None if self.gap_report_at == "off" else time.fromisoformat(self.gap_report_at)


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Read defaults, the site file named by DISPATCHER_CONFIG, the environment, overrides.

    ``overrides`` maps field names to values (tests use it). Raises ConfigError.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    _merge_file(raw, DEFAULT_CONFIG)
    site = environ.get("DISPATCHER_CONFIG")
    if site:
        _merge_file(raw, Path(site))
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.metadata.get("derived"):
            continue
        section, key, env = f.metadata["section"], f.metadata["key"], f.metadata["env"]
        value = raw.get(section, {}).get(key)
        if env and environ.get(env) not in (None, ""):
            value = environ[env]
        if overrides and f.name in overrides:
            value = overrides[f.name]
        if value is None:
            raise ConfigError(f"setting {section}.{key} is missing")
        values[f.name] = _coerce(f.name, f.type, value, section, key)
    return _validated(values)


def _merge_file(raw: dict[str, Any], path: Path) -> None:
    """Merge one TOML file, section by section, into ``raw``."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path}: [{section}] must be a table")
        raw.setdefault(section, {}).update(table)


def _coerce(name: str, kind: Any, value: Any, section: str, key: str) -> Any:
    """Turn a TOML or environment value into the field's type."""
    where = f"setting {section}.{key}"
    try:
        if kind in ("timedelta", timedelta):
            return value if isinstance(value, timedelta) else parse_duration(str(value))
        if kind == "tuple[str, ...]":
            return _string_tuple(value)
        if kind in ("int", int):
            return int(value)
        if kind in ("bool", bool):
            if isinstance(value, bool):
                return value
            lowered = str(value).strip().lower()
            if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(value)
            return lowered in ("1", "true", "yes", "on")
        return str(value)
    except (ValueError, ValidationError) as exc:
        raise ConfigError(f"{where} has an invalid value: {exc}") from None


def _string_tuple(value: Any) -> tuple[str, ...]:
    """A TOML list of strings, or a comma-separated string, as a tuple without blanks."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise ValueError("expected a list of strings")
    return tuple(i.strip() for i in items if i.strip())


def _validated(values: dict[str, Any]) -> Settings:
    """Check cross-field rules and fill derived defaults."""
    backend = values["sms_backend"]
    if not 0 <= values["proxy_hops"] <= 5:
        raise ConfigError("setting service.proxy_hops must be between 0 and 5")
    if not 1 <= len(values["services"]) <= 9 or len(set(values["services"])) != len(
        values["services"]
    ):
        raise ConfigError("setting care.services must name 1 to 9 different services")
    if not 1 <= values["send_concurrency"] <= 64:
        raise ConfigError("setting sms.send_concurrency must be between 1 and 64")
    for name, key in (
        ("api_per_minute", "api.per_minute"),
        ("feed_per_minute", "api.feed_per_minute"),
    ):
        if not 1 <= values[name] <= 100_000:
            raise ConfigError(f"setting {key} must be between 1 and 100000")
    if not 0 <= values["open_shift_minimum"] <= 100:
        raise ConfigError("setting engine.open_shift_minimum must be between 0 and 100")
    if backend not in SMS_BACKENDS:
        raise ConfigError(f"setting sms.backend must be one of {', '.join(SMS_BACKENDS)}")
    report = values["gap_report_at"].strip().lower()
    if report != "off" and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", report):
        raise ConfigError('setting engine.gap_report_at must be a time like "07:00", or "off"')
    values["gap_report_at"] = report
    instance = Path(values["instance_dir"])
    if not instance.is_absolute():
        instance = Path.cwd() / instance
    values["instance_dir"] = str(instance)
    keys = Path(values["keys_dir"]) if values["keys_dir"] else instance / "keys"
    values["keys_dir"] = str(keys if keys.is_absolute() else Path.cwd() / keys)
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{instance / 'dispatcher.db'}"
    if backend == "twilio":
        for name, env in (
            ("twilio_account_sid", "TWILIO_ACCOUNT_SID"),
            ("twilio_auth_token", "TWILIO_AUTH_TOKEN"),
            ("secret_key", "DISPATCHER_SECRET_KEY"),
        ):
            if not values[name]:
                raise ConfigError(f"the twilio backend needs {env} (setting {name})")
        if not values["public_base_url"].startswith("https://"):
            raise ConfigError("the twilio backend needs an https DISPATCHER_PUBLIC_BASE_URL")
    else:
        values["twilio_account_sid"] = values["twilio_account_sid"] or "AC" + "0" * 32
        values["twilio_auth_token"] = values["twilio_auth_token"] or "simulator"
    if not values["secret_key"]:
        values["secret_key"] = _local_secret_key(instance)
        values["secret_key_local"] = True
    elif len(values["secret_key"]) < MIN_SECRET_KEY:
        raise ConfigError(
            f"DISPATCHER_SECRET_KEY (setting service.secret_key) must be at least "
            f"{MIN_SECRET_KEY} characters long"
        )
    values["public_base_url"] = values["public_base_url"].rstrip("/")
    values["hotline_number"] = _e164(values["hotline_number"], values["default_region"])
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"setting service.timezone: unknown zone {values['timezone']!r}"
        ) from None
    return Settings(**values)


def _e164(number: str, region: str) -> str:
    """Normalise the hotline number or raise ConfigError."""
    e164 = to_e164(number, region)
    if e164 is None:
        raise ConfigError("setting service.hotline_number is not a valid phone number")
    return e164


def _local_secret_key(instance: Path) -> str:
    """Keep a random key in the instance folder for the simulator (never for production).

    The folder is made private to the owner (0700) and the key file readable by the owner
    only (0600), created that way rather than narrowed afterwards.
    """
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    descriptor = create_private(path)
    if descriptor is None:  # another process wrote it first
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
