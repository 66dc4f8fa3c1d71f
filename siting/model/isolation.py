"""A hard wall-clock limit for one solve: the backend runs in a child process that is killed.

The backends' own time limits are checked inside their search; a solve can still run far past
them in a step that does not check the clock (HiGHS once spent 379 s of a 60 s limit setting up
a 20-million-entry MIP, and PuLP's model build for CBC is not counted by CBC at all).
:func:`run_with_deadline` forks a child process (in a process group of its own, so a CBC
process the child starts goes with it), lets it run the solve and report every improving
solution through a pipe as it finds one, and kills the whole group when the deadline passes.
Shortly before that the group gets ``SIGINT``, on which CBC (which reports nothing while it
runs) stops, writes its best solution and so hands it over.
What the caller gets back then is the last solution the child reported, with its objective
and bound, and the word that the solve was stopped.

On platforms without ``fork`` (Windows) the solve runs in the calling process, under the
backend's own time limit only.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The child reports an improving solution as ``("incumbent", x, objective, bound)`` and its
#: final answer as ``("done", value)`` or ``("error", text)``.
Report = Callable[[np.ndarray, float, float], None]


@dataclass(frozen=True)
class Isolated:
    """What a solve under a hard deadline returned.

    Parameters
    ----------
    value
        The solve function's return value, or ``None`` when the child was stopped or failed.
    stopped
        The deadline passed and the child process was killed.
    incumbent
        The last improving solution the child reported (0/1 integers), or ``None``.
    objective
        Objective of ``incumbent`` (``nan`` without one).
    bound
        The best bound the backend reported with it (``nan`` when unknown).
    error
        The child's error message, if it failed.
    elapsed_s
        Wall time from the call to the return [s].
    """

    value: Any
    stopped: bool
    incumbent: np.ndarray | None = None
    objective: float = math.nan
    bound: float = math.nan
    error: str | None = None
    elapsed_s: float = 0.0


def can_isolate() -> bool:
    """Whether this platform can run a solve in a forked child process."""
    return hasattr(os, "fork") and hasattr(os, "killpg")


def run_with_deadline(
    solve: Callable[[Report], Any],
    *,
    deadline: float,
    interrupt_at: float | None = None,
    poll_s: float = 0.05,
) -> Isolated:
    """Run ``solve(report)`` in a forked child; kill it if it is not done by ``deadline``.

    At ``interrupt_at`` the child's process group first gets ``SIGINT``: the child itself
    ignores it, but a CBC process it runs stops its search, writes its best solution and
    lets the child return it (``stopped`` is then true and ``value`` the answer).

    Parameters
    ----------
    solve
        The solve; it gets ``report(x, objective, bound)`` to call with each improving
        solution, and returns a picklable value.
    deadline
        :func:`time.perf_counter` value at which the child is killed [s].
    interrupt_at
        :func:`time.perf_counter` value at which the child's group gets ``SIGINT`` [s]
        (``None``: never).
    poll_s
        How often the parent checks a child that has died without a word [s].

    Returns
    -------
    Isolated
    """
    import multiprocessing

    began = time.perf_counter()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(solve, send), daemon=True)
    child.start()
    send.close()
    try:
        return _watch(child, receive, deadline, interrupt_at, poll_s, began)
    finally:
        receive.close()
        if child.is_alive():
            _kill(child)


@dataclass
class _Last:
    """What the parent has heard from the child so far."""

    incumbent: np.ndarray | None = None
    objective: float = math.nan
    bound: float = math.nan
    interrupted: bool = False


def _watch(
    child: Any,
    receive: Any,
    deadline: float,
    interrupt_at: float | None,
    poll_s: float,
    began: float,
) -> Isolated:
    """Wait for the child's answer: interrupt it at ``interrupt_at``, kill it at ``deadline``."""
    last = _Last()

    def ended(stopped: bool, error: str | None, value: Any = None) -> Isolated:
        return Isolated(
            value,
            stopped,
            last.incumbent,
            last.objective,
            last.bound,
            error,
            time.perf_counter() - began,
        )

    while True:
        now = time.perf_counter()
        if interrupt_at is not None and not last.interrupted and now >= interrupt_at and child.pid:
            last.interrupted = True
            with contextlib.suppress(OSError):
                os.killpg(child.pid, signal.SIGINT)
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            _kill(child)
            return ended(True, None)
        if not receive.poll(min(remaining, poll_s)):
            if not child.is_alive() and not receive.poll(0):
                code = child.exitcode
                return ended(
                    False, f"the solver process ended with exit code {code} without an answer"
                )
            continue
        try:
            message = receive.recv()
        except EOFError:
            child.join(1.0)
            code = child.exitcode
            return ended(False, f"the solver process ended (exit code {code}) without an answer")
        if message[0] == "incumbent":
            last.incumbent = np.asarray(message[1], dtype=np.int64)
            last.objective, last.bound = float(message[2]), float(message[3])
            continue
        child.join(5.0)
        if message[0] == "done":
            return ended(last.interrupted, None, message[1])
        return ended(False, str(message[1]))


