"""PDF rendering with WeasyPrint, from plain data, with the shipped font only.

The URL fetcher lets a template load the project's static files and data: URIs and
nothing else, so user text in a slip can never make the renderer fetch a URL.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale


def _fetcher_for(static_root: Path):
    """WeasyPrint's fetcher, limited to data: URIs and the files under static/."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    root = static_root.resolve()

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and not parts.netloc and not parts.query:
                # Decode first ("%2e%2e" is ".."), then resolve: only what lies under static/ is read.
                target = Path(unquote(parts.path)).resolve()
                if target.is_relative_to(root) and target.is_file():
                    return super().fetch(target.as_uri(), headers)
            raise ValueError(f"refused to fetch {url!r} while rendering a PDF")

    return StaticOnly(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)


def render_pdf(template: str, data: dict, language: str = "vi", courtesy: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1: headings, tables and reading order for screen readers) with its
    title and language. `courtesy`: a translation of a Vietnamese original, said so on every page."""
    from weasyprint import HTML

    static_root = Path(current_app.static_folder)
    with force_locale(language):
        html = render_template(template, pdf_language=language, courtesy=courtesy, **data)
    document = HTML(string=html, base_url=static_root.resolve().as_uri() + "/",
                    url_fetcher=_fetcher_for(static_root))
    return document.write_pdf(pdf_variant="pdf/ua-1")


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI (the only kind of image a slip may load)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)
