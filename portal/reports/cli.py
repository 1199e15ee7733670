"""`flask reports service|investment --from DATE --to DATE --format xlsx|pdf|csv --output FILE`:
the reports from the terminal, for a monthly cron job that mails them; `flask reports
regrade` grades the dossiers that ended before grades were stored."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
from flask.cli import AppGroup

reports_cli = AppGroup("reports", help="Statistics and reports.")

_period_options = [
    click.option("--from", "first", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
                 help="First day of the period (YYYY-MM-DD)."),
    click.option("--to", "last", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
                 help="Last day of the period, included (YYYY-MM-DD)."),
    click.option("--format", "form", required=True, type=click.Choice(["xlsx", "pdf", "csv"]),
                 help="The file's format."),
    click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
                 help="Where to write the file."),
    click.option("--language", default="vi", show_default=True, type=click.Choice(["vi", "en"]),
                 help="Language of the spreadsheets (the PDF is always in Vietnamese)."),
]


def period_options(command):
    for option in reversed(_period_options):
        command = option(command)
    return command


def _period(first, last):
    from portal.reports.periods import Period, PeriodError

    try:
        return Period(first.date(), last.date())
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from None


def _write(build, form: str, output: Path, language: str) -> None:
    from flask_babel import force_locale

    from portal.reports import exports

    with force_locale("vi" if form == "pdf" else language):
        body = exports.render(build(), form)
    output.write_bytes(body)
    click.echo(f"wrote {output} ({len(body)} bytes)")


@reports_cli.command("service")
@period_options
@click.option("--unit", "unit_code", help="Code of a handling unit (all units when left out).")
def service(first, last, form: str, output: Path, language: str, unit_code: Optional[str]) -> None:
    """The Decision 766 service report for a period, for all units or one."""
    from portal.catalogue.queries import units
    from portal.db import utcnow
    from portal.reports import documents
    from portal.reports.service import Filters, service_report

    period = _period(first, last)
    unit = None
    if unit_code:
        unit = next((u for u in units() if u.code == unit_code), None)
        if unit is None:
            known = ", ".join(u.code for u in units())
            raise click.BadParameter(f"no unit with the code {unit_code} (known: {known})", param_hint="--unit")
    filters = Filters(unit_ids=[unit.id] if unit else None)

    def build():
        report = service_report(period, filters, utcnow(), overdue_size=documents.OVERDUE_IN_FILES[form])
        return documents.service_document(report, documents.scope_lines(unit), form)

    _write(build, form, output, language)


@reports_cli.command("investment")
@period_options
def investment(first, last, form: str, output: Path, language: str) -> None:
    """The investment report for a period: certificates granted, projects by zone and country."""
    from portal.db import utcnow
    from portal.reports import documents
    from portal.reports.investment import investment_report

    period = _period(first, last)
    _write(lambda: documents.investment_document(investment_report(period, utcnow()), with_charts=form == "pdf"),
           form, output, language)


@reports_cli.command("regrade")
@click.option("--batch", default=500, show_default=True, help="Dossiers per transaction.")
def regrade(batch: int) -> None:
    """Grade the dossiers that ended before grades were stored, record the lateness of those
    made late by a supplement request, and mark the transfers recorded as amendments (once,
    after upgrading to migration 0010 and loading the catalogue)."""
    from portal.dossiers import operations as ops
    from portal.services.unit_of_work import commit

    graded, last_id = 0, 0
    while dossiers := ops.ungraded_after(last_id, batch):
        graded += ops.grade_older(dossiers)
        last_id = dossiers[-1].id
        commit()
    transfers = ops.mark_transfers()
    commit()
    click.echo(f"graded: {graded}; transfers: {transfers}")