def _child(solve: Callable[[Report], Any], send: Any) -> None:
    """Body of the child process: own process group, run, report, answer."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # meant for a CBC process, see above

    def report(x: np.ndarray, objective: float, bound: float) -> None:
        send.send(("incumbent", np.asarray(x, dtype=np.int8), float(objective), float(bound)))

    try:
        value = solve(report)
    except BaseException as exc:  # the parent reports it as a solver error
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        send.send(("done", value))
    finally:
        send.close()


def _kill(child: Any) -> None:
    """Kill the child's process group (a CBC process it started included) and reap it."""
    pid = child.pid
    if pid is not None:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    child.join(5.0)


def should_isolate(n_vars: int, n_entries: int) -> bool:
    """Whether a solve of this size runs under a hard deadline in a child process.

    :data:`siting.settings.solver_isolation` decides: ``"always"``, ``"never"``, or
    ``"auto"``: models of at least :data:`siting.settings.solver_isolation_min_size`
    variables plus row entries (a model of that size costs more to build and solve than the
    few milliseconds a fork costs; a smaller one has never run past its limit).
    """
    from siting import settings

    mode = settings.solver_isolation
    if mode not in ("auto", "always", "never"):
        raise ValueError(
            f"settings.solver_isolation must be 'auto', 'always' or 'never', got {mode!r}"
        )
    if mode == "never" or not can_isolate():
        return False
    return mode == "always" or n_vars + n_entries >= settings.solver_isolation_min_size


def run_backend(
    solve: Callable[[Report], tuple[str, np.ndarray | None, float]],
    *,
    hard_deadline: float,
    interrupt_at: float | None = None,
) -> tuple[str, np.ndarray | None, float, bool]:
    """Run one backend's solve under a hard deadline; return (status, x, gap, stopped).

    ``interrupt_at`` is when a CBC process is asked to stop and hand over its best
    solution (see :func:`run_with_deadline`).

    A stopped solve returns its last reported solution as ``"feasible"`` with the gap to the
    bound reported with it (``nan`` when the backend reported none), or
    ``"no_solution_in_time"``; a child that failed returns ``"error"``.
    """
    out = run_with_deadline(solve, deadline=hard_deadline, interrupt_at=interrupt_at)
    if out.value is not None:
        status, x, gap = out.value
        return str(status), x, float(gap), out.stopped
    if out.stopped and out.incumbent is not None:
        gap = math.nan
        if math.isfinite(out.objective) and math.isfinite(out.bound):
            gap = max(0.0, out.bound - out.objective) / max(1.0, abs(out.objective))
        return "feasible", out.incumbent, gap, True
    if out.stopped:
        return "no_solution_in_time", None, math.nan, True
    return "error", None, math.nan, False
