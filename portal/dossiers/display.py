"""How a dossier's status and moments are printed in lists: plain functions, as lists print
hundreds of them and a template macro costs ten times as much per call."""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from portal.i18n import format_moment


def status(dossier, now=None) -> Markup:
    """The status with its national code, and an "Overdue" tag when the clock has run out."""
    html = Markup('<span class="status status--{}">{}').format(dossier.state.value, dossier.state.title)
    if dossier.national_code:
        html += Markup(" <small>({})</small>").format(_("code %(n)d", n=dossier.national_code))
    html += Markup("</span>")
    if dossier.is_overdue(now):
        html += Markup(' <span class="tag tag--danger">{}</span>').format(_("Overdue"))
    return html


def when(moment) -> str:
    """A moment in local time, or a dash when there is none yet."""
    return format_moment(moment) if moment else "–"
