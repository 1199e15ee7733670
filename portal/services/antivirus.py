"""Optional virus scanning through ClamAV's daemon (clamd), when CLAMD_SOCKET is set.

Speaks clamd's INSTREAM command over its Unix socket: the file is streamed in chunks,
each prefixed by its length, and clamd answers "stream: OK" or "stream: <name> FOUND".
"""
from __future__ import annotations

import socket
import struct
from typing import BinaryIO, Optional

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be reached or answered nonsense: the file is not accepted."""


def scan(stream: BinaryIO, socket_path: str, timeout: float = 30.0) -> Optional[str]:
    """None if clean, else the name of what clamd found."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("OK"):
        return None
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ScanUnavailable(answer or "no answer")
