"""Report files prepared by a job: a year's PDF takes seconds, which a request should not hold.

With a job queue, the first visit to a file's link checks the reader's form at once (a bad
period or another unit is refused as before), enqueues the rendering and sends the reader to
the same link with a token (`ready=`); that page looks again every few seconds and, once the
job has stored the file, downloads it. The file's storage key and job id are an HMAC of the
reader, the report's arguments and the token, recomputed from whoever asks: nobody else can
fetch it. Prepared files are removed after a day by a daily job. Without a queue the file is
rendered in the request, as it always was.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from datetime import date, timedelta

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from portal.services import jobs
from portal.services.storage import TRANSIENT as PREFIX

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _digest(kind: str, form: str, args: dict, token: str) -> str:
    message = json.dumps([current_user.id, kind, form, sorted(args.items()), token]).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()[:40]


def respond(kind: str, form: str, filename: str, job_args: tuple, build):
    """The file for this reader: rendered here without a queue; else prepared by a job,
    the reader waiting on a page that looks again."""
    from portal.calendar import local_today
    from portal.errors import render_error
    from portal.reports.exports import MEDIA_TYPES
    from portal.services.storage import get_storage
    from portal.web import send_stored

    queue = jobs.get_queue()
    if queue is None:
        return _download(build(), form, filename)
    args = {k: v for k, v in request.args.items() if k != "ready"}
    token = request.args.get("ready", "")
    if not TOKEN.match(token):
        token = uuid.uuid4().hex
        digest = _digest(kind, form, args, token)
        key = f"{PREFIX}{local_today().isoformat()}/{digest}.{form}"
        jobs.enqueue(prepare, kind, form, *job_args, key, job_id=f"report-{digest}")
        return redirect(url_for(request.endpoint, **request.view_args, **args, ready=token))
    digest = _digest(kind, form, args, token)
    job = queue.fetch_job(f"report-{digest}")
    if job is None:  # not this reader's, or gone after a day: start again
        return redirect(url_for(request.endpoint, **request.view_args, **args))
    key = job.args[1][-1]
    if get_storage().exists(key):
        return send_stored(key, filename, MEDIA_TYPES[form])
    if job.is_failed:
        return render_error(500, _failed())
    return render_template("reports/preparing.html", filename=filename,
                           again=url_for(request.endpoint, **request.view_args, **args))


def _failed() -> str:
    from flask_babel import gettext as _

    return _("The file could not be prepared. Please try again; if it fails again, tell the administrator.")


def _download(body: bytes, form: str, filename: str):
    from flask import Response

    from portal.reports.exports import MEDIA_TYPES

    response = Response(body, content_type=MEDIA_TYPES[form])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_file(kind: str, form: str, first: str, last: str, unit_ids, procedure_ids, scope, language: str) -> bytes:
    """The report's file, as the page shows the report: the PDF in Vietnamese (an official
    paper), the spreadsheets in the reader's language."""
    from portal.db import utcnow
    from portal.reports import documents, exports
    from portal.reports.investment import investment_report
    from portal.reports.periods import Period
    from portal.reports.service import Filters, service_report

    period = Period(date.fromisoformat(first), date.fromisoformat(last))
    with force_locale("vi" if form == "pdf" else language):
        if kind == "service":
            report = service_report(period, Filters(unit_ids=unit_ids, procedure_ids=procedure_ids), utcnow(),
                                    overdue_size=documents.OVERDUE_IN_FILES[form])
            document = documents.service_document(report, scope, form)
        else:
            document = documents.investment_document(investment_report(period, utcnow()), with_charts=form == "pdf")
        return exports.render(document, form)


@jobs.task
def prepare(kind: str, form: str, first: str, last: str, unit_ids, procedure_ids, scope, language: str,
            key: str) -> None:
    """Render a report file and store it where its reader's page will find it."""
    from portal.services.storage import get_storage

    get_storage().save_bytes(key, render_file(kind, form, first, last, unit_ids, procedure_ids, scope, language))


@jobs.task
def remove_old_files() -> int:
    """The daily clean-up of prepared report files: those of days before yesterday go."""
    from portal.calendar import local_today
    from portal.services.storage import get_storage

    storage, keep_from = get_storage(), (local_today() - timedelta(days=1)).isoformat()
    old = [key for key in storage.iter_keys(PREFIX) if key[len(PREFIX):len(PREFIX) + 10] < keep_from]
    for key in old:
        storage.delete(key)
    return len(old)
