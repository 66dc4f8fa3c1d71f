"""From the site table and a profile to rule slacks and criterion scores (no model imports)."""
