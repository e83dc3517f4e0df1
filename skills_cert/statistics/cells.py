"""Adding up the snapshot's cells into a table's figures, with distinct people kept exact.

A figure over some cells is the sum of their n; the distinct people behind them is the sum of
their people, less the people counted in more than one of those cells (`stats_overlaps`): a
person in m of the chosen cells was counted m times, so m - 1 is taken off. `snapshot.py` builds
the cells and the overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.assessment.models import TestingCentre
from skills_cert.standards.models import Standard
from skills_cert.statistics.models import StatsCell, StatsOverlap, StatsOverlapCell
from skills_cert.statistics.suppression import THRESHOLD


@dataclass(frozen=True)
class Measure:
    """A column of a table: the rows counted (n) or the distinct people (people) in the cells
    where *where* holds (all cells if None)."""

    name: str
    kind: str  # "n" | "people"
    where: sa.ColumnElement | None = None
    # False for people counted only to decide suppression: the figure may then count someone
    # twice, but it is 0 only for nobody and below the threshold only when the true count is,
    # which is all that suppression asks. Exact counts cost a pass over the overlaps.
    exact: bool = True


def cell_filters(f) -> list[sa.ColumnElement]:
    """Conditions on cells for the dashboard's filters (`statistics.Filters`)."""
    conditions = []
    if f.date_from:
        conditions.append(StatsCell.month >= f.date_from.strftime("%Y-%m"))
    if f.date_to:
        conditions.append(StatsCell.month <= f.date_to.strftime("%Y-%m"))
    if f.province or f.centre_id:
        centres = sa.select(TestingCentre.id)
        if f.province:
            centres = centres.where(TestingCentre.province == f.province)
        if f.centre_id:
            centres = centres.where(TestingCentre.id == f.centre_id)
        conditions.append(StatsCell.centre_id.in_(centres))
    if f.standard_code or f.level:
        standards = sa.select(Standard.id)
        if f.standard_code:
            standards = standards.where(Standard.code == f.standard_code)
        if f.level:
            standards = standards.where(Standard.level == f.level)
        conditions.append(StatsCell.standard_id.in_(standards))
    if f.pathway:
        conditions.append(StatsCell.pathway == f.pathway)
    if f.sex:
        conditions.append(StatsCell.sex == f.sex)
    return conditions


def _grouping(key: str):
    """(expression, table to join or None) for grouping cells by *key*: a cell column,
    "standard" (its code), "province" (its centre's), "centre" (its id as text), "facet_detail" or "standard_detail" (two
    columns as one text), or "total" (no grouping: the expression is None)."""
    if key == "total":
        return None, None
    if key == "standard":
        return Standard.code, Standard
    if key == "province":
        return TestingCentre.province, TestingCentre
    if key == "centre":
        return sa.cast(StatsCell.centre_id, sa.String), None
    if key == "facet_detail":
        return StatsCell.facet + sa.literal("|") + StatsCell.detail, None
    if key == "standard_detail":
        return sa.cast(StatsCell.standard_id, sa.String) + sa.literal("|") + StatsCell.detail, None
    return getattr(StatsCell, key), None  # month, sex, facet


def _join(stmt: sa.Select, tables: set) -> sa.Select:
    if Standard in tables:
        stmt = stmt.join(Standard, Standard.id == StatsCell.standard_id)
    if TestingCentre in tables:
        stmt = stmt.join(TestingCentre, TestingCentre.id == StatsCell.centre_id)
    return stmt


def _case(m: Measure, then):
    """*then* where the measure's condition holds, else NULL (which sums, minima and maxima skip)."""
    return then if m.where is None else sa.case((m.where, then))


Figures = dict[str, dict[str, dict[str, int]]]  # key -> group -> measure -> figure


def figures(session: so.Session, family: str, f, keys: list[str], measures: list[Measure],
            extra: tuple = ()) -> Figures:
    """{key: {group: {measure name: figure}}} over the family's cells that match the filters *f*
    and the conditions *extra*, for each grouping key (see `_grouping`). Only groups that have
    cells appear, except the one group of "total", which is always there."""
    where = [StatsCell.family == family, *cell_filters(f), *extra]
    bounded = [m for m in measures if m.kind == "people" and not m.exact]
    found: Figures = {}
    unsure: set[tuple[str, str, str]] = set()  # (key, group, measure) where a bound is not enough
    for key in keys:
        key_expr, table = _grouping(key)
        group = key_expr if key_expr is not None else sa.literal("total")
        sums = _join(sa.select(group.label("key"),
                               *(sa.func.sum(_case(m, getattr(StatsCell, m.kind))).label(m.name) for m in measures),
                               *(sa.func.max(_case(m, StatsCell.people)).label(f"{m.name}_max") for m in bounded))
                     .select_from(StatsCell), {table}).where(*where)
        if key_expr is not None:
            sums = sums.group_by(key_expr)
        found[key] = {}
        for r in session.execute(sums):
            found[key][str(r.key)] = {m.name: int(getattr(r, m.name) or 0) for m in measures}
            # Someone in several cells is counted once per cell: the sum is at least the true
            # count, and the largest cell at most. Only between the two can the threshold fall.
            unsure.update((key, str(r.key), m.name) for m in bounded
                          if (getattr(r, f"{m.name}_max") or 0) < THRESHOLD <= (getattr(r, m.name) or 0))
    people = [m for m in measures if m.kind == "people" and (m.exact or any(u[2] == m.name for u in unsure))]
    if people and any(v for groups in found.values() for row in groups.values() for v in row.values()):
        exact = {m.name for m in people if m.exact}
        if not exact:  # only the unsure groups need a look at the overlaps
            where.append(sa.or_(*(_grouping(key)[0].in_({g for k, g, _m in unsure if k == key})
                                  if key != "total" else sa.true()
                                  for key in {k for k, _g, _m in unsure})))
        for key, group, name, value in _shared(session, family, where, keys, people):
            if name in exact or (key, group, name) in unsure:
                found[key][group][name] -= value
    return found


