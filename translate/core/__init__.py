"""What every stage shares: the article data, errors, settings, safe file and XML I/O, inline codes."""
