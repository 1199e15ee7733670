"""What one request may make the server do: bounded bodies, bounded fields, and the
friendly 413 page when a request is too large."""
from __future__ import annotations

import io


def test_a_large_url_encoded_body_is_refused_with_the_413_page(client, db):
    body = "email=a%40example.com&password=" + "x" * (300 * 1024)
    response = client.post("/account/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Nội dung gửi quá lớn" in response.get_data(as_text=True)


def test_an_over_long_field_is_refused(client, db):
    response = client.post("/account/login", data={"email": "x\u0301" * 20000 + "@example.com", "password": "p"})
    assert response.status_code == 413


def test_a_large_text_part_of_a_multipart_form_is_refused(client, db):
    response = client.post("/account/login", data={"email": "a@example.com", "password": "p" * (70 * 1024),
                                                   "file": (io.BytesIO(b"x"), "x.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "<html" in response.get_data(as_text=True)
