"""Settings: defaults, site file, environment, and errors that name the setting."""

from __future__ import annotations

import stat
from datetime import time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dispatcher.db import Database, upgrade_database
from dispatcher.errors import ConfigError
from dispatcher.settings import load_settings


def test_defaults_give_sqlite_simulator_and_a_kept_local_key(tmp_path: Path) -> None:
    env = {"DISPATCHER_INSTANCE_DIR": str(tmp_path)}
    first = load_settings(environ=env)
    assert first.sms_backend == "simulator"
    assert first.database_url == f"sqlite:///{tmp_path / 'dispatcher.db'}"
    assert first.tick_interval == timedelta(seconds=1)
    assert first.hotline_number.startswith("+1")
    assert load_settings(environ=env).secret_key == first.secret_key
    assert first.secret_key_local


def test_the_local_key_and_sqlite_files_are_private_to_the_owner(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    settings = load_settings(environ={"DISPATCHER_INSTANCE_DIR": str(instance)})
    upgrade_database(settings.database_url)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    files = [instance / "dispatcher.db", instance / "dispatcher.db-wal"]
    database = Database(settings.database_url)
    with database.session_scope() as session:
        session.execute(sa.text("SELECT 1"))
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600, 0o600]
    database.dispose()


def test_environment_overrides_site_file_which_overrides_defaults(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[service]\nhotline_number = "(262) 555-0199"\n[sms]\nsend_timeout = "3s"\n')
    env = {
        "DISPATCHER_CONFIG": str(site),
        "DISPATCHER_INSTANCE_DIR": str(tmp_path),
        "DISPATCHER_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "DISPATCHER_SECRET_KEY": "k" * 32,
    }
    settings = load_settings(environ=env)
    assert settings.hotline_number == "+12625550199"
    assert settings.send_timeout == timedelta(seconds=3)
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.secret_key == "k" * 32
    assert not settings.secret_key_local


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DISPATCHER_SMS_BACKEND": "carrier-pigeon"}, "sms.backend"),
        ({"DISPATCHER_SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID"),
        (
            {
                "DISPATCHER_SMS_BACKEND": "twilio",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "DISPATCHER_SECRET_KEY": "k" * 32,
            },
            "https",
        ),
        ({"DISPATCHER_HOTLINE_NUMBER": "12"}, "hotline_number"),
        ({"DISPATCHER_SECRET_KEY": "k" * 31}, "at least 32 characters"),
        ({"DISPATCHER_TICK_INTERVAL": "soon"}, "engine.tick_interval"),
        ({"DISPATCHER_ENGINE_IN_PROCESS": "maybe"}, "engine.in_process"),
        ({"DISPATCHER_TIMEZONE": "Mars/Olympus"}, "service.timezone"),
        ({"DISPATCHER_GAP_REPORT_AT": "7am"}, "engine.gap_report_at"),
        ({"DISPATCHER_GAP_REPORT_AT": "24:00"}, "engine.gap_report_at"),
        ({"DISPATCHER_CONFIG": "/nonexistent/site.toml"}, "/nonexistent/site.toml"),
    ],
)
def test_bad_values_stop_startup_naming_the_setting(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    env = {"DISPATCHER_INSTANCE_DIR": str(tmp_path), **env}
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_settings(environ=env)


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(environ={"DISPATCHER_INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(AttributeError):
        settings.sms_backend = "twilio"  # type: ignore[misc]


def test_key_settings_default_to_the_instance_folder_and_read_a_list(tmp_path: Path) -> None:
    env = {"DISPATCHER_INSTANCE_DIR": str(tmp_path)}
    default = load_settings(environ=env)
    assert default.keys_dir == str(tmp_path / "keys")
    assert default.previous_secret_keys == ()
    assert default.key_grace == timedelta(hours=2)
    rotated = load_settings(
        environ={
            **env,
            "DISPATCHER_KEYS_DIR": "/srv/dispatcher-keys",
            "DISPATCHER_PREVIOUS_SECRET_KEYS": "first-old-key, second-old-key,",
        }
    )
    assert rotated.keys_dir == "/srv/dispatcher-keys"
    assert rotated.previous_secret_keys == ("first-old-key", "second-old-key")
    site = tmp_path / "site.toml"
    site.write_text('[service]\nprevious_secret_keys = ["from-a-file"]\n')
    from_file = load_settings(environ={**env, "DISPATCHER_CONFIG": str(site)})
    assert from_file.previous_secret_keys == ("from-a-file",)
    site.write_text("[service]\nprevious_secret_keys = 3\n")
    with pytest.raises(ConfigError, match=r"service\.previous_secret_keys"):
        load_settings(environ={**env, "DISPATCHER_CONFIG": str(site)})


@pytest.mark.parametrize(
    ("value", "at"), [("07:00", time(7)), ("23:59", time(23, 59)), ("OFF", None)]
)
def test_the_gap_report_time(tmp_path: Path, value: str, at: time | None) -> None:
    env = {"DISPATCHER_INSTANCE_DIR": str(tmp_path), "DISPATCHER_GAP_REPORT_AT": value}
    assert load_settings(environ=env).gap_report_time == at
