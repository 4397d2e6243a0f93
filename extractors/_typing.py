"""Type aliases shared across extractors."""

from typing import Any, Protocol, TypeAlias

#: (x0, top, x1, bottom) in PDF points, pdfplumber's top-down coordinates.
BBox: TypeAlias = tuple[float, float, float, float]
#: A pdfplumber object dict as a page lists it (char, edge, image): pdfplumber's ``T_obj``.
PageObject: TypeAlias = dict[str, Any]


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
    def chars(self) -> list[PageObject]: ...
    @property
    def edges(self) -> list[PageObject]: ...
    @property
    def images(self) -> list[PageObject]: ...
    @property
    def invisible_chars(self) -> int: ...
