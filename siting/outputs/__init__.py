"""Outputs that read results only: terminal, tables, maps."""
