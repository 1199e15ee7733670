"""Small real files of each accepted kind (and some that must be refused)."""
from __future__ import annotations

import io
import zipfile

import segno

def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()
# Starts like a PDF, opens as nothing: the signature alone must not be enough.
FAKE_PDF = b"%PDF-1.4\n" + b"not really a pdf\n" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode." + b"\x00" * 400


def png() -> bytes:
    buffer = io.BytesIO()
    segno.make("Kon Tum").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A small .docx that expands to 200 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (200 * 1024 * 1024))
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    return buffer.getvalue()


def upload(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


def page_tree_bomb(fanout: int = 10, depth: int = 6) -> bytes:
    """A PDF of about a kilobyte whose page tree names each node `fanout` times at every
    level: counted naively, fanout**depth pages (a million)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    for level in range(depth):
        number, child = 2 + level, 3 + level
        kids = b" ".join(b"%d 0 R" % child for _ in range(fanout))
        parent = b"" if level == 0 else b" /Parent %d 0 R" % (number - 1)
        objects[number] = b"<< /Type /Pages /Kids [%s] /Count %d%s >>" % (kids, fanout ** (depth - level), parent)
    leaf = 2 + depth
    objects[leaf] = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (leaf - 1)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for number in sorted(objects):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def object_stream_bomb(padding: int = 74_000_000) -> bytes:
    """A PDF of about 72 kB whose page tree lies in a compressed object stream that unpacks
    to 74 MB (a library's default limit allows it)."""
    import zlib

    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    header = b"2 0 3 %d " % (len(pages) + 1)
    body = header + pages + b" " + page + b" " * padding
    packed = zlib.compress(body, 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {1: out.tell()}
    out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    offsets[4] = out.tell()
    out.write(b"4 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
              % (len(header), len(packed)) + packed + b"\nendstream\nendobj\n")
    offsets[5] = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big"),
            b"\x01" + offsets[1].to_bytes(4, "big") + (0).to_bytes(2, "big"),
            b"\x02" + (4).to_bytes(4, "big") + (0).to_bytes(2, "big"),
            b"\x02" + (4).to_bytes(4, "big") + (1).to_bytes(2, "big"),
            b"\x01" + offsets[4].to_bytes(4, "big") + (0).to_bytes(2, "big"),
            b"\x01" + offsets[5].to_bytes(4, "big") + (0).to_bytes(2, "big")]
    xref = b"".join(rows)
    out.write(b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(xref)
              + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[5])
    return out.getvalue()
