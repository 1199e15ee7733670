"""The home page, the language switch, error pages and security headers."""
from __future__ import annotations

from html import unescape

import pytest

from portal import create_app


def test_home_in_vietnamese(client):
    page = unescape(client.get("/").get_data(as_text=True))
    assert '<html lang="vi">' in page
    assert "Ban Quản lý Khu kinh tế tỉnh Kon Tum" in page
    assert "Quyết định số 2214/QĐ-TTg" in page  # who the Board is
    for zone in ("Khu công nghiệp Hòa Bình", "Khu công nghiệp Sao Mai", "Khu công nghiệp Đăk Tô",
                 "Khu kinh tế cửa khẩu quốc tế Bờ Y"):
        assert zone in page
    for unit in ("Văn phòng Ban Quản lý", "Phòng Kế hoạch tổng hợp", "Phòng Quản lý đầu tư",
                 "Phòng Quản lý xây dựng, tài nguyên, môi trường", "Ban Quản lý cửa khẩu quốc tế Bờ Y",
                 "Công ty Đầu tư phát triển hạ tầng Khu kinh tế tỉnh"):
        assert unit in page
    assert "Bộ phận Một cửa" in page
    assert "Giờ làm việc" in page  # footer with contact


def test_language_switch_to_english_and_back(client):
    response = client.get("/language/en?next=/procedures/QLDT-01")
    assert response.status_code == 302 and response.headers["Location"] == "/procedures/QLDT-01"
    assert response.headers["Set-Cookie"].startswith("lang=en;")
    page = unescape(client.get("/procedures/QLDT-01").get_data(as_text=True))
    assert '<html lang="en">' in page
    assert "Issuance of an investment registration certificate" in page
    assert "Required documents" in page and "Investment Management Department" in page
    home = unescape(client.get("/").get_data(as_text=True))
    assert "Kon Tum Province Economic Zone Management Board" in home
    client.get("/language/vi?next=/")
    assert "Thủ tục hành chính" in client.get("/").get_data(as_text=True)


def test_browser_preferring_english_gets_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Administrative procedures" in page
    page = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "Thủ tục hành chính" in page  # Vietnamese first


def test_language_switch_refuses_foreign_redirect(client):
    response = client.get("/language/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/language/fr?next=/")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/procedures", "/procedures/QLDT-01", "/tracking",
                                 "/tracking?code=000.00.25.H34-260101-0001&key=ABCDEFGH", "/language/en?next=/"])
def test_pages_a_visitor_only_reads_set_no_session(client, url):
    """No session and no signed cookie for reading: at most the small language cookie."""
    response = client.get(url)
    cookies = response.headers.getlist("Set-Cookie")
    assert all(cookie.startswith("lang=") for cookie in cookies), cookies
    assert not any("session" in cookie for cookie in cookies)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script anywhere


def test_unexpected_error_shows_a_friendly_page_without_trace(app, database_url):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)

    @other.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = other.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Đã có lỗi xảy ra" in page and "Không có dữ liệu nào bị lưu" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_method_not_allowed_is_friendly(client):
    response = client.get("/account/logout")
    assert response.status_code == 405
    assert "Không được phép" in response.get_data(as_text=True)
