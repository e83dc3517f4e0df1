"""The dashboard benchmark runs end to end on a tiny registry, so it cannot rot; its figures are
not asserted beyond being there."""

from skills_cert.devtools.bench import dashboard, registries


def _ms(text: str) -> float:
    number, unit = text.split()
    assert unit == "ms"
    return float(number)


def test_the_dashboard_benchmark_on_a_tiny_registry(tmp_path):
    registries.build_registry(tmp_path, 50)
    rows = dashboard.run(tmp_path, 50, repeats=2)
    assert [row["name"] for row in rows] == [
        "statistics dashboard, all years, 50 certificates",
        "statistics dashboard, this year (as it opens), 50 certificates",
        "statistics dashboard, one standard, this year, women, 50 certificates",
        "statistics one table as CSV, all years, 50 certificates",
        "statistics report as PDF, all years, 50 certificates",
        "statistics snapshot rebuild, 50 certificates"]
    assert _ms(rows[-1]["figure"]) > 0 and "cells" in rows[-1]["detail"]
    for row in rows[:-1]:
        assert {"name", "figure", "floor", "ratio", "goal", "meets_goal", "detail"} <= row.keys()
        assert _ms(row["figure"]) > 0 and row["count_ms"] > 0 and row["ratio"] > 0
        assert row["dashboard"]["statements"] > 0 and row["dashboard"]["bytes"] > 0
    assert rows[0]["goal"] == f"ratio <= {dashboard.GOAL_RATIO}"
    # A second run on the same registry logs the benchmark's analyst in again (a new password).
    assert len(dashboard.run(tmp_path, 50, repeats=1)) == 6
