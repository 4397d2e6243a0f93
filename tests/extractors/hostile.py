"""Hostile PDFs for the reliability tests and ``bench/mutants.py``: mutants and crafted files.

:func:`mutate` damages a good PDF the way disks, downloads and careless tools do (flipped
bytes, truncation, a damaged PDF token, a repeated or deleted chunk); the builders write files
made to hurt a reader: a page tree nested thousands deep, a flate bomb, a page of thousands of
rules, a page of dense text.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from tests.pdfbuild import Page, sup, write_pdf

#: The kinds of damage :func:`mutate` does, drawn uniformly.
MUTATIONS = ("flip", "truncate", "token", "chunk")
#: PDF tokens worth damaging: names, numbers, keywords and delimiters.
_TOKEN = re.compile(
    rb"/[A-Za-z]+|\d+|\b(?:obj|endobj|stream|endstream|xref|trailer|R)\b|<<|>>|\[|\]")


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One damaged copy of ``data`` and a short label of what was done to it."""
    kind = rng.choice(MUTATIONS)
    out = bytearray(data)
    if kind == "flip":
        n = rng.randint(1, 16)
        for _ in range(n):
            i = rng.randrange(len(out))
            out[i] = rng.randrange(256)
        return f"flip x{n}", bytes(out)
    if kind == "truncate":
        cut = rng.randrange(1, len(out))
        return f"truncate @{cut}", bytes(out[:cut])
    if kind == "token":
        tokens = list(_TOKEN.finditer(data))
        m = rng.choice(tokens)
        new = rng.choice([m.group() + b"X", b"", m.group()[:-1], b"999999999",
                          b"-1", b"/" + m.group().lstrip(b"/")[::-1], b"<<" * 3])
        return (f"token {m.group()[:12]!r}@{m.start()}",
                bytes(out[:m.start()] + new + out[m.end():]))
    a = rng.randrange(len(out))
    b = min(len(out), a + rng.randint(1, 4096))
    if rng.random() < 0.5:
        return f"delete {a}..{b}", bytes(out[:a] + out[b:])
    return f"repeat {a}..{b}", bytes(out[:b] + out[a:b] + out[b:])


def mutants(sources: dict[str, bytes], n: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """``n`` mutants, round-robin over ``sources``, from a seeded generator (reproducible)."""
    rng = random.Random(seed)
    names = sorted(sources)
    for i in range(n):
        name = names[i % len(names)]
        label, data = mutate(sources[name], rng)
        yield f"{i:04d}-{name}: {label}", data


# --------------------------------------------------------------------------- raw files


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF whose numbered objects are ``objects`` (object 1 first), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_TEXT = b"BT /F1 10 Tf 72 720 Td (A page of text.) Tj ET"


def deep_page_tree(depth: int) -> bytes:
    """One page under ``depth`` nested ``/Pages`` nodes (pdfminer walks them recursively)."""
    # 1 catalog, 2 font, 3 content, 4 page, 5.. the nodes, 5 the root node
    nodes = list(range(5, 5 + depth))
    objects = [b"<< /Type /Catalog /Pages 5 0 R >>", _FONT, _stream(_TEXT),
               b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 2 0 R >> >> /Contents 3 0 R >>" % nodes[-1]]
    for k in range(len(nodes)):
        kid = nodes[k + 1] if k + 1 < len(nodes) else 4
        parent = b" /Parent %d 0 R" % nodes[k - 1] if k else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (kid, parent))
    return raw_pdf(objects)


def flate_bomb(inflated_mb: int) -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` MiB of spaces (~1000:1)."""
    # A full flush makes each MiB's deflate blocks independent of the previous ones, so one
    # MiB is compressed once and repeated; the zlib header and checksum are written by hand.
    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packer.compress(chunk)
    packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(inflated_mb):
        checksum = zlib.adler32(chunk, checksum)
    packed = (b"\x78\xda" + block * inflated_mb + packer.flush()
              + checksum.to_bytes(4, "big"))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               _stream(packed, b"/Filter /FlateDecode "), _FONT]
    return raw_pdf(objects)


def unsupported_filter() -> bytes:
    """A page whose content stream names a filter nobody knows (raised from ``page.chars``)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
               _stream(zlib.compress(_TEXT), b"/Filter /FlateDecodeX "), _FONT]
    return raw_pdf(objects)


def ruled_page(path: Path, n_rules: int = 3000) -> Path:
    """One page of ``n_rules`` short horizontal rules: 30 columns of rules 8 pt apart.

    Every rule has partners of the same width further down its column, which made the old
    frame finder compare each pair against every rule of the page.
    """
    page = Page()
    columns = 30
    rows = -(-n_rules // columns)
    for k in range(n_rules):
        col, row = k % columns, k // columns
        top = 20 + row * (800 / rows)
        page.rule(10 + col * 19, top, 10 + col * 19 + 15)
    return write_pdf(path, [page])


def dense_text_page(path: Path, n_lines: int = 400) -> Path:
    """``n_lines`` lines of conductivity statements that never end a sentence."""
    pages = []
    per_page = 66
    for start in range(0, n_lines, per_page):
        page = Page()
        for k in range(start, min(n_lines, start + per_page)):
            page.text(40, 30 + (k - start) * 12, f"Li{k % 9 + 1}PS4 shows 1.{k % 10} × 10",
                      sup("-4"), " S cm", sup("-1"), f" at {20 + k % 60} °C and")
        pages.append(page)
    return write_pdf(path, pages)


def small_pdf(path: Path) -> Path:
    """A one-page PDF with a sentence that gives one record."""
    page = Page().text(72, 100, "The glass-ceramic Li7P3S11 showed an ionic conductivity of")
    page.text(72, 112, "1.7 × 10", sup("-2"), " S cm", sup("-1"), " at 25 °C, the highest so far.")
    return write_pdf(path, [page])
