"""Text helpers for Vietnamese."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case text without diacritics ("Giấy phép Đầu tư" -> "giay phep dau tu").

    Used for search, so investors find procedures with or without accents.
    """
    text = (text or "").replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def like_escape(text: str) -> str:
    """`text` taken literally in a LIKE pattern written with `escape="\\"` (a typed % or _
    matches itself, not anything)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
