"""Checks on uploaded files: extension, content (libmagic), emptiness and size."""
from __future__ import annotations

import os
import unicodedata

import magic

OLE = {"application/msword", "application/vnd.ms-excel", "application/x-ole-storage", "application/CDFV2",
       "application/vnd.ms-office"}
ZIP = {"application/zip"}

# What the content of a file with each extension may be, as libmagic names it.
CONTENT_TYPES = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "doc": OLE,
    "xls": OLE,
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"} | ZIP,
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} | ZIP,
}

SNIFF_BYTES = 8192


def extension(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower().lstrip(".")


def clean_filename(filename: str) -> str:
    """The name to show and to offer on download: NFC, no path, no control characters."""
    name = unicodedata.normalize("NFC", os.path.basename((filename or "").replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "file"


def sniff(stream) -> str:
    """The content type libmagic sees in the first bytes; the stream is rewound."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head:
        return ""
    return magic.from_buffer(head, mime=True)


def content_matches(ext: str, content_type: str) -> bool:
    return content_type in CONTENT_TYPES.get(ext, set())
