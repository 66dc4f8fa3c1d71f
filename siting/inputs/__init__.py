"""What a user gives: a profile, a leads table, the criteria catalogue, a what-if scenario."""
