"""The monthly report mailed to the Board's leaders: the previous month's service report, a
real spreadsheet, to each active leader in their language."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import time_machine

from portal.calendar import LOCAL_TZ
from portal.reports.monthly import mail_monthly_report
from tests.factories import UserFactory


def cells(workbook) -> list[str]:
    return [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]


def test_last_months_report_reaches_each_active_leader(app, db, outbox):
    UserFactory(board_leader=True, email="truong-ban@example.com")
    UserFactory(board_leader=True, email="pho-ban@example.com", language="en")
    UserFactory(board_leader=True, email="nghi-huu@example.com", is_active=False)
    UserFactory(department_head=True, email="truong-phong@example.com")
    with time_machine.travel(datetime(2026, 3, 1, 6, 0, tzinfo=LOCAL_TZ), tick=False):
        assert mail_monthly_report() == 2

    assert not outbox.to("nghi-huu@example.com") and not outbox.to("truong-phong@example.com")
    [mail] = outbox.to("truong-ban@example.com")
    assert mail["Subject"] == "Báo cáo tình hình giải quyết hồ sơ tháng 02/2026"
    assert "01/02/2026" in outbox.body(mail) and "28/02/2026" in outbox.body(mail)
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "bao-cao-giai-quyet-tthc-2026-02.xlsx"
    text = " ".join(cells(openpyxl.load_workbook(io.BytesIO(attachment.get_content()))))
    assert "01/02/2026" in text and "28/02/2026" in text
    [english] = outbox.to("pho-ban@example.com")
    assert english["Subject"] == "Service report for 02/2026"
