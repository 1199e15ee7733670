"""How a dossier's status and times are shown in pages and mails."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_babel import gettext as _
from markupsafe import Markup

from portal.i18n import format_moment


def _officer() -> bool:
    from flask import has_request_context
    from flask_login import current_user

    return has_request_context() and current_user.is_authenticated and current_user.is_officer


def status(dossier, now=None) -> Markup:
    """The status by its name, with an "Overdue" tag when the clock has run out; officers
    also see the national status code (investors read names, not codes)."""
    html = Markup('<span class="status status--{}">{}').format(dossier.state.value, dossier.state.title)
    if dossier.national_code and _officer():
        html += Markup(" <small>({})</small>").format(_("code %(n)d", n=dossier.national_code))
    html += Markup("</span>")
    if dossier.is_overdue(now):
        html += Markup(' <span class="tag tag--danger">{}</span>').format(_("Overdue"))
    return html


def when(moment) -> Markup | str:
    """A moment in Viet Nam time, or a dash when there is none yet. Investors and visitors
    may read from abroad: they are told the time zone (officers work in it)."""
    if not moment:
        return "–"
    text = format_moment(moment)
    if _officer():
        return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), text)
    return Markup('<time datetime="{}">{} <abbr title="{}">{}</abbr></time>').format(
        moment.isoformat(), text, _("Viet Nam time"), _("(UTC+7)"))


def next_opening(dossier) -> Optional[datetime]:
    """When the one-stop desk first sees a dossier submitted outside office hours (the next
    opening, in Viet Nam time); None when it came in during them or is already received."""
    from portal.calendar import effective_reception
    from portal.calendar.queries import overrides
    from portal.dossiers.operations import office_hours
    from portal.dossiers.workflow import State

    if dossier.submitted_at is None or dossier.state is not State.SUBMITTED:
        return None
    opening = effective_reception(dossier.submitted_at, overrides(), office_hours())
    return opening if opening > dossier.submitted_at else None
