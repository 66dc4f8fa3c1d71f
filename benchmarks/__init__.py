"""Performance runs for siting: ``python -m benchmarks`` prints a table (not part of the tests)."""
