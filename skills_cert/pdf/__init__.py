"""The text machinery every PDF shares: plain data in, drawing out. Nothing here knows about
requests, the database or any feature.

`text` draws Lao, Thai and Latin text correctly shaped (script runs, HarfBuzz via ReportLab's
`shapeStr`) and wraps it, `layout` stacks text blocks and table rows, `report` runs tables over
as many A4 landscape pages as they need, and `qr` draws a vector QR code. The documents live with
their features: the certificate in `certification/certificate_pdf.py`, the mapping report in
`recognition/mapping_report_pdf.py`, the statistics report in `statistics/report_pdf.py`.
"""
