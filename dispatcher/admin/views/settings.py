"""Admin only: the service's effective settings, read-only, and what to paste into Twilio.

Settings are data read once at start-up from files and the environment (secrets from the
environment only), so this page shows them and says where each comes from; it does not
edit them. Secrets are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dispatcher import web
from dispatcher.admin.auth import roles_required
from dispatcher.admin.blueprint import blueprint
from dispatcher.admin.pages import db
from dispatcher.durations import format_duration
from dispatcher.flows.models import EngineLease
from dispatcher.settings import Settings


@dataclass(frozen=True)
class Shown:
    """One setting as the page shows it."""

    name: str
    value: str
    source: str  # where to change it


def shown_settings(settings: Settings) -> list[Shown]:
    """The settings worth seeing, secrets withheld, with where each one is set."""
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    return [
        Shown("SMS backend", settings.sms_backend, "DISPATCHER_SMS_BACKEND"),
        Shown("Hotline number", settings.hotline_number, "DISPATCHER_HOTLINE_NUMBER"),
        Shown("Public base URL", settings.public_base_url, "DISPATCHER_PUBLIC_BASE_URL"),
        Shown("Database", url, "DISPATCHER_DATABASE_URL"),
        Shown("Time zone for pages", settings.timezone, "DISPATCHER_TIMEZONE"),
        Shown("Region for national numbers", settings.default_region, "DISPATCHER_DEFAULT_REGION"),
        Shown("Twilio account", _masked(settings.twilio_account_sid), "TWILIO_ACCOUNT_SID"),
        Shown("Twilio auth token", "set (never shown)", "TWILIO_AUTH_TOKEN"),
        Shown("Secret key", "set (never shown)", "DISPATCHER_SECRET_KEY"),
        Shown(
            "Engine in the web process",
            "yes" if settings.engine_in_process else "no",
            "DISPATCHER_ENGINE_IN_PROCESS",
        ),
        Shown("Engine tick", format_duration(settings.tick_interval), "DISPATCHER_TICK_INTERVAL"),
        Shown(
            "Idle requests close after", format_duration(settings.idle_close), "[engine] idle_close"
        ),
        Shown(
            "Officer's words kept at most",
            format_duration(settings.note_max_age),
            "[engine] note_max_age",
        ),
        Shown("Send timeout", format_duration(settings.send_timeout), "[sms] send_timeout"),
        Shown(
            "Send retries for",
            format_duration(settings.send_retry_window),
            "[sms] send_retry_window",
        ),
        Shown("Sends at once", str(settings.send_concurrency), "[sms] send_concurrency"),
        Shown(
            "Help replies per number per hour",
            str(settings.help_replies_per_hour),
            "[sms] help_replies_per_hour",
        ),
        Shown(
            "Admin sign-out after idle",
            format_duration(settings.session_idle),
            "[admin] session_idle",
        ),
        Shown(
            "Sign-in attempts per 15 minutes",
            str(settings.login_attempts),
            "[admin] login_attempts",
        ),
    ]


def _masked(sid: str) -> str:
    """An account sid with all but its last four characters hidden."""
    return "…" + sid[-4:] if len(sid) > 4 else "set"


@blueprint.get("/settings")
@roles_required("admin")
def settings_page() -> ResponseReturnValue:
    """Effective settings, the Twilio webhook URLs, and the engine's last tick."""
    settings = web.runtime().settings
    lease = db().scalars(select(EngineLease).where(EngineLease.name == "engine")).first()
    base = settings.public_base_url
    webhooks = {
        "Messaging: a message comes in (HTTP POST)": f"{base}/sms/inbound",
        "Voice: a call comes in (HTTP POST)": f"{base}/voice/inbound",
        "Status callbacks (set on every message; nothing to paste)": f"{base}/sms/status",
    }
    return render_template(
        "admin/settings.html",
        title="Settings",
        rows=shown_settings(settings),
        webhooks=webhooks,
        last_tick=lease.last_tick_at if lease else None,
    )
