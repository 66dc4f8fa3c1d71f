"""Progress of long jobs, reported through a small protocol (no user interface here).

The long jobs (:func:`siting.screen_leads`, :func:`siting.assign_leads`,
:func:`siting.compare`, :func:`siting.sweep`) take ``progress=``:

- ``None``: nothing is reported;
- a callable ``progress(done, total)``, called as work completes;
- an object with the methods of :class:`Progress`: ``stage(name, total)`` when a stage starts
  (``total`` ``None`` when its length is not known, e.g. a solver run) and
  ``advance(done)`` as it goes.

The command line passes a rich progress display
(:class:`siting.outputs.terminal.progress.RichProgress`); the jobs never import a user
interface.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Progress(Protocol):
    """What a job reports: stages, each with its length, and the work done in it."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage of ``total`` steps (``None``: length not known)."""

    def advance(self, done: int) -> None:
        """Report that ``done`` steps of the current stage are complete."""


#: What the jobs accept as ``progress=``.
ProgressArg = Progress | Callable[[int, int], None] | None


class _Silent:
    """Reports nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore the stage."""

    def advance(self, done: int) -> None:
        """Ignore the step."""


class _Callback:
    """Turns ``stage``/``advance`` into calls of ``callback(done, total)``."""

    def __init__(self, callback: Callable[[int, int], None]) -> None:
        self._callback = callback
        self._total = 0

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage; a stage of known length is reported as ``(0, total)``."""
        self._total = 0 if total is None else int(total)
        if total is not None:
            self._callback(0, self._total)

    def advance(self, done: int) -> None:
        """Report ``(done, total)``."""
        self._callback(int(done), self._total)


def progress_reporter(progress: ProgressArg) -> Progress:
    """Return a :class:`Progress` for what a job was given as ``progress=``.

    Parameters
    ----------
    progress
        ``None``, a callable ``progress(done, total)`` or a :class:`Progress`.

    Returns
    -------
    Progress

    Raises
    ------
    TypeError
        For anything else.
    """
    if progress is None:
        return _Silent()
    if isinstance(progress, Progress):
        return progress
    if callable(progress):
        return _Callback(progress)
    raise TypeError(
        f"progress must be None, a callable (done, total) or a Progress, got "
        f"{type(progress).__name__}"
    )
