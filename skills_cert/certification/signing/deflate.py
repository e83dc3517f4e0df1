"""Canonical raw deflate with the preset dictionary of token format 1: one payload, one stream."""

from __future__ import annotations

import bisect
import zlib

from skills_cert.certification.signing.payload import MAX_PAYLOAD_BYTES, TokenError

# Preset deflate dictionary of token format 1. NEVER change it: old tokens would stop decoding.
ZDICT = (
    b'"],"v":1}","kid":"","k":"attainment","k":"certificate","l":1,"n":"TH-202","s":"TH-'
    b'","nl":"","nr":"","s":"LA-CON-","sv":1,"u":["LA-CON-{"a":"LA-SDI","e":"20","i":"202","id":"'
)

# Canonical deflate. zlib's output differs between zlib, zlib-ng and their versions, and one
# payload has many valid deflate streams (a match may copy from any earlier equal bytes), so
# tokens are compressed by this small deterministic encoder and parse_token accepts a stream only
# if it is exactly what this encoder makes of the payload: one payload, one token. The rule is
# part of token format 1 and must never change: a single final block with the fixed Huffman
# codes; window = ZDICT + payload; at each position take the longest match (3-258 bytes) among
# the MATCH_CHAIN nearest earlier positions whose next 3 bytes are equal, the nearest on a tie;
# otherwise a literal; then end-of-block, zero bits to the byte boundary.
MATCH_CHAIN = 32
_LENGTH_BASE = (3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                99, 115, 131, 163, 195, 227, 258)
_LENGTH_EXTRA = (0,) * 8 + (1,) * 4 + (2,) * 4 + (3,) * 4 + (4,) * 4 + (5,) * 4 + (0,)
_DIST_BASE = (1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577)


def _reversed_bits(code: int, width: int) -> int:
    return int(format(code, f"0{width}b")[::-1], 2)


def _fixed_code(symbol: int) -> tuple[int, int]:
    """(bits as written LSB first, width) of a literal/length symbol in the fixed Huffman code."""
    for first, last, width, base in ((0, 143, 8, 0x30), (144, 255, 9, 0x190), (256, 279, 7, 0),
                                     (280, 287, 8, 0xC0)):
        if first <= symbol <= last:
            return _reversed_bits(base + symbol - first, width), width
    raise AssertionError(symbol)


_FIXED = tuple(_fixed_code(symbol) for symbol in range(288))
_DIST_CODE = tuple(_reversed_bits(code, 5) for code in range(30))


def _common_length(window: bytes, older: int, here: int) -> int:
    limit = min(258, len(window) - here)
    length = 0
    while length + 16 <= limit and (window[older + length:older + length + 16]
                                    == window[here + length:here + length + 16]):
        length += 16
    while length < limit and window[older + length] == window[here + length]:
        length += 1
    return length


def deflate(payload: bytes) -> bytes:
    """The canonical raw deflate stream of *payload* (see the rule above)."""
    window = ZDICT + payload
    chains: dict[bytes, list[int]] = {}
    for position in range(len(ZDICT)):
        chains.setdefault(window[position:position + 3], []).append(position)
    bits, used = 0b011, 3  # BFINAL = 1, BTYPE = 01 (fixed Huffman)

    def put(value: int, width: int) -> None:
        nonlocal bits, used
        bits |= value << used
        used += width

    here = len(ZDICT)
    while here < len(window):
        key = window[here:here + 3]
        best, distance = 0, 0
        if len(key) == 3:
            for older in reversed(chains.get(key, ())[-MATCH_CHAIN:]):
                length = _common_length(window, older, here)
                if length > best:
                    best, distance = length, here - older
                    if length == 258:
                        break
        if best >= 3:
            index = bisect.bisect_right(_LENGTH_BASE, best) - 1
            put(*_FIXED[257 + index])
            put(best - _LENGTH_BASE[index], _LENGTH_EXTRA[index])
            index = bisect.bisect_right(_DIST_BASE, distance) - 1
            put(_DIST_CODE[index], 5)
            put(distance - _DIST_BASE[index], max(0, index // 2 - 1))
        else:
            best = 1
            put(*_FIXED[window[here]])
        for position in range(here, here + best):
            chains.setdefault(window[position:position + 3], []).append(position)
        here += best
    put(*_FIXED[256])
    return bits.to_bytes((used + 7) // 8, "little")


def inflate(compressed: bytes, *, canonical: bool = True) -> bytes:
    """The payload of a canonical stream; TokenError if corrupt, too big, cut short, followed by
    other bytes, or not exactly the canonical encoding. With *canonical* False the last check is
    left to the caller (it costs more than the rest: the payload is deflated again)."""
    inflater = zlib.decompressobj(wbits=-15, zdict=ZDICT)
    try:
        payload = inflater.decompress(compressed, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise TokenError("compressed payload is corrupt") from exc
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise TokenError("payload is too large")
    if not inflater.eof:
        raise TokenError("compressed payload is cut short")
    if inflater.unused_data:
        raise TokenError("trailing data after the compressed payload")
    if canonical and deflate(payload) != compressed:
        raise TokenError("compressed payload is not in canonical form")
    return payload
