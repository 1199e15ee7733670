"""The PDF renderer reads the project's static files and data: URIs, nothing else."""
from __future__ import annotations

import pytest

from config import ROOT
from portal.services.pdf import _fetcher_for

STATIC = ROOT / "static"
BASE = STATIC.resolve().as_uri() + "/"


@pytest.mark.parametrize("url", [
    BASE + "%2e%2e/config.py",          # ".." encoded
    BASE + "..%2fconfig.py",
    BASE + "fonts/%2E%2E/%2E%2E/config.py",
    BASE + "../config.py",
    "file:///etc/passwd",
    "http://example.com/x.png",
    BASE.replace("file://", "file://evil.example") + "fonts/NotoSerif-Regular.ttf",
])
def test_nothing_outside_static_is_fetched(url):
    with pytest.raises(ValueError, match="refused"):
        _fetcher_for(STATIC)(url)


def test_the_shipped_font_and_data_uris_are_fetched():
    fetch = _fetcher_for(STATIC)
    font = fetch(BASE + "fonts/NotoSerif-Regular.ttf")
    assert font.read(4) in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    font.close()
    assert fetch("data:text/plain;base64,S29uIFR1bQ==").read() == b"Kon Tum"
