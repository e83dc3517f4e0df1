"""The statistics report: every table of `statistics` for one set of filters, as the dashboard
shows it, and the whole report as PDF (the CSV and Excel files are `downloads`). Suppressed cells
stay suppressed in every export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.assessment.models import Pathway, Sex, TestingCentre
from skills_cert.i18n import localized
from skills_cert.provinces import PROVINCES
from skills_cert.standards.models import Standard
from skills_cert.statistics import appeals as appeal_statistics
from skills_cert.statistics import figures as st
from skills_cert.statistics import rpl as rpl_statistics
from skills_cert.statistics import snapshot as statistics_snapshot
from skills_cert.statistics.suppression import Cell, Table


@dataclass(frozen=True)
class Report:
    filters: st.Filters
    today: dt.date
    tables: tuple[Table, ...]
    as_at: dt.datetime | None = None  # when the snapshot the figures come from was built
    stale_rebuild_seconds: float | None = None  # set when that snapshot is stale: its rebuild time

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def tested(self) -> Cell:
        return self.table("testing_by_sex").total.cells[0]

    @property
    def pass_rate(self) -> Cell:
        return self.table("testing_by_sex").total.cells[4]

    @property
    def issued(self) -> Cell:
        return self.table("certificates").total.cells[0]

    @property
    def verifications(self) -> Cell:
        return self.table("verifications").total.cells[3]


def standard_titles(session: so.Session, locale: str) -> dict[str, str]:
    """Each standard code's title in *locale*, from its latest version."""
    rows = session.execute(sa.select(Standard.code, Standard.title, Standard.level)
                           .order_by(Standard.code, Standard.version)).all()
    return {code: f"{localized(title, locale)} ({code})" for code, title, _level in rows}


def labels(session: so.Session, locale: str) -> dict[str, dict[str, str]]:
    return {"sex": {s.value: s.label for s in Sex},
            "standard": standard_titles(session, locale),
            "province": {code: localized(name, locale) for code, name in PROVINCES.items()},
            "month": {}}


TESTING_BY = ("month", "sex", "standard", "province")
TABLE_KEYS = (*(f"testing_by_{by}" for by in TESTING_BY), "reasons", "rpl_credits", "certificates",
              "recognition", "verifications", "appeals_by_standard", "appeals_by_centre")


def build(session: so.Session, filters: st.Filters, *, today: dt.date, locale: str,
          only: str | None = None, max_age: float = 0, inline_limit: float | None = None) -> Report:
    """Every table of the report, in order; or, with *only* (a key of TABLE_KEYS), that one table
    alone, for its CSV export (none of the others' queries run). The statistics snapshot is
    rebuilt first if it is *max_age* seconds old or more (by default: always), or from another day,
    unless its last rebuild took more than *inline_limit* seconds (see `snapshot.fresh`)."""
    snapshot, stale = statistics_snapshot.fresh(session, today=today, max_age=max_age, inline_limit=inline_limit)
    names = labels(session, locale)
    keys = [only] if only else list(TABLE_KEYS)
    testing_by = [by for by in TESTING_BY if f"testing_by_{by}" in keys]
    testing = st.testing_figures(session, filters, testing_by) if testing_by else None
    makers = {
        **{f"testing_by_{by}": (lambda by=by: st.testing_table(session, filters, by, names[by], testing))
           for by in TESTING_BY},
        "reasons": lambda: st.reasons_table(session, filters),
        "rpl_credits": lambda: rpl_statistics.credits_table(session, filters, locale),
        "certificates": lambda: st.certificates_table(session, filters, today, names["sex"]),
        "recognition": lambda: st.recognition_table(session, filters, today, locale),
        "verifications": lambda: st.verifications_table(session, filters),
        "appeals_by_standard": lambda: appeal_statistics.appeals_table(session, filters, "standard", names["standard"]),
        "appeals_by_centre": lambda: appeal_statistics.appeals_table(
            session, filters, "centre", appeal_statistics.centre_names(session, locale)),
    }
    return Report(filters, today, tuple(makers[key]() for key in keys), snapshot.built_at,
                  snapshot.seconds if stale else None)


def filter_options(session: so.Session, locale: str) -> dict[str, list[tuple[str, str]]]:
    """Choices for the filter form: only values that exist."""
    centres = session.execute(sa.select(TestingCentre.id, TestingCentre.code, TestingCentre.name,
                                        TestingCentre.province).order_by(TestingCentre.code)).all()
    provinces = sorted({c.province for c in centres})
    levels = session.scalars(sa.select(Standard.level).distinct().order_by(Standard.level)).all()
    return {
        "province": [(p, localized(PROVINCES.get(p), locale) or p) for p in provinces],
        "centre": [(str(c.id), f"{localized(c.name, locale)} ({c.code})") for c in centres],
        "standard": sorted(standard_titles(session, locale).items(), key=lambda kv: kv[0]),
        "level": [(str(v), str(v)) for v in levels],
        "pathway": [(p.value, p.label) for p in Pathway],
        "sex": [(s.value, s.label) for s in Sex],
    }


def describe(filters: st.Filters, options: dict[str, list[tuple[str, str]]]) -> str:
    """The filters in words, for the PDF and the page."""
    def name(kind: str, value) -> str:
        return dict(options.get(kind, [])).get(str(value), str(value))

    parts = [_("Period: %(start)s to %(end)s", start=filters.date_from.strftime("%Y-%m") if filters.date_from else "…",
               end=filters.date_to.strftime("%Y-%m") if filters.date_to else "…")]
    for kind, value, label in (("province", filters.province, _("Province")),
                               ("centre", filters.centre_id, _("Testing centre")),
                               ("standard", filters.standard_code, _("Standard")),
                               ("level", filters.level, _("Level")),
                               ("pathway", filters.pathway, _("Pathway")),
                               ("sex", filters.sex, _("Sex"))):
        if value:
            parts.append(f"{label}: {name(kind, value)}")
    return "; ".join(parts)


def format_cell(cell: Cell, *, marker: str) -> str:
    if cell.suppressed:
        return marker
    if cell.value is None:
        return "—"
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    return str(cell.value)


def report_pdf(report: Report, *, subtitle: str, generated: str, charts: dict | None = None) -> bytes:
    """The whole report as PDF; *charts* (by table key) are drawn above their tables."""
    from skills_cert.statistics.report_pdf import StatisticsView, render_statistics

    marker = _("suppressed")
    charts = charts or {}
    view = StatisticsView(
        title=_("Skills testing and certification statistics"),
        subtitle=subtitle,
        rule=suppression_note(),
        tables=tuple((t.title, tuple(t.heads),
                      tuple((r.label, *(format_cell(c, marker=marker) for c in r.cells))
                            for r in [*t.rows, *([t.total] if t.total else [])]),
                      t.note, charts.get(t.key)) for t in report.tables),
        empty=_("No data."),
        footer=_("skills_cert statistics — %(when)s", when=generated),
    )
    return render_statistics(view)


def suppression_note() -> str:
    return _("Cells computed from 1 to 4 people are suppressed, and so are other cells that would let "
             "them be worked out from the totals.")
