"""The benchmark's quick path runs in the suite so it cannot rot; its figures are not asserted."""

import json

from skills_cert.bench.__main__ import main
from skills_cert.bench.pdf import bare_page, sample_views


def test_quick_benchmark_writes_its_figures(tmp_path, capsys):
    output = tmp_path / "results.json"
    assert main(["--quick", "--output", str(output)]) == 0
    results = json.loads(output.read_text())
    pdf = results["benchmarks"][0]
    assert pdf["certificates_per_second"] > 0 and pdf["floor_pages_per_second"] > 0
    assert "certificate PDF rendering" in capsys.readouterr().out


def test_the_floor_page_is_a_real_pdf_with_the_same_qr():
    import pypdfium2
    import zxingcpp

    view = sample_views(1)[0]
    page = pypdfium2.PdfDocument(bare_page(view))[0]
    codes = zxingcpp.read_barcodes(page.render(scale=150 / 72).to_pil())
    assert [c.text for c in codes] == [view.verify_url]
