"""Settings are read once, at import, so each case runs in its own process."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "factcheck.example.org",
    "HTTPS": "true",
}


def run(args: list[str], tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run Python with only ``env`` (and PATH) as its environment."""
    environ = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def django_setup(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["-c", "import django; django.setup()"], tmp_path, env)


def assert_improperly_configured(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    for fragment in fragments:
        assert fragment in last_line


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = django_setup(tmp_path, {"DEBUG": "false"})

    assert_improperly_configured(result, "SECRET_KEY is not set")


def test_development_without_a_secret_key_starts(tmp_path: Path) -> None:
    result = django_setup(tmp_path, {"DEBUG": "true"})

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL='nonsense://x' is not a database URL"),
        ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL uses django.db.backends.mysql"),
        ("CELERY_BROKER_URL", "ftp://x", "CELERY_BROKER_URL='ftp://x' is not supported"),
        ("IMPORT_MAX_BYTES", "abc", "IMPORT_MAX_BYTES='abc' is not a whole number"),
        ("IMPORT_MAX_BYTES", "10", "IMPORT_MAX_BYTES='10' must be at least 1024"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not one of DEBUG, INFO"),
        ("CSRF_TRUSTED_ORIGINS", "example.com", "entry 'example.com' must start with http"),
        ("CONSENSUS_MIN_RATINGS", "0", "CONSENSUS_MIN_RATINGS='0' must be at least 1"),
        ("CONSENSUS_MIN_AGREEMENT", "most", "CONSENSUS_MIN_AGREEMENT='most' is not a number"),
        ("CONSENSUS_MIN_AGREEMENT", "nan", "CONSENSUS_MIN_AGREEMENT='nan' is not a number"),
        ("CONSENSUS_MIN_AGREEMENT", "60", "CONSENSUS_MIN_AGREEMENT='60' must be at most 1.0"),
        ("STALE_AFTER_DAYS", "0", "STALE_AFTER_DAYS='0' must be at least 1"),
        ("STALE_AFTER_DAYS", "a week", "STALE_AFTER_DAYS='a week' is not a whole number"),
        ("PUBLIC_BASE_URL", "checks.example.org", "must be an absolute http:// or https:// URL"),
        ("CLAIMREVIEW_ORGANIZATION_URL", "ftp://x.org", "must be an absolute http:// or https"),
        ("TRUSTED_PROXIES", "proxy.internal", "entry 'proxy.internal' is not an IP address"),
        ("TRUSTED_PROXIES", "10.0.0.0/33", "entry '10.0.0.0/33' is not an IP address or network"),
        ("TRUSTED_PROXIES", "*", "entry '*' is not an IP address or network"),
        ("SIGNIN_MAX_FAILURES_PER_ACCOUNT", "0", "must be at least 1"),
        ("SIGNIN_MAX_FAILURES_PER_ADDRESS", "many", "is not a whole number"),
        ("SIGNIN_FAILURE_WINDOW_MINUTES", "0", "must be at least 1"),
        ("CONN_HEALTH_CHECKS", "often", "CONN_HEALTH_CHECKS='often' is not a boolean"),
        ("CSP_REPORT_ONLY", "sometimes", "CSP_REPORT_ONLY='sometimes' is not a boolean"),
        ("BLIND_RATINGS", "partly", "BLIND_RATINGS='partly' is not a boolean"),
        ("SEARCH_RANK_LIMIT", "10", "SEARCH_RANK_LIMIT='10' must be at least 100"),
    ],
)
def test_a_wrong_value_stops_start_up_with_a_clear_message(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = django_setup(tmp_path, {"SECRET_KEY": "test", variable: value})

    assert_improperly_configured(result, variable, message)


@pytest.mark.parametrize(("value", "expected"), [(None, "True"), ("false", "False")])
def test_blind_ratings_are_on_unless_turned_off(
    tmp_path: Path, value: str | None, expected: str
) -> None:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.BLIND_RATINGS)"
    env = {"SECRET_KEY": "test"} | ({"BLIND_RATINGS": value} if value else {})

    result = run(["-c", code], tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_trusted_proxies_are_addresses_and_networks_in_their_normal_form(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.TRUSTED_PROXIES)"

    result = run(
        ["-c", code],
        tmp_path,
        {"SECRET_KEY": "test", "TRUSTED_PROXIES": " 10.0.0.5, 172.16.0.1/12 ,fd00::/8,"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['10.0.0.5/32', '172.16.0.0/12', 'fd00::/8']"


def test_production_settings_pass_the_deployment_checklist(tmp_path: Path) -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, PRODUCTION
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("value", "enforced", "reported"),
    [(None, True, False), ("false", True, False), ("true", False, True)],
)
def test_csp_report_only_moves_the_policy_to_the_report_only_header(
    tmp_path: Path, value: str | None, enforced: bool, reported: bool
) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.CONTENT_SECURITY_POLICY is not None,"
        " s.CONTENT_SECURITY_POLICY_REPORT_ONLY is not None)"
    )
    env = {"SECRET_KEY": "test"} | ({"CSP_REPORT_ONLY": value} if value is not None else {})

    result = run(["-c", code], tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(enforced), str(reported)]


def test_logs_are_json_lines_on_stdout(tmp_path: Path) -> None:
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('factcheck.probe').debug('hidden');"
        "logging.getLogger('factcheck.probe').info('imported', extra={'article_id': 7})"
    )

    result = run(["-c", code], tmp_path, {**PRODUCTION, "LOG_LEVEL": "INFO"})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    record = json.loads(lines[0])
    assert record["level"] == "INFO"
    assert record["logger"] == "factcheck.probe"
    assert record["message"] == "imported"
    assert record["article_id"] == 7
    assert record["time"]


