"""A tiny PDF writer for tests: standard-14 fonts, text runs with size and rise, rules.

Tests build the PDFs they pin behaviour on, so each fixture shows exactly one typographic
trait (a superscript, two columns, a running header) and nothing else varies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FONTS = {"regular": "Helvetica", "bold": "Helvetica-Bold", "times": "Times-Roman"}


@dataclass(frozen=True)
class Run:
    """Text in one font size; ``rise`` lifts it (superscript > 0, subscript < 0)."""

    text: str
    size: float = 10.0
    rise: float = 0.0
    font: str = "regular"


@dataclass(frozen=True)
class Codes:
    """Raw character codes in one of ``write_pdf``'s ``extra_fonts`` (a symbol font's codes)."""

    font: str
    codes: bytes
    size: float = 10.0
    rise: float = 0.0


@dataclass(frozen=True)
class Words:
    """Words ``gap`` font sizes apart with no space glyph between them (one ``TJ`` array), as
    some typesetters set tight text; a leading space in ``text`` opens with such a gap."""

    text: str
    gap: float = 0.1
    size: float = 10.0
    font: str = "regular"


def sup(text: str, size: float = 7.0, rise: float = 3.5) -> Run:
    return Run(text, size, rise)


def sub(text: str, size: float = 7.0, rise: float = -2.0) -> Run:
    return Run(text, size, rise)


@dataclass
class Page:
    width: float = 595.0
    height: float = 842.0
    ops: list[str] = field(default_factory=list)

    def text(self, x: float, top: float, *runs: Run | Codes | Words | str) -> Page:
        """Write runs from (x, baseline at ``top`` points below the page's top edge)."""
        parts = [f"BT 1 0 0 1 {x:.2f} {self.height - top:.2f} Tm"]
        for run in runs:
            if isinstance(run, Codes):
                parts.append(f"/{run.font} {run.size:g} Tf {run.rise:g} Ts <{run.codes.hex()}> Tj")
                continue
            if isinstance(run, Words):
                shift = f" {-1000 * run.gap:g} "
                items = shift.join(f"({_escape(w)})" if w else "" for w in run.text.split(" "))
                font = list(FONTS).index(run.font) + 1
                parts.append(f"/F{font} {run.size:g} Tf 0 Ts [{items}] TJ")
                continue
            r = Run(run) if isinstance(run, str) else run
            font = list(FONTS).index(r.font) + 1
            parts.append(f"/F{font} {r.size:g} Tf {r.rise:g} Ts ({_escape(r.text)}) Tj")
        parts.append("0 Ts ET")
        self.ops.append(" ".join(parts))
        return self

    def rule(self, x0: float, top: float, x1: float) -> Page:
        y = self.height - top
        self.ops.append(f"0.5 w {x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l S")
        return self


    def fill(self, x0: float, top: float, x1: float, bottom: float, gray: float = 0.85) -> Page:
        """A filled rectangle (a shaded table band), drawn in ``gray`` (0 black, 1 white)."""
        y = self.height - bottom
        self.ops.append(f"{gray:g} g {x0:.2f} {y:.2f} {x1 - x0:.2f} {bottom - top:.2f} re f 0 g")
        return self


def _escape(text: str) -> str:
    raw = text.encode("cp1252").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[Page], extra_fonts: dict[str, str] | None = None,
              streams: dict[str, tuple[str, bytes]] | None = None) -> Path:
    """Write ``pages`` as a PDF 1.4 file with WinAnsi-encoded standard fonts.

    ``extra_fonts`` maps a resource name (what :class:`Codes` runs name) to the body of a font
    dictionary written as is, e.g. a font with its own ``/Encoding /Differences``.
    ``streams`` maps a name to (extra dictionary entries, data) of a stream object, e.g. an
    embedded font program; a font body refers to it as ``@name`` (its ``N 0 R``).
    """
    objects: list[str] = []

    def add(body: str) -> int:
        objects.append(body)
        return len(objects)

    catalog = add("")  # filled in below, once the page tree's number is known
    refs = {}
    for name, (entries, data) in (streams or {}).items():
        refs[name] = add(f"<< /Length {len(data)} {entries} >>\nstream\n"
                         f"{data.decode('latin-1')}\nendstream")
    for name, number in refs.items():
        extra_fonts = {key: body.replace(f"@{name}", f"{number} 0 R")
                       for key, body in (extra_fonts or {}).items()}
    font_ids = [add(f"<< /Type /Font /Subtype /Type1 /BaseFont /{name} "
                    "/Encoding /WinAnsiEncoding >>") for name in FONTS.values()]
    fonts = " ".join(f"/F{i + 1} {fid} 0 R" for i, fid in enumerate(font_ids))
    for key, body in (extra_fonts or {}).items():
        fonts += f" /{key} {add(body)} 0 R"
    tree = add("")
    kids = []
    for page in pages:
        stream = "\n".join(page.ops).encode("latin-1")
        content = add(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\n"
                      "endstream")
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {page.width:g} "
                        f"{page.height:g}] /Resources << /Font << {fonts} >> >> "
                        f"/Contents {content} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>"
    objects[tree - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                         f"/Count {len(kids)} >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    path.write_bytes(bytes(out))
    return path
