"""Every form POST needs its CSRF token (tested with CSRF protection switched on)."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url", ["/account/register", "/account/login", "/account/forgot"])
def test_post_without_token_is_refused(client, csrf_on, url):
    response = client.post(url, data={"email": "x@example.com", "password": "whatever-123", "lang": "en"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này" in response.get_data(as_text=True)


def test_post_with_token_is_accepted(client, csrf_on):
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account/login", data={"csrf_token": token, "email": "x@example.com",
                                                    "password": "whatever-123"})
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)
