"""Type aliases shared across extractors."""

from typing import TypeAlias

#: (x0, top, x1, bottom) in PDF points, pdfplumber's top-down coordinates.
BBox: TypeAlias = tuple[float, float, float, float]
