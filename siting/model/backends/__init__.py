"""The MILP backends behind :func:`siting.model.solvers.solve_milp`: CBC, HiGHS, CP-SAT.

Each backend module has a ``solve(model, rows, deadline, gap_rel, start, report)`` that returns
the backend's status, 0/1 solution and gap; :mod:`.common` holds what they share.
"""
