"""Read in French: an English-to-French machine-translation publishing workflow for news articles.

The library is usable without the CLI: ingest an article, segment it, translate it with a
:class:`translate.mt.engine.MarianEngine` the caller creates, and write a pair file.
"""

__version__ = "0.1.0"
