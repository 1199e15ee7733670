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

    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, PROXY_COUNT=1)
    assert isinstance(app.wsgi_app, ProxyFix)  # X-Forwarded-For/-Proto from one proxy are trusted
    response = app.test_client().get("/account/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
