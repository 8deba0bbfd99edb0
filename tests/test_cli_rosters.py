"""The roster commands end to end: a real SQLite file, the real ``dispatcher`` command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from dispatcher.audit import AuditEntry
from dispatcher.cli import main
from dispatcher.db import Database, upgrade_database
from tests.support.coalition import COALITION

Run = Callable[..., Result]

# The shared coalition, with Dee Park added for one night across the spring change
# (2026-03-07 22:00 to 03-08 04:00) instead of replacing Ana later on.
ROSTER = COALITION.replace(
    'action = "replace"          # add | remove | replace\nperson = "Dee Park"\n'
    'replaces = "Ana Ruiz"\nfrom = "2026-03-10T20:00"\nto = "2026-03-11T08:00"',
    'action = "add"\nperson = "Dee Park"\nfrom = "2026-03-07T22:00"\nto = "2026-03-08T04:00"',
)
assert ROSTER != COALITION


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment for the command: a migrated SQLite file of the test's own."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_database(url)
    return {
        "DISPATCHER_DATABASE_URL": url,
        "DISPATCHER_INSTANCE_DIR": str(tmp_path / "instance"),
        "DISPATCHER_SECRET_KEY": "test-secret-key-at-least-32-characters-long",
        "DISPATCHER_CONFIG": "",
    }


@pytest.fixture
def run(env: dict[str, str]) -> Run:
    """Invoke ``dispatcher ARGS...`` in-process and return click's result."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke


@pytest.fixture
def loaded(run: Run, tmp_path: Path) -> Run:
    """The command runner, after importing ROSTER."""
    path = tmp_path / "roster.toml"
    path.write_text(ROSTER)
    result = run("roster", "import", str(path))
    assert result.exit_code == 0, result.output
    return run


def test_import_prints_a_summary_and_reimport_changes_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "roster.toml"
    path.write_text(ROSTER)
    first = run("roster", "import", str(path))
    assert first.exit_code == 0
    assert first.stdout.splitlines() == [
        "people: 5 created, 0 updated, 0 unchanged",
        "rosters: 1 created, 0 updated, 0 unchanged",
        "agencies: 1 created, 0 updated, 0 unchanged",
        "officers: 1 created, 0 updated, 0 unchanged",
    ]
    again = run("roster", "import", str(path))
    assert "people: 0 created, 0 updated, 5 unchanged" in again.stdout


def test_export_to_stdout_or_file_round_trips(loaded: Run, tmp_path: Path) -> None:
    shown = loaded("roster", "export")
    assert shown.exit_code == 0
    assert '[[rosters.rotations]]\nname = "nights"' in shown.stdout
    target = tmp_path / "exported.toml"
    written = loaded("roster", "export", str(target))
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_text() == shown.stdout
    assert loaded("roster", "import", str(target)).exit_code == 0
    assert loaded("roster", "export").stdout == shown.stdout


