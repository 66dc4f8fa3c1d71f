"""Importers for the official publications behind each layer."""
