"""Pair-file formats: XLIFF 2.1 and 1.2, TMX, and the import/export CAT tools go through."""
