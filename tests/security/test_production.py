"""Production settings: refuses to start without its secrets; secure cookies; HSTS; proxy."""
from __future__ import annotations

import pytest

from portal import create_app


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_cookies_headers_and_proxy(monkeypatch, database_url):
    from werkzeug.middleware.proxy_fix import ProxyFix

    production_env(monkeypatch, database_url)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, PROXY_COUNT=1)
    assert isinstance(app.wsgi_app, ProxyFix)  # X-Forwarded-For/-Proto from one proxy are trusted
    response = app.test_client().get("/account/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def production_env(monkeypatch, database_url, **values):
    env = {"SECRET_KEY": "k" * 48, "DATABASE_URL": database_url, "PUBLIC_URL": "https://motcua.example.gov.vn",
           "ENCRYPTION_KEYS": "Lm2cJ0vJ3gtk8b3ZTeX3o0w6fZQ8H9xLr9l1oD6n3yE=",
           "REDIS_URL": "", "WEB_CONCURRENCY": "1", "GUNICORN_CMD_ARGS": "", **values}
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("values, message", [
    ({"ENCRYPTION_KEYS": ""}, "ENCRYPTION_KEYS"),
    ({"ENCRYPTION_KEYS": "not-a-key"}, "ENCRYPTION_KEYS must be Fernet keys"),
    ({"SECRET_KEY": "short-but-not-empty"}, "SECRET_KEY must be at least 32 bytes"),
    ({"WEB_CONCURRENCY": "2"}, "need REDIS_URL"),
    ({"GUNICORN_CMD_ARGS": "--workers 4"}, "need REDIS_URL"),
    ({"PUBLIC_URL": "http://127.0.0.1:5000"}, "PUBLIC_URL must be the portal's public address"),
    ({"PUBLIC_URL": "https://localhost"}, "not localhost"),
])
def test_production_refuses_unsafe_settings(monkeypatch, database_url, values, message):
    production_env(monkeypatch, database_url, **values)
    with pytest.raises(RuntimeError, match=message):
        create_app("production", SQLALCHEMY_DATABASE_URI=database_url)


def test_production_starts_with_safe_settings(monkeypatch, database_url):
    production_env(monkeypatch, database_url, WEB_CONCURRENCY="2", REDIS_URL="redis://127.0.0.1:6379/15")
    create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    production_env(monkeypatch, database_url, WEB_CONCURRENCY="2", ALLOW_MEMORY_RATE_LIMITS="1")
    create_app("production", SQLALCHEMY_DATABASE_URI=database_url)


def test_production_session_cookie_is_host_only_and_demo_refused(monkeypatch, database_url):
    production_env(monkeypatch, database_url)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    cookie = app.test_client().get("/account/login", base_url="https://localhost").headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Path=/" in cookie and "Domain" not in cookie
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "not created in production" in result.output


def test_logged_in_pages_and_exports_are_not_cached(client, db, login_as):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login_as("desk_officer")
    for path in ("/", "/officer/desk", "/officer/book.csv", "/officer/book.xlsx"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/static/css/portal.css").headers.get("Cache-Control", "")
