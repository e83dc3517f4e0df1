"""A QR code drawn as vector rectangles: crisp at any print size, and no image in the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


@dataclass(frozen=True)
class QrSymbol:
    version: int
    rows: tuple[bytes, ...]  # 1 for a dark module, 0 for a light one; no quiet zone

    @property
    def modules(self) -> int:
        """Width in modules, quiet zone included."""
        return len(self.rows) + 2 * QUIET_ZONE


@lru_cache(maxsize=128)
def encode(data: str) -> QrSymbol:
    """The smallest symbol at error correction M (15 % of the code may be damaged), best mask.

    Choosing the mask is most of the cost (~25 ms for a 400-character URL); a downloaded
    certificate is often drawn again, hence the (small: ~9 KB a symbol) cache.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return QrSymbol(code.version, tuple(bytes(row) for row in code.get_matrix()))


def _dark_runs(row: bytes):
    """(start, length) of each horizontal run of dark modules."""
    start = None
    for i, dark in enumerate(row + b"\0"):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i - start
            start = None


def draw_qr(canvas, data: str, x: float, y: float, size: float) -> QrSymbol:
    """Draw the QR code for *data* with its lower-left corner (quiet zone included) at (x, y),
    *size* points wide: a white square, then one filled path with a rectangle per dark run.
    The path is drawn in module units (whole numbers), which keeps the page stream small."""
    symbol = encode(data)
    module = size / symbol.modules
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.translate(x + QUIET_ZONE * module, y + size - QUIET_ZONE * module)
    canvas.scale(module, -module)  # row r, column c is the unit square at (c, r)
    path = canvas.beginPath()
    for r, row in enumerate(symbol.rows):
        for start, length in _dark_runs(row):
            path.rect(start, r, length, 1)
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return symbol