def aggregate(session: so.Session, family: str, f, key: str, measures: list[Measure],
              extra: tuple = ()) -> dict[str, dict[str, int]]:
    """`figures` for one key."""
    return figures(session, family, f, [key], measures, extra)[key]


def _shared(session: so.Session, family: str, where: list, keys: list[str], people: list[Measure]):
    """(key, group, measure, people counted more than once) for the chosen cells. A set of cells
    shared by *weight* people, m of them in one group and chosen for the measure, counted each of
    those people m times instead of once.

    Sets of two cells, nearly all of them, are done for every key in one statement: a pair counts
    twice in a group when both its cells are chosen and in that group (the least and the greatest
    group of its chosen cells are the same). Larger sets, rare (three tests, say), are done key
    by key, only if there are any."""
    tables = {_grouping(key)[1] for key in keys}
    columns = []
    for i, m in enumerate(people):
        columns.append(sa.func.sum(_case(m, 1)).label(f"m{i}"))
        for k, key in enumerate(keys):
            key_expr = _grouping(key)[0]
            if key_expr is not None:
                columns += [sa.func.min(_case(m, key_expr)).label(f"lo{k}_{i}"),
                            sa.func.max(_case(m, key_expr)).label(f"hi{k}_{i}")]
    pairs = (_join(sa.select(StatsOverlap.weight, *columns).select_from(StatsOverlapCell)
                   .join(StatsCell, StatsCell.id == StatsOverlapCell.cell_id)
                   .join(StatsOverlap, StatsOverlap.id == StatsOverlapCell.overlap_id), tables)
             .where(*where, StatsOverlap.size == 2)
             .group_by(StatsOverlap.id, StatsOverlap.weight).cte("pairs").prefix_with("MATERIALIZED"))
    parts = []
    for i, m in enumerate(people):
        for k, key in enumerate(keys):
            counted = pairs.c[f"m{i}"] == 2
            if _grouping(key)[0] is None:
                parts.append(sa.select(sa.literal(k).label("k"), sa.literal(i).label("i"),
                                       sa.literal("total").label("grp"), sa.func.sum(pairs.c.weight).label("extra"))
                             .where(counted))
            else:
                lo, hi = pairs.c[f"lo{k}_{i}"], pairs.c[f"hi{k}_{i}"]
                parts.append(sa.select(sa.literal(k).label("k"), sa.literal(i).label("i"), lo.label("grp"),
                                       sa.func.sum(pairs.c.weight).label("extra"))
                             .where(counted, lo == hi).group_by(lo))
    for r in session.execute(sa.union_all(*parts)):
        if r.extra:
            yield keys[r.k], str(r.grp), people[r.i].name, int(r.extra)
    larger = sa.select(StatsOverlap.id).where(StatsOverlap.family == family, StatsOverlap.size > 2).limit(1)
    if session.scalar(larger) is not None:
        for key in keys:
            for group, corrections in _shared_larger(session, where, key, people).items():
                for name, value in corrections.items():
                    if value:
                        yield key, group, name, value


def _shared_larger(session: so.Session, where: list, key: str, people: list[Measure]) -> dict[str, dict[str, int]]:
    """For each group, the people in sets of three or more cells counted more than once."""
    key_expr, table = _grouping(key)
    group = key_expr if key_expr is not None else sa.literal("total")
    inner = (_join(sa.select(group.label("key"), StatsOverlapCell.overlap_id, StatsOverlap.weight,
                             *(sa.func.sum(_case(m, 1)).label(m.name) for m in people))
                   .select_from(StatsOverlapCell)
                   .join(StatsCell, StatsCell.id == StatsOverlapCell.cell_id)
                   .join(StatsOverlap, StatsOverlap.id == StatsOverlapCell.overlap_id), {table})
             .where(*where, StatsOverlap.size > 2)
             .group_by(*([key_expr] if key_expr is not None else []), StatsOverlapCell.overlap_id, StatsOverlap.weight)
             .subquery("shared"))
    outer = sa.select(inner.c.key, *(sa.func.sum(sa.case((inner.c[m.name] > 1, inner.c.weight * (inner.c[m.name] - 1)),
                                                         else_=0)).label(m.name) for m in people))
    return {str(r.key): {m.name: int(getattr(r, m.name) or 0) for m in people}
            for r in session.execute(outer.group_by(inner.c.key))}
