"""PDFs in: one dynamic partition per document, the folder sensor, the PDF read into a layout."""