def test_email_url_sets_the_mail_server_and_a_wrong_one_refuses_to_start(tmp_path: Path) -> None:
    show = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_USE_TLS]))"
    )
    url = "smtp://mailer:secret@mail.example.org:587/?tls=True"
    result = run(["-c", show], tmp_path, {**PRODUCTION, "EMAIL_URL": url})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        587,
        "mailer",
        True,
    ]
    default = run(["-c", show], tmp_path, PRODUCTION)
    assert json.loads(default.stdout)[0] == "django.core.mail.backends.console.EmailBackend"

    wrong = django_setup(tmp_path, {**PRODUCTION, "EMAIL_URL": "pigeon://loft"})
    assert_improperly_configured(wrong, "EMAIL_URL is not an e-mail URL")
    late = django_setup(tmp_path, {**PRODUCTION, "NOTIFICATIONS_DIGEST_HOUR": "24"})
    assert_improperly_configured(late, "NOTIFICATIONS_DIGEST_HOUR")


@pytest.mark.parametrize(
    ("url", "value", "expected"),
    [
        ("postgres://u@db/x", None, "-c random_page_cost=1.1"),
        ("postgres://u@db/x", "4", "-c random_page_cost=4"),
        ("postgres://u@db/x", "", None),  # the server's own
        ("postgres://u@db/x?options=-c%20random_page_cost%3D2", None, "-c random_page_cost=2"),
        ("sqlite:///x.sqlite3", None, None),
    ],
)
def test_postgresql_is_told_its_pages_are_in_memory_unless_told_otherwise(
    tmp_path: Path, url: str, value: str | None, expected: str | None
) -> None:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    env = {"SECRET_KEY": "test", "DATABASE_URL": url}
    env |= {"DATABASE_RANDOM_PAGE_COST": value} if value is not None else {}

    result = run(["-c", code], tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


def test_a_page_cost_that_is_not_a_positive_number_refuses_to_start(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "test", "DATABASE_URL": "postgres://u@db/x"}
    result = django_setup(tmp_path, env | {"DATABASE_RANDOM_PAGE_COST": "cheap"})

    assert_improperly_configured(result, "DATABASE_RANDOM_PAGE_COST='cheap' is not a number")
