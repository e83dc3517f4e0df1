"""PDF documents: plain data in, bytes out. Nothing here knows about requests or the database.

`text` draws Lao, Thai and Latin text correctly shaped (script runs, HarfBuzz via ReportLab's
`shapeStr`), `qr` draws a vector QR code, and `certificate` lays out certificates and statements
of attainment.
"""
