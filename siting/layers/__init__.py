"""Data in: load and validate the layers, join them into the site table, describe them."""
