"""Benchmarks of the import, the export and the people search, run by scripts/bench (not part of the app)."""
