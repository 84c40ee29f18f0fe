"""File suffixes the tool recognises: one list each, for discovery, ingestion and ARTICLE arguments."""

from __future__ import annotations

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
TEXT_SUFFIXES = (".txt",)
# What `translate batch` and `glossary suggest` pick up in a folder: every format ingestion reads.
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES
# Pair files (XLIFF), as written by `translate run` and saved back by CAT tools.
PAIR_SUFFIXES = (".xlf", ".xliff")
