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
