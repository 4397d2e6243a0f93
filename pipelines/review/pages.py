"""Page images (PDFium) and the Arrhenius plot, as the review page shows them."""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Page images: 2 × 72 dpi, readable for table digits and exponents.
DEFAULT_RENDER_SCALE = 2.0
#: Screen pixels per PDF point of a shown page (its box scrolls into view): 1.5 makes a 9 pt
#: exponent about 10 px high, where a page squeezed into half a screen makes it 5.
DEFAULT_ZOOM = 1.5


@lru_cache(maxsize=64)
def render_page(path: Path, page: int, scale: float = DEFAULT_RENDER_SCALE,
                ) -> bytes:
    """PNG of one PDF page (PDFium). zlib level 1: on a seed page (p. 12 of replica-1col)
    0.3 s and 424 KiB, against 2.7 s and 486 KiB with ``optimize``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise IndexError(f"{path.name} has no page {page}")
        image = pdf[page - 1].render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()
    finally:
        pdf.close()


@lru_cache(maxsize=1024)
def page_size(path: Path, page: int) -> tuple[float, float]:
    """Width and height of a page in points, without rendering it (the page HTML needs them
    for the box; the image comes later, in its own request)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        width, height = pdf[page - 1].get_size()
        return float(width), float(height)
    finally:
        pdf.close()


def plot_to_svg(points: list[dict[str, Any]], width: int = 320, height: int = 220,
                ) -> dict[str, Any]:
    """Positions of an Arrhenius plot (log σ against 1000/T) in an SVG box: the template
    draws them (no script, no inline style, so the CSP holds)."""
    if not points:
        return {"width": width, "height": height, "points": [], "ticks": []}
    pad = 36
    xs, ys = [float(p["x"]) for p in points], [float(p["y"]) for p in points]
    x0, x1 = min(xs) - 0.1, max(xs) + 0.1
    y0, y1 = math.floor(min(ys)) - 0.5, math.ceil(max(ys)) + 0.5

    def sx(x: float) -> float:
        return pad + (x - x0) / (x1 - x0) * (width - pad - 8)

    def sy(y: float) -> float:
        return height - pad - (y - y0) / (y1 - y0) * (height - pad - 8)

    ticks = [{"y": round(sy(t), 1), "label": f"{t}"} for t in range(math.ceil(y0), int(y1) + 1)]
    xticks = [{"x": round(sx(x0 + (x1 - x0) * f), 1), "label": f"{x0 + (x1 - x0) * f:.2f}"}
              for f in (0.1, 0.9)]
    return {"width": width, "height": height, "pad": pad, "ticks": ticks, "xticks": xticks,
            "points": [{"cx": round(sx(p["x"]), 1), "cy": round(sy(p["y"]), 1),
                        "role": p["role"]} for p in points]}
