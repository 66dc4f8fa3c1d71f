"""Rich progress bars for the long jobs, as a :class:`siting.progress.Progress`."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class RichProgress:
    """Show each stage of a job as a rich progress bar (a spinner when its length is unknown).

    Use as a context manager and pass it as ``progress=`` to a job::

        with RichProgress(console) as progress:
            result = assign_leads(table, progress=progress)

    Parameters
    ----------
    console
        Where to draw (the command line uses standard error, so the results stay clean).
    transient
        Remove the bars when the job is done.
    """

    def __init__(self, console: Console, *, transient: bool = True) -> None:
        self._bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=transient,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish()
        self._bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a new bar (the previous stage is complete)."""
        self._finish()
        self._task = self._bars.add_task(name, total=total)

    def advance(self, done: int) -> None:
        """Move the current bar to ``done`` steps."""
        if self._task is not None:
            self._bars.update(self._task, completed=done)

    def _finish(self) -> None:
        if self._task is not None:
            task = self._bars.tasks[self._task]
            if task.total is not None:
                self._bars.update(self._task, completed=task.total)
            self._bars.stop_task(self._task)
