"""Statistical disclosure control for the statistics tables: small cells are suppressed.

The rule, applied to every table before it is shown or exported:

1. Primary: a count cell computed from 1 to 4 people (distinct candidates or holders) is
   suppressed. Zero is shown: it is computed from nobody.
2. Rates (a pass rate, a share) are suppressed when their numerator or denominator is.
3. Complementary, within a row: where columns add up (assessed = competent + not yet competent),
   a single suppressed cell among them would be the difference of the others, so the smallest
   other part is suppressed too.
4. Complementary, within a column: rows partition the total shown below them, so a single
   suppressed row would be the total minus the others; the row with the next smallest count is
   suppressed too. Steps 3 and 4 repeat until neither changes anything.

The total row gets the primary rule only: it equals the headline figure, which any filter shows.
What this does not stop: differencing between two filtered views (e.g. a province's total and
its total for men). An online query system needs rounding or noise for that; see the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THRESHOLD = 5


@dataclass
class Cell:
    value: int | float | None
    people: int = 0  # distinct people behind the value (or more, where that cannot move it across THRESHOLD); unused for a rate
    suppressed: bool = False

    @property
    def shown(self) -> int | float | None:
        return None if self.suppressed else self.value


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Rate:
    """Column *column* is numerator / denominator (two other columns), as a percentage."""

    column: int
    numerator: int
    denominator: int


@dataclass
class Table:
    key: str
    title: str
    heads: list[str]  # first head names the row label column
    rows: list[Row]
    total: Row | None = None
    additive: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (whole, parts): whole = sum(parts)
    rates: tuple[Rate, ...] = ()
    partition: bool = True  # rows add up to the total, so step 4 applies
    note: str = ""
    extra: dict = field(default_factory=dict)


def _small(cell: Cell) -> bool:
    return 0 < cell.people < THRESHOLD


def _rate_columns(table: Table) -> set[int]:
    return {r.column for r in table.rates}


def _hide_smallest(cells: list[Cell]) -> bool:
    """Suppress the shown cell with the smallest value (it loses the least); True if one was."""
    candidates = [c for c in cells if not c.suppressed]
    if not candidates:
        return False
    smallest = min(candidates, key=lambda c: c.value or 0)
    smallest.suppressed = True
    return True


def _within_rows(table: Table, row: Row) -> bool:
    changed = False
    for whole, parts in table.additive:
        group = [row.cells[whole], *(row.cells[p] for p in parts)]
        if sum(c.suppressed for c in group) == 1:
            changed |= _hide_smallest([row.cells[p] for p in parts])
    return changed


def _within_columns(table: Table) -> bool:
    if not table.partition or len(table.rows) < 2:
        return False
    changed = False
    rates = _rate_columns(table)
    for column in range(len(table.rows[0].cells)):
        if column in rates:
            continue
        cells = [row.cells[column] for row in table.rows]
        if sum(c.suppressed for c in cells) == 1:
            changed |= _hide_smallest(cells)
    return changed


def _apply_rates(table: Table, row: Row) -> None:
    for rate in table.rates:
        if row.cells[rate.numerator].suppressed or row.cells[rate.denominator].suppressed:
            row.cells[rate.column].suppressed = True


def protect(table: Table) -> Table:
    """Apply the rule above to *table* in place and return it."""
    rates = _rate_columns(table)
    rows = table.rows + ([table.total] if table.total else [])
    for row in rows:
        for index, cell in enumerate(row.cells):
            if index not in rates and _small(cell):
                cell.suppressed = True
    changed = True
    while changed:
        changed = any([_within_rows(table, row) for row in table.rows])
        changed |= _within_columns(table)
    if table.total:
        _within_rows(table, table.total)
    for row in rows:
        _apply_rates(table, row)
    return table
