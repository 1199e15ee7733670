"""Each report put together for reading: its title and scope, its tables and its charts,
the same for the page, the files and the terminal."""
from __future__ import annotations

from typing import Sequence

from flask_babel import gettext as _
from markupsafe import Markup

from portal.reports import charts, tables
from portal.reports.exports import Document
from portal.reports.investment import InvestmentReport
from portal.reports.service import ServiceReport

# The overdue list in a file: its first rows, the total said beside them (a printed report
# lists the first hundred; rendering a thousand rows to PDF takes seconds).
OVERDUE_IN_FILES = {"xlsx": 1_000, "csv": 1_000, "pdf": 100}


def service_title() -> str:
    return _("Report on the handling of administrative procedures")


def investment_title() -> str:
    return _("Report on investment in the economic zones and industrial parks")


def _chart(draw, chart_id: str, title: str, *args, **kwargs) -> tuple[str, Markup]:
    """A chart with its title, which the page and the PDF print above it as a caption."""
    return title, draw(chart_id, title, *args, **kwargs)


def _percent(value: float) -> str:
    return tables.text(value, "percent")


def service_charts(report: ServiceReport) -> list[tuple[str, Markup]]:
    total = report.total
    return [
        _chart(charts.column_chart,
            "chart-on-time", _("On-time rate per month"),
            _("Share of the dossiers finished each month that were finished early or on time."),
            [(tables.month_label(row.key), row.figures.on_time_rate) for row in report.by_month],
            maximum=100, value_text=_percent, table_id="by-month", empty_text=_("No dossier finished.")),
        _chart(charts.stacked_bar,
            "chart-status", _("Dossiers to handle, by status"),
            _("The dossiers to handle in the period (received and carried over), by what became of them."),
            [(_("Finished early"), total.early), (_("Finished on time"), total.on_time),
             (_("Finished late"), total.late), (_("Finished, no time limit"), total.ungraded),
             (_("Stopped"), total.stopped), (_("Open, within the deadline"), total.open_within),
             (_("Open, past the deadline"), total.open_past)],
            value_text=lambda v: tables.text(v, "count"), table_id="by-procedure",
            empty_text=_("No dossier to handle in this period.")),
    ]


def investment_charts(report: InvestmentReport) -> list[tuple[str, Markup]]:
    return [
        _chart(charts.bar_chart,
            "chart-capital-zone", _("Registered capital by zone (billion VND)"),
            _("Registered capital of the projects holding a certificate at the end of the period, by zone."),
            [(zone.name if zone else _("Outside the zones"), float(i.capital_vnd) / 1e9)
             for zone, i in report.in_force.by_zone],
            value_text=lambda v: tables.text(round(v, 1), "count"), table_id="in-force-zone",
            empty_text=_("No project.")),
        _chart(charts.bar_chart,
            "chart-projects-country", _("Projects by investor's country"),
            _("Projects holding a certificate at the end of the period, by the investor's country."),
            [(tables.country_name(code), i.projects) for code, i in report.in_force.by_country],
            value_text=lambda v: tables.text(int(v), "count"), table_id="in-force-country",
            empty_text=_("No project.")),
    ]


def period_lines(report, scope: Sequence[str] = ()) -> list[str]:
    return [_("Period: %(period)s", period=report.period.label), *scope]


def service_document(report: ServiceReport, scope: Sequence[str], form: str) -> Document:
    """The report as a file in `form`: every table, and the first overdue dossiers (the
    report made with `overdue_size=OVERDUE_IN_FILES[form]`)."""
    table_list = [*tables.service_tables(report), tables.overdue_table(report)]
    return Document(service_title(), period_lines(report, scope), report.at, table_list,
                    service_charts(report) if form == "pdf" else ())


def investment_document(report: InvestmentReport, with_charts: bool) -> Document:
    return Document(investment_title(), period_lines(report), report.at, tables.investment_tables(report),
                    investment_charts(report) if with_charts else ())


def scope_lines(unit=None, field=None, procedure=None) -> list[str]:
    lines = []
    if unit is not None:
        lines.append(_("Handling unit: %(name)s", name=unit.name))
    if field is not None:
        lines.append(_("Field: %(name)s", name=field.name))
    if procedure is not None:
        lines.append(_("Procedure: %(code)s — %(name)s", code=procedure.code, name=procedure.name))
    return lines


def dashboard_charts(board) -> list[tuple[str, Markup]]:
    twelve = board.twelve_months
    return [
        _chart(charts.column_chart,
            "chart-on-time", _("On-time rate per month"),
            _("Share of the dossiers finished each month that were finished early or on time, the last 12 months."),
            [(tables.month_label(month), f.on_time_rate) for month, f in board.by_month],
            maximum=100, value_text=_percent, table_id="by-month", empty_text=_("No dossier finished.")),
        _chart(charts.stacked_bar,
            "chart-status", _("Dossiers finished in the last 12 months"),
            _("The dossiers finished in the last 12 months, early, on time or late."),
            [(_("Finished early"), twelve.early), (_("Finished on time"), twelve.on_time),
             (_("Finished late"), twelve.late), (_("Finished, no time limit"), twelve.ungraded)],
            value_text=lambda v: tables.text(v, "count"), table_id="months-by-field",
            empty_text=_("No dossier finished.")),
        _chart(charts.bar_chart,
            "chart-fields", _("Dossiers received in the last 12 months, by field"),
            _("How many dossiers each field of procedures received in the last 12 months."),
            [(field.name, twelve_f.received) for field, _year, twelve_f in board.by_field],
            value_text=lambda v: tables.text(int(v), "count"), table_id="months-by-field",
            empty_text=_("No dossier received.")),
    ]
