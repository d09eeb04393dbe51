"""The screenshot decoder: every PNG row filter, RGB and RGBA, against known pixels."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from webtwin.envs.png import PngError, decode_png


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_row(kind: int, row: bytes, above: bytes, channels: int) -> bytes:
    out = bytearray()
    for i, value in enumerate(row):
        left = row[i - channels] if i >= channels else 0
        up = above[i]
        upper_left = above[i - channels] if i >= channels else 0
        predictor = [0, left, up, (left + up) // 2, _paeth(left, up, upper_left)][kind]
        out.append((value - predictor) & 0xFF)
    return bytes(out)


def _encode(image: np.ndarray, filters: list[int]) -> bytes:
    height, width, channels = image.shape
    rows, above = [], bytes(width * channels)
    for y in range(height):
        row = image[y].tobytes()
        rows.append(bytes([filters[y % len(filters)]]) +
                    _filter_row(filters[y % len(filters)], row, above, channels))
        above = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    colour = {3: 2, 4: 6}[channels]
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


@pytest.mark.parametrize("filters", [[0], [1], [2], [3], [4], [2, 0, 2, 2], [0, 1, 2, 3, 4]])
@pytest.mark.parametrize("channels", [3, 4])
def test_decodes_every_filter(filters: list[int], channels: int) -> None:
    rng = np.random.default_rng(sum(filters) * 10 + channels)
    image = rng.integers(0, 256, size=(9, 7, channels), dtype=np.uint8)
    decoded = decode_png(_encode(image, filters))
    assert decoded.dtype == np.uint8 and decoded.shape == (9, 7, 3)
    assert np.array_equal(decoded, image[:, :, :3])


def test_refuses_what_it_cannot_read() -> None:
    with pytest.raises(PngError):
        decode_png(b"GIF89a")
