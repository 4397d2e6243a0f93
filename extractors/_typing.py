"""Type aliases shared across extractors."""

from typing import Protocol, TypeAlias

#: (x0, top, x1, bottom) in PDF points, pdfplumber's top-down coordinates.
BBox: TypeAlias = tuple[float, float, float, float]
#: A pdfplumber character dict.
CharDict: TypeAlias = dict[str, object]


class PageSource(Protocol):
    """What the layout reader takes from a page: a pdfplumber page
    (:class:`extractors.glyphs.GlyphPage`) or :class:`extractors.pdfium_source.PdfiumPage`."""

    @property
    def page_number(self) -> int: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...
    @property
    def chars(self) -> list[CharDict]: ...
    @property
    def edges(self) -> list[CharDict]: ...
    @property
    def images(self) -> list[CharDict]: ...
    @property
    def invisible_chars(self) -> int: ...
