"""Ingestion: an article file (HTML, Markdown, a text scrape) becomes an Article of blocks and sentences."""
