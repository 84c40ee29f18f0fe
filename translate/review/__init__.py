"""Review for editors: diffs, edit rates, the report, approval."""
