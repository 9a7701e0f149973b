"""Benchmarks: corpora generated into temporary folders, measured in separate processes."""
