"""Slips: rendered once from a snapshot of plain data, stored with their SHA-256."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, str_enum, utcnow
from portal.dossiers.models import Dossier
from portal.extensions import db


class SlipKind(enum.StrEnum):
    RECEIPT = "receipt"          # 1. Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "supplement"    # 2. Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"          # 3. Phiếu từ chối tiếp nhận, giải quyết hồ sơ
    APOLOGY = "apology"          # 4. Văn bản xin lỗi và hẹn lại ngày trả kết quả
    STOP = "stop"                # 5. Thông báo dừng giải quyết hồ sơ
    CONTROL = "control"          # 6. Phiếu kiểm soát quá trình giải quyết hồ sơ

    @property
    def title(self) -> str:
        return str(_SLIP_TITLES[self])

    @property
    def template(self) -> str:
        return f"pdf/{self.value}.html"


_SLIP_TITLES = {
    SlipKind.RECEIPT: _l("Receipt and appointment slip"),
    SlipKind.SUPPLEMENT: _l("Request to supplement the dossier"),
    SlipKind.REFUSAL: _l("Refusal to receive or process the dossier"),
    SlipKind.APOLOGY: _l("Apology and new appointment"),
    SlipKind.STOP: _l("Notice of stopping the processing"),
    SlipKind.CONTROL: _l("Process control slip"),
}


class Slip(db.Model):
    """An issued slip. Immutable: a changed slip is a new slip."""

    __tablename__ = "slips"
    __table_args__ = (sa.UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    kind: Mapped[SlipKind] = mapped_column(str_enum(SlipKind))
    number: Mapped[str] = mapped_column(sa.String(30))
    # Everything printed on the slip, as plain data, fixed when it was issued.
    data: Mapped[dict] = mapped_column(sa.JSON)
    storage_key: Mapped[Optional[str]] = mapped_column(sa.String(255), unique=True)
    sha256: Mapped[Optional[str]] = mapped_column(sa.String(64))
    size: Mapped[Optional[int]]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rendered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship()

    @property
    def filename(self) -> str:
        code = (self.dossier.code or str(self.dossier_id)) if self.dossier else str(self.dossier_id)
        return f"{self.kind.value}-{code}.pdf"
