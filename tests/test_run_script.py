"""``scripts/run`` runs the app the way visitors see a deployed site: DEBUG off, the app's own
404 page, static files served by WhiteNoise, and a secret key generated once under the data
directory (mode 600) and reused. The environment comes from ``scripts/_run_env.sh``, which
the script sources; here it is sourced the same way, and the web server started with it."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO_DIR

RUN_ENV = REPO_DIR / "scripts" / "_run_env.sh"


def run_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment scripts/run gives manage.py, for a data directory of its own."""
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY", "DEBUG"}
    }
    base |= {"DATA_DIR": str(data_dir), "PYTHON": sys.executable, **extra}
    shown = subprocess.run(
        ["bash", "-c", f'set -euo pipefail; source "{RUN_ENV}"; env -0'],
        env=base,
        capture_output=True,
        check=True,
        timeout=60,
        cwd=REPO_DIR,
    )
    return dict(line.split("=", 1) for line in shown.stdout.decode().split("\0") if "=" in line)


def test_the_run_script_turns_debug_off_and_keeps_one_private_secret_key(tmp_path: Path):
    env = run_env(tmp_path)
    key_file = tmp_path / "secret_key"
    assert env["DEBUG"] == "false"
    assert len(env["SECRET_KEY"]) >= 50
    assert key_file.read_text().strip() == env["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert env["STATIC_ROOT"] == str(tmp_path / "static")
    # Run again: the same key, so sessions survive a restart.
    assert run_env(tmp_path)["SECRET_KEY"] == env["SECRET_KEY"]
    # A key given in the environment wins, and no file is needed for it.
    given = "k" * 60
    assert run_env(tmp_path / "other", SECRET_KEY=given)["SECRET_KEY"] == given
    assert not (tmp_path / "other" / "secret_key").exists()


def test_the_run_script_says_how_to_change_the_port_and_fetch_local_pages():
    script = (REPO_DIR / "scripts" / "run").read_text()
    assert "PORT=8080 scripts/run" in script
    assert "FETCH_ALLOW_LOOPBACK=true scripts/run" in script
    assert "source scripts/_run_env.sh" in script
    assert "collectstatic" in script
    readme = (REPO_DIR / "README.md").read_text()
    assert "PORT=8080 scripts/run" in readme
    assert "FETCH_ALLOW_LOOPBACK=true scripts/run" in readme


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_the_run_script_serves_the_apps_own_404_page_and_its_static_files(tmp_path: Path):
    env = run_env(tmp_path)
    manage = [sys.executable, str(REPO_DIR / "manage.py")]
    # The app's own files only: the admin's and the API docs' take minutes to compress.
    ignore = [
        "--ignore",
        "admin",
        "--ignore",
        "drf_spectacular_sidecar",
        "--ignore",
        "rest_framework",
    ]
    subprocess.run(
        [*manage, "collectstatic", "--no-input", "--verbosity", "0", *ignore],
        env=env,
        check=True,
        timeout=120,
        cwd=REPO_DIR,
    )
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body, _headers = get(f"{base}/no-such-page/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start within a minute"
                time.sleep(0.3)
        assert status == 404
        assert "There is nothing at this address" in body
        assert "Using the URLconf" not in body  # Django's debug page
        # Its stylesheet, under the name collectstatic gave it, from WhiteNoise.
        stylesheet = body.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert stylesheet.startswith("/static/web/app.")
        assert stylesheet != "/static/web/app.css"
        status, css, headers = get(f"{base}{stylesheet}")
        assert status == 200
        assert ".site-header" in css
        assert "immutable" in headers.get("Cache-Control", "")
        assert get(f"{base}/signin/")[0] == 200
        assert get(f"http://localhost:{port}/signin/")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
