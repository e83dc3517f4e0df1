"""The benchmark's quick path runs in the suite so it cannot rot; its figures are not asserted."""

import json

import pytest

from skills_cert.devtools.bench.__main__ import main
from skills_cert.devtools.bench.pdf import bare_page, sample_views


@pytest.mark.browser
def test_quick_benchmark_writes_its_figures(tmp_path, capsys, browser_type_launch_args):
    # browser_type_launch_args: skipped without Chromium (a failure under CI=true), as browser tests are.
    output = tmp_path / "results.json"
    assert main(["--quick", "--output", str(output)]) == 0
    results = json.loads(output.read_text())
    pdf = results["benchmarks"][0]
    pages = [row for row in results["benchmarks"] if "language" in row]
    verification = [row for row in results["benchmarks"] if "verification" in row]
    assert pdf["certificates_per_second"] > 0 and pdf["floor_pages_per_second"] > 0
    assert [page["language"] for page in pages] == ["th", "lo"]
    assert len(verification) == 2 and all(row["verification"]["errors"] == 0 for row in verification)
    for page in pages:
        assert page["by_type"]["document"]["requests"] == 1 and page["by_type"]["font"]["requests"] > 0
        assert page["total_bytes"] > page["floor_bytes"] > 0
    table = capsys.readouterr().out
    assert "certificate PDF rendering" in table and "verify page weight, th" in table
    assert "batch issuance, 50 certificates + ZIP" in table and "bulk import, 2,000 rows" in table


def test_the_table_prints_benchmarks_of_different_shapes(capsys):
    from skills_cert.devtools.bench.__main__ import print_table

    print_table({"mode": "quick", "seconds": 1.0, "benchmarks": [
        {"name": "pdf", "certificates_per_second": 10.0, "floor_pages_per_second": 12.0, "time_ratio": 1.2,
         "goal": "time_ratio <= 1.3", "meets_goal": True},
        {"name": "page", "figure": "47.0 KB", "floor": "21.0 KB", "ratio": 2.24, "goal": "<= 60 KB",
         "meets_goal": True, "detail": "font 26.0 KB (3)"},
        {"name": "broken", "error": "RuntimeError: no Chromium", "goal": "-", "meets_goal": False},
    ]})
    lines = capsys.readouterr().out.splitlines()
    assert "10.0 /s" in lines[2] and "12.0 /s" in lines[2] and lines[2].endswith("ok")
    assert "47.0 KB" in lines[3] and "21.0 KB" in lines[3] and "2.24" in lines[3]
    assert lines[4].strip() == "font 26.0 KB (3)"
    assert "not run" in lines[5] and lines[5].endswith("MISSED") and "no Chromium" in lines[6]


def test_the_floor_page_is_a_real_pdf_with_the_same_qr():
    import pypdfium2
    import zxingcpp

    view = sample_views(1)[0]
    page = pypdfium2.PdfDocument(bare_page(view))[0]
    codes = zxingcpp.read_barcodes(page.render(scale=150 / 72).to_pil())
    assert [c.text for c in codes] == [view.verify_url]


def _check_verification_rows(rows, large=60, small=20, where=""):
    names = [row["name"] for row in rows]
    assert names == [f"verification page (HTML), {large} certificates{where}",
                     f"API verify (JSON), {large} certificates{where}",
                     f"HTML verify p50 latency, {large} vs {small}{where}", f"API verify p50 latency, {large} vs {small}{where}"]
    for row in rows[:2]:
        assert row["verification"]["requests"] > 0 and row["verification"]["errors"] == 0
        for floor in ("bare", "irreducible"):  # both floors served and answering 200
            assert row[floor]["requests"] > 0 and row[floor]["errors"] == 0
        assert row["verification"]["p99_ms"] >= row["verification"]["p50_ms"] > 0
        assert row["response_bytes"] > 1000 and row["bare_ratio"] > 0
        assert "bare Flask route" in row["detail"] and "(irreducible floor)" in row["goal"]
    assert all(row["ratio"] > 0 for row in rows)


def test_verification_throughput_on_tiny_registries():
    """The gunicorn benchmark end to end on registries of 20 and 60 seeded certificates: the real
    commands seed them, every sampled link verifies as genuine, and every figure is there."""
    from skills_cert.devtools.bench import verify_throughput

    _check_verification_rows(verify_throughput.run(sizes=(20, 60), seconds=0.6, rounds=1, concurrency=2, workers=1))


def test_verification_throughput_on_a_throwaway_postgresql_server():
    """`--postgres`: the same rows on a PostgreSQL server the benchmark starts, seeds and stops (one
    registry size, to keep it short)."""
    from conftest import PG_MISSING, _require

    from skills_cert.devtools import postgres_server
    from skills_cert.devtools.bench import verify_throughput

    _require(postgres_server.available(), PG_MISSING)
    rows = verify_throughput.run(sizes=(30,), seconds=0.3, rounds=1, concurrency=2, workers=1, postgres=True)
    _check_verification_rows(rows, 30, 30, ", PostgreSQL")


def test_batch_issuance_on_a_tiny_session():
    """Approve, issue and download a ZIP of 10 certificates (checked to hold 10 PDFs); the ZIP of
    10 and of 2 are traced for memory."""
    from skills_cert.devtools.bench import batch

    timing, memory = batch.run(count=10)
    assert timing["count"] == 10 and timing["zip_bytes"] > 10 * 20_000
    assert timing["seconds"] > timing["approve_issue_seconds"] > 0 and timing["floor_seconds"] > 0
    assert timing["time_ratio"] == pytest.approx(timing["seconds"] / timing["floor_seconds"], abs=0.05)
    assert memory["name"] == "batch ZIP peak memory, 10 vs 2" and timing["peak_bytes"] > 0


def test_bulk_import_on_a_tiny_file():
    """300 rows through `flask assessments import`, then the same rows by executemany."""
    from skills_cert.devtools.bench import bulk_import

    [row] = bulk_import.run(sizes=(300,))
    assert row["rows"] == 300 and row["audit_entries"] == 300
    assert row["item_results"] % 300 == 0 and row["item_results"] >= 300 * 10
    assert row["rows_per_second"] > 0 and row["floor_rows_per_second"] > 0 and row["ratio"] > 0
