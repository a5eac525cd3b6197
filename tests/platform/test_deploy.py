"""Deployment: the production environment documented in docs/deploy.md passes ``check --deploy`` with no
issue, the built-in secret key is an error there, the HTTPS settings come from the environment with defaults
that keep the demo on plain HTTP working, and every page carries a Content-Security-Policy."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import jixiao

ROOT = Path(__file__).parents[2]
DEPLOY_MD = ROOT / "docs" / "deploy.md"
TEMPLATES = sorted((ROOT / "src" / "jixiao").glob("*/templates/**/*.html"))
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEPLOY_DB = "jixiao_deploy"


def documented_environment() -> dict[str, str]:
    """The variables of the ``# /etc/jixiao/jixiao.env`` block of docs/deploy.md."""
    blocks = re.findall(r"```sh\n(# /etc/jixiao/jixiao\.env\n.*?)```", DEPLOY_MD.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/deploy.md has one environment block"
    env = {}
    for line in blocks[0].splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return env


def deploy_database() -> str:
    """The URL of a PostgreSQL database of this test's own, created when absent (skips without PostgreSQL)."""
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DEPLOY_DB]).fetchone():
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another worker made it first
                    conn.execute(f'CREATE DATABASE "{DEPLOY_DB}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {POSTGRES}: {exc}")
    return f"{POSTGRES}/{DEPLOY_DB}"


def clean_environment() -> dict[str, str]:
    """What a fresh process needs besides the settings' variables: PATH, the settings module and this
    test's own jixiao package first on the path."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(Path(jixiao.__file__).parents[1]),
        "DJANGO_SETTINGS_MODULE": "jixiao.settings",
    }


def django(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m django ARGS`` in a fresh process with exactly ``env`` (and ``clean_environment()``)."""
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=clean_environment() | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(tmp_path: Path) -> dict[str, str]:
    """The documented environment on this machine: our database, a fresh secret key file, temporary folders."""
    key, audit_key = tmp_path / "secret_key", tmp_path / "audit_key"
    key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    audit_key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    audit_key.chmod(0o600)
    return documented_environment() | {
        "DATABASE_URL": deploy_database(),
        "SECRET_KEY_FILE": str(key),
        "AUDIT_KEY_FILE": str(audit_key),
        "AUDIT_CHECKPOINT_FILE": str(tmp_path / "data" / "audit-checkpoints.log"),
        "JIXIAO_DATA_DIR": str(tmp_path / "data"),
    }


def test_the_documented_production_environment_passes_the_deploy_check(tmp_path: Path) -> None:
    done = django(["check", "--deploy", "--database", "default", "--fail-level", "WARNING"],
                  production(tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_the_built_in_secret_key_is_an_error_of_the_deploy_check(tmp_path: Path) -> None:
    env = production(tmp_path)
    del env["SECRET_KEY_FILE"]
    done = django(["check", "--deploy"], env, tmp_path)
    assert done.returncode == 1
    assert "(jixiao.E001) SECRET_KEY is the built-in key" in done.stderr
    assert "jixiao.E002" not in done.stderr


def test_debug_is_an_error_of_the_deploy_check(tmp_path: Path) -> None:
    done = django(["check", "--deploy"], production(tmp_path) | {"DEBUG": "true"}, tmp_path)
    assert done.returncode == 1
    assert "(jixiao.E002) DEBUG is on." in done.stderr


def test_the_plain_check_of_the_embedded_demo_is_clean(tmp_path: Path) -> None:
    done = django(["check", "--fail-level", "WARNING"], {"JIXIAO_DATA_DIR": str(tmp_path)}, tmp_path)
    assert done.returncode == 0, done.stderr


SHOWN = [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "AXES_FAILURE_LIMIT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT",
]


def settings_under(env: dict[str, str], tmp_path: Path) -> Any:
    """The settings in ``SHOWN`` (and the cool-off in minutes) as a fresh process reads them from ``env``."""
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SHOWN!r}}} "
        "| {'cooloff': s.AXES_COOLOFF_TIME.total_seconds() / 60}))"
    )
    env = clean_environment() | {"JIXIAO_DATA_DIR": str(tmp_path)} | env
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout) if done.returncode == 0 else done.stderr


def test_with_nothing_set_the_demo_keeps_plain_http(tmp_path: Path) -> None:
    assert settings_under({}, tmp_path) == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False, "SECURE_PROXY_SSL_HEADER": None, "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False, "AXES_FAILURE_LIMIT": 5, "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": None, "cooloff": 15.0,
    }


def test_the_https_and_throttling_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "SECURE_SSL_REDIRECT": "true", "SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "yes",
        "SECURE_HSTS_PRELOAD": "1", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO=https",
        "SESSION_COOKIE_SECURE": "on", "CSRF_COOKIE_SECURE": "true", "AXES_FAILURE_LIMIT": "8",
        "AXES_COOLOFF_MINUTES": "30", "AXES_IPWARE_META_PRECEDENCE_ORDER": "HTTP_X_FORWARDED_FOR, REMOTE_ADDR",
        "AXES_IPWARE_PROXY_COUNT": "1",
    }
    assert settings_under(env, tmp_path) == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "AXES_FAILURE_LIMIT": 8,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"], "AXES_IPWARE_PROXY_COUNT": 1,
        "cooloff": 30.0,
    }


@pytest.mark.parametrize("value", ["X-Forwarded-Proto=https", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PROTO="])
def test_a_malformed_proxy_ssl_header_fails_loudly(tmp_path: Path, value: str) -> None:
    refused = settings_under({"SECURE_PROXY_SSL_HEADER": value}, tmp_path)
    assert "ImproperlyConfigured: SECURE_PROXY_SSL_HEADER=" in refused
    assert "HTTP_X_FORWARDED_PROTO=https" in refused


def test_behind_the_proxy_https_is_recognised_and_plain_http_redirected(db: Any, settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    assert client.get("/", HTTP_X_FORWARDED_PROTO="http").status_code == 301
    assert client.get("/healthz").status_code == 200  # the health probe is exempt
    page = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")


# ------------------------------------------------------------------------------------ Content-Security-Policy
def policy(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_page_carries_a_content_security_policy_without_inline_or_foreign_scripts(db: Any) -> None:
    csp = policy(Client().get("/").headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert policy(Client().get("/app/login/").headers["Content-Security-Policy"]) == csp


def test_only_the_back_office_may_evaluate_script(db: Any) -> None:
    csp = policy(Client().get("/admin/login/").headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", "'unsafe-eval'"]
    assert "'unsafe-inline'" not in csp["script-src"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "src" / "jixiao")))
def test_no_template_of_ours_has_an_inline_script_or_event_handler(template: Path) -> None:
    """The policy forbids them: an inline script or an onclick= would silently not run."""
    text = template.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert [s for s in scripts if "src=" not in s and 'type="application/json"' not in s] == []
    assert re.findall(r"\son[a-z]+\s*=", text) == []
    assert "javascript:" not in text
