"""The runs: per-article workflow, batches, merge rules for re-runs, article locks, the translation memory."""
