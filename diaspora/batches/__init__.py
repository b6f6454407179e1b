"""Import batches: what every import records (the batch, its per-row results, saved mappings) and the
protocol a feature's record kind implements (diaspora.batches.kinds)."""
