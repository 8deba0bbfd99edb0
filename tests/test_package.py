"""The wheel deploys: built from the repository, installed into a fresh venv (not editable),
it migrates a database, loads the demo coalition and serves.

Offline: the wheel is built without build isolation, and the fresh venv finds the
dependencies in this venv's site-packages through a path file, while this venv's editable
hook (which would import the working tree) stays out of it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def build_wheel(out: Path) -> Path:
    """Build the project's wheel into ``out`` and return its path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    return next(out.glob("dispatcher-*.whl"))


def fresh_venv(where: Path, wheel: Path) -> Path:
    """A new venv holding only the wheel; dependencies come from this venv by path."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
    )
    return where / "bin"


# The installed package finds its compiled catalogs (no build step at install or run).
SPANISH_REFERRAL = "from dispatcher.sms.messages import render; print(render('referral', {}, 'es'))"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30.0) -> int:
    """Poll ``url`` until it answers; return its status code."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the bin folder of a fresh venv it is installed in)."""
    root = tmp_path_factory.mktemp("package")
    wheel = build_wheel(root / "dist")
    return wheel, fresh_venv(root / "venv", wheel)


def test_the_wheel_carries_configuration_and_migrations(installed: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(installed[0]).namelist())
    for needed in (
        "dispatcher/config/default.toml",
        "dispatcher/config/demo.toml",
        "dispatcher/config/production.example.toml",
        "dispatcher/migrations/env.py",
        "dispatcher/migrations/script.py.mako",
        "dispatcher/migrations/versions/0001_initial.py",
        "dispatcher/admin/templates/admin/base.html",
        "dispatcher/sms/templates/sms/_phone.html",
        "dispatcher/sms/static/sms/simulator.js",
        "dispatcher/sms/static/sms/simulator.css",
        "dispatcher/translations/es/LC_MESSAGES/messages.mo",
    ):
        assert needed in names


def test_an_installed_wheel_migrates_loads_the_demo_and_serves(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    bin_dir = installed[1]
    env = {**os.environ, "DISPATCHER_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("DISPATCHER_CONFIG", None)
    where = subprocess.run(
        [bin_dir / "python", "-c", "import dispatcher; print(dispatcher.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(bin_dir.parent)), where
    spanish = subprocess.run(
        [bin_dir / "python", "-c", SPANISH_REFERRAL],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert spanish.startswith("Si está en peligro, llame al 911."), spanish
    for command in (["db", "upgrade"], ["demo", "load", "--if-empty"]):
        subprocess.run([bin_dir / "dispatcher", *command], cwd=tmp_path, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "dispatcher", "run", "--port", str(port)], cwd=tmp_path, env=env
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz") == 200
        assert wait_for(f"http://127.0.0.1:{port}/simulator") == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/simulator?lang=es") as page:
            assert "Simulador de SMS" in page.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=15)
