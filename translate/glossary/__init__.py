"""The newsroom glossary: entries and matching, TBX, the CI check, entity suggestions, term marks in pair files."""
