"""The monthly service report, mailed to the Board's leaders (a job the scheduler runs on the
1st of each month, for the month before)."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from portal.services import jobs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@jobs.task
def mail_monthly_report(year: int | None = None, month: int | None = None) -> int:
    """The service report of a month (the previous one by default), every unit, as a
    spreadsheet in Vietnamese, mailed to every active Board leader. Returns how many."""
    from portal.accounts.models import Role, User
    from portal.calendar import local_today
    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports import documents, exports
    from portal.reports.periods import Period
    from portal.reports.service import Filters, service_report
    from portal.services.mail import external_url, send_mail
    from portal.services.unit_of_work import commit

    if year is None or month is None:
        previous = local_today().replace(day=1) - timedelta(days=1)
        year, month = previous.year, previous.month
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    report = service_report(Period(first, last), Filters(), utcnow(), overdue_size=documents.OVERDUE_IN_FILES["xlsx"])
    with force_locale("vi"):
        body = exports.render(documents.service_document(report, documents.scope_lines(), "xlsx"), "xlsx")
    leaders = db.session.scalars(sa.select(User).where(User.role == Role.BOARD_LEADER, User.is_active.is_(True))
                                 .order_by(User.id)).all()
    for leader in leaders:
        send_mail(leader.email, "reports/emails/monthly", leader.language,
                  attachments=[(f"bao-cao-giai-quyet-tthc-{year}-{month:02d}.xlsx", XLSX, body)],
                  user=leader, month=f"{month:02d}/{year}", first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}",
                  report_url=external_url("reports.service"))
    commit()
    return len(leaders)