def test_a_bad_file_exits_1_listing_every_problem_and_changes_nothing(
    loaded: Run, tmp_path: Path
) -> None:
    before = loaded("roster", "export").stdout
    bad = ROSTER.replace('"262-555-0102"', '"0102"').replace('"5m"', '"5 minutes"', 1)
    bad = bad.replace('"Kim Moss"\nphone', '"Kim Moss"\nemail = "kim@example.org"\nphone')
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    result = loaded("roster", "import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}: 3 problems, nothing was changed" in result.stderr
    assert f"{path}:50: people[2] \"Ben Okafor\": phone: '0102' is not a valid" in result.stderr
    assert 'people[1] "Kim Moss": email: unknown field' in result.stderr
    assert "escalation steps[0]: wait: '5 minutes' is not a duration" in result.stderr
    assert loaded("roster", "export").stdout == before


def test_a_file_that_is_not_toml_exits_1(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[[people]\nname = 'x'\n")
    result = run("roster", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: TOML syntax error" in result.stderr


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-07T21:00", "Ben Okafor\n"),
        ("2026-03-07T23:00", "Ben Okafor\nDee Park\n"),  # Dee added, sorted by name
        ("2026-03-08T05:00:00Z", "Ben Okafor\nDee Park\n"),  # 23:00 CST, with an offset
        ("2026-03-08T02:30", "Ben Okafor\nDee Park\n"),  # in the spring gap: read as 03:00
        ("2026-03-08T04:00", "Ben Okafor\n"),
    ],
)
def test_oncall_prints_names_one_per_line(loaded: Run, when: str, expected: str) -> None:
    result = loaded("oncall", "advocates", "--at", when)
    assert (result.exit_code, result.stdout) == (0, expected)


def test_oncall_exits_3_with_nothing_on_stdout_when_nobody_is(loaded: Run) -> None:
    result = loaded("oncall", "advocates", "--at", "2026-03-09T12:00")
    assert (result.exit_code, result.stdout) == (3, "")


def test_an_unknown_roster_exits_1_naming_it(loaded: Run) -> None:
    for args in (
        ("oncall", "lawyers"),
        ("shifts", "lawyers", "--from", "2026-03-07", "--to", "2026-03-08"),
    ):
        result = loaded(*args)
        assert result.exit_code == 1
        assert "no roster named 'lawyers' (rosters: advocates)" in result.stderr


def test_a_bad_when_is_a_usage_error(loaded: Run) -> None:
    result = loaded("oncall", "advocates", "--at", "tonight")
    assert result.exit_code == 2
    assert "'tonight' is not an ISO 8601 date-time" in result.stderr
    backwards = loaded("shifts", "advocates", "--from", "2026-03-08", "--to", "2026-03-07")
    assert backwards.exit_code == 2


def test_shifts_print_whole_periods_with_the_local_offset(loaded: Run) -> None:
    result = loaded("shifts", "advocates", "--from", "2026-03-07T06:00", "--to", "2026-03-08T21:00")
    assert result.exit_code == 0
    assert result.stdout == (
        "2026-03-06T20:00:00-06:00 2026-03-07T08:00:00-06:00 Ana Ruiz\n"
        "2026-03-07T20:00:00-06:00 2026-03-08T08:00:00-05:00 Ben Okafor\n"
        "2026-03-07T22:00:00-06:00 2026-03-08T04:00:00-05:00 Dee Park\n"
        "2026-03-08T20:00:00-05:00 2026-03-09T08:00:00-05:00 Cruz Lee\n"
    )


def test_shifts_accept_instants_with_an_offset(loaded: Run) -> None:
    result = loaded(
        "shifts", "advocates", "--from", "2026-03-09T12:00:00+00:00", "--to", "2026-03-09T14:00Z"
    )
    assert result.stdout == "2026-03-08T20:00:00-05:00 2026-03-09T08:00:00-05:00 Cruz Lee\n"


def test_demo_load_fills_an_empty_database_once(run: Run) -> None:
    first = run("demo", "load", "--if-empty")
    assert first.exit_code == 0, first.output
    assert "rosters: 4 created" in first.stdout
    second = run("demo", "load", "--if-empty")
    assert second.stdout == "the database already has people: demo not loaded\n"
    hotels = run("oncall", "hotels", "--at", "2026-03-10T03:00")
    assert hotels.stdout == "Harborview Inn\nLakeshore Suites\n"
    assert run("demo", "load").stdout.startswith("people: 0 created, 0 updated, 15 unchanged")


def test_the_installed_command_exits_with_the_documented_codes(
    env: dict[str, str], tmp_path: Path
) -> None:
    command = Path(sys.executable).with_name("dispatcher")
    path = tmp_path / "roster.toml"
    path.write_text(ROSTER)

    def dispatcher(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(command), *args],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    assert dispatcher("roster", "import", str(path)).returncode == 0
    nobody = dispatcher("oncall", "advocates", "--at", "2026-03-09T12:00")
    assert (nobody.returncode, nobody.stdout) == (3, "")
    path.write_text(ROSTER.replace("daily", "nightly"))
    bad = dispatcher("roster", "import", str(path))
    assert bad.returncode == 1
    assert "rotations[0] \"nights\": type: 'nightly' is not one of" in bad.stderr


def test_imports_and_exports_reach_the_audit_log(loaded: Run, env: dict[str, str]) -> None:
    loaded("roster", "export")
    database = Database(env["DISPATCHER_DATABASE_URL"])
    with database.session_scope() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    database.dispose()
    done = [(e.action, e.entity) for e in entries]
    assert done.count(("create", "person")) == 5
    assert ("create", "roster") in done and ("create", "officer") in done
    assert done[-1] == ("export", "roster_file")
    assert all(e.actor.startswith("cli") for e in entries)


def test_a_file_nested_500_deep_exits_1_without_a_traceback(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 500 + "]" * 500)
    result = run("roster", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}: tables or arrays are nested too deeply" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_the_hotlines_own_number_is_refused_in_a_roster_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "hotline.toml"
    path.write_text(ROSTER.replace('"+1 262 555 0104"', '"(262) 555-0100"'))
    result = run("roster", "import", str(path))
    assert result.exit_code == 1
    assert "is the hotline's own number" in result.stderr


TWELVES = """\
[[people]]
name = "Ana Ruiz"
phone = "(262) 555-0101"

[[people]]
name = "Ben Okafor"
phone = "262-555-0102"

[[rosters]]
name = "twelves"
kind = "advocate"
timezone = "America/Chicago"

[[rosters.rotations]]
name = "day and night"
type = "hourly"
length = 12
start = "2026-03-01T08:00"
participants = ["Ana Ruiz", "Ben Okafor"]
"""


def test_twelve_hour_shifts_keep_eight_and_eight_across_the_change(
    run: Run, tmp_path: Path
) -> None:
    """The reported rotation: after the March change it still hands off at 08:00 and 20:00."""
    path = tmp_path / "twelves.toml"
    path.write_text(TWELVES)
    assert run("roster", "import", str(path)).exit_code == 0
    spring = run("shifts", "twelves", "--from", "2026-03-07T21:00", "--to", "2026-03-08T09:00")
    assert spring.stdout == (
        "2026-03-07T20:00:00-06:00 2026-03-08T08:00:00-05:00 Ben Okafor\n"
        "2026-03-08T08:00:00-05:00 2026-03-08T20:00:00-05:00 Ana Ruiz\n"
    )
    summer = run("shifts", "twelves", "--from", "2026-07-15T09:00", "--to", "2026-07-15T21:00")
    assert summer.stdout == (
        "2026-07-15T08:00:00-05:00 2026-07-15T20:00:00-05:00 Ana Ruiz\n"
        "2026-07-15T20:00:00-05:00 2026-07-16T08:00:00-05:00 Ben Okafor\n"
    )


def test_a_dry_run_prints_the_changes_and_writes_nothing(loaded: Run, tmp_path: Path) -> None:
    path = tmp_path / "changed.toml"
    without_dee = ROSTER.replace(
        '[[rosters.overrides]]\naction = "add"\nperson = "Dee Park"\n'
        'from = "2026-03-07T22:00"\nto = "2026-03-08T04:00"\n',
        "",
    )
    assert without_dee != ROSTER
    path.write_text(without_dee + '\n[[people]]\nname = "Maria Gonzalez"\nphone = "262-555-0177"\n')
    result = loaded("roster", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "adds person Maria Gonzalez",
        "removes 1 override from advocates: Dee Park, Sat 07 Mar",
    ]
    assert "Maria Gonzalez" not in loaded("roster", "export").stdout


def test_importing_an_older_export_warns_what_it_would_undo(loaded: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    assert loaded("roster", "export", str(old)).exit_code == 0
    newer = tmp_path / "newer.toml"
    newer.write_text('[[people]]\nname = "Maria Gonzalez"\nphone = "262-555-0177"\n')
    assert loaded("roster", "import", str(newer)).exit_code == 0
    result = loaded("roster", "import", str(old), "--dry-run")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "created person Maria Gonzalez" in result.stderr
    assert result.stdout.strip() == "no changes"  # an import never deletes people
