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


# --- structure -------------------------------------------------------------------------

MAX_ARCHIVE_ENTRIES = 5000
MAX_ARCHIVE_BYTES = 300 * 1024 * 1024  # uncompressed
MAX_COMPRESSION_RATIO = 100


class BadStructure(Exception):
    """The file has the right signature but does not open as what it claims to be."""


class TooComplex(BadStructure):
    """The file is beyond what the portal checks: too many pages, nodes or pixels."""


def check_structure(ext: str, path, isolated: bool = False) -> None:
    """Open the stored file as what it claims to be; raise BadStructure if it does not.

    `isolated` runs the check in a child process with CPU and memory limits and a
    wall-clock timeout (production does): the libraries' own work on a hostile file
    (compressed streams, image decoders) is then bounded whatever path it takes.
    """
    if isolated:
        _check_in_child(ext, path)
    elif ext == "pdf":
        _check_pdf(path)
    elif ext in ("jpg", "jpeg", "png"):
        _check_image(path)
    elif ext in ("docx", "xlsx"):
        _check_archive(path)


CHILD_SECONDS = 15       # wall clock
CHILD_CPU_SECONDS = 5
CHILD_MEMORY = 1 << 30   # address space, bytes
CHILD_EXIT = {"ok": 0, "bad": 2, "complex": 3}


def _check_in_child(ext: str, path) -> None:
    import subprocess  # nosec B404 - our own interpreter and module, no shell, no user text in the command
    import sys
    from pathlib import Path

    try:
        # This file run as a script: only what the check needs is imported (not the app).
        result = subprocess.run(  # nosec B603 - a fixed command; the path is one we generated
            [sys.executable, "-I", str(Path(__file__).resolve()), ext, str(path)],
            capture_output=True, timeout=CHILD_SECONDS, check=False, env={"PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise TooComplex("the check took too long") from None
    if result.returncode == CHILD_EXIT["ok"]:
        return
    if result.returncode == CHILD_EXIT["bad"]:
        raise BadStructure(result.stderr.decode(errors="replace")[-200:])
    raise TooComplex(f"the check stopped ({result.returncode})")  # over a limit, or killed by one


def _child_main(argv: list[str]) -> int:
    """In the child: set the limits first, then check; the exit code says how it went."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    ext, path = argv
    try:
        check_structure(ext, path)
    except TooComplex:
        return CHILD_EXIT["complex"]
    except BadStructure:
        return CHILD_EXIT["bad"]
    except MemoryError:
        return CHILD_EXIT["complex"]
    return CHILD_EXIT["ok"]


# A PDF's page tree is walked by hand, with bounds: counting pages the library's way
# follows every reference, and a kilobyte whose tree names each node ten times at six
# levels expands to a million pages (12 s and 600 MB for one worker).
MAX_PDF_PAGES = 3000
MAX_PDF_DEPTH = 32
MAX_PDF_NODES = 20_000
# Images: refuse more pixels than a scanned A3 page at 600 dpi (decoding them takes memory).
MAX_IMAGE_PIXELS = 50_000_000


# What pypdf may unpack from one compressed stream while the tree is read (its default,
# 75 MB a stream, lets a small file cost a worker seconds and hundreds of MB).
PDF_STREAM_LIMIT = 4_000_000


def _check_pdf(path) -> None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.generic import IndirectObject

    limit = PDF_STREAM_LIMIT
    with apply_configuration(zlib_maximum_output_length=limit, lzw_maximum_output_length=limit,
                             run_length_maximum_output_length=limit, jbig2_maximum_output_length=limit,
                             maximum_declared_stream_length=limit,
                             array_based_stream_maximum_output_length=limit):
        _read_pdf(path, PdfReader, IndirectObject)


def _read_pdf(path, PdfReader, IndirectObject) -> None:  # noqa: N803 - the classes, passed in
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise BadStructure("encrypted")
        root = reader.trailer["/Root"].get_object()
        pages = _count_pages(root["/Pages"], IndirectObject)
        if pages < 1:
            raise BadStructure("no pages")
    except BadStructure:
        raise
    except (LimitReachedError, MemoryError) as exc:
        raise TooComplex(str(exc)) from exc
    except (RecursionError, Exception) as exc:  # noqa: BLE001 - a hostile PDF can fail anywhere
        raise BadStructure(str(exc)) from exc


def _count_pages(top, indirect) -> int:
    """Leaves of the page tree, each node visited once: a node named twice, a tree deeper
    than MAX_PDF_DEPTH, or more than MAX_PDF_PAGES pages or MAX_PDF_NODES nodes is refused."""
    seen: set[tuple[int, int]] = set()
    stack, pages, nodes = [(top, 0)], 0, 0
    while stack:
        ref, depth = stack.pop()
        if isinstance(ref, indirect):
            key = (ref.idnum, ref.generation)
            if key in seen:
                raise TooComplex("the page tree names a node twice")
            seen.add(key)
        nodes += 1
        if nodes > MAX_PDF_NODES or depth > MAX_PDF_DEPTH:
            raise TooComplex("page tree too large")
        node = ref.get_object()
        kids = node.get("/Kids")
        if node.get("/Type") == "/Page" or kids is None:
            pages += 1
            if pages > MAX_PDF_PAGES:
                raise TooComplex("too many pages")
            continue
        stack.extend((kid, depth + 1) for kid in kids.get_object())
    return pages


def _check_image(path) -> None:
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise TooComplex("too many pixels")
                image.verify()
            with Image.open(path) as image:
                # JPEG decodes at a reduced scale (a few MB whatever the photo); PNG's
                # verify() has already checked every chunk.
                if image.format == "JPEG":
                    image.draft("RGB", (1024, 1024))
                    image.load()
    except BadStructure:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise TooComplex(str(exc)) from exc
    except (UnidentifiedImageError, Exception) as exc:
        raise BadStructure(str(exc)) from exc  # a hostile image can fail anywhere


def _check_archive(path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise TooComplex("too many entries")
            if "[Content_Types].xml" not in {e.filename for e in entries}:
                raise BadStructure("not an Office document")
            total = 0
            for entry in entries:
                total += entry.file_size
                if total > MAX_ARCHIVE_BYTES:
                    raise TooComplex("expands too much")
                if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
                    raise TooComplex("suspicious compression")
    except BadStructure:
        raise
    except (zipfile.BadZipFile, Exception) as exc:  # a hostile archive can fail anywhere
        raise BadStructure(str(exc)) from exc


if __name__ == "__main__":  # the isolated check (see check_structure)
    import sys

    sys.exit(_child_main(sys.argv[1:]))
