"""Optimisation cores on arrays: site choice, two sites, portfolio assignment, solvers."""
