"""The glue: rank, explain, screen, assign, compare and sweep from inputs to results."""
