"""Vietnamese first: every string users see has a Vietnamese translation."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from config import ROOT

PO = ROOT / "portal" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_every_extracted_string_is_translated_to_vietnamese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), str(ROOT)],
        check=True, cwd=ROOT, capture_output=True,
    )
    with open(pot, "rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with open(PO, "rb") as handle:
        catalogue = read_po(handle, locale="vi")
    translated = {m.id for m in catalogue if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - translated)
    assert not missing, f"strings without a Vietnamese translation (run `make i18n`): {missing}"


def test_numbers_and_file_sizes_in_the_readers_language(app):
    from decimal import Decimal

    from flask_babel import force_locale

    from portal.i18n import format_amount, format_filesize

    with app.test_request_context():
        with force_locale("vi"):
            assert format_amount(Decimal("250000000000")) == "250.000.000.000"
            assert format_amount("1234.5") == "1.234,5"
            assert format_filesize(10_300) == "10,3 kB" and format_filesize(2_500_000) == "2,5 MB"
        with force_locale("en"):
            assert format_amount(Decimal("250000000000")) == "250,000,000,000"
            assert format_filesize(10_300) == "10.3 kB"


def test_pages_show_file_sizes_the_vietnamese_way(client, db, make_draft, login_as):
    dossier = make_draft(user=login_as("investor"))
    dossier.files[0].size = 10_300
    db.session.commit()
    page = client.get(f"/dossiers/{dossier.id}/edit").get_data(as_text=True)
    assert "(10,3 kB)" in page and "10.3 kB" not in page
