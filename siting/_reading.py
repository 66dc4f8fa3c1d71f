"""Reading an input file with a cap on its size, so an input that never ends cannot hang a run.

``/dev/zero``, a named pipe that keeps writing, or a file of many gigabytes given by mistake
ends in a located :class:`~siting.SitingInputError` after :data:`MAX_TEXT_BYTES` (or the
reader's own cap) instead of filling the memory.
"""

from __future__ import annotations

from pathlib import Path

from siting._errors import Problem, SitingInputError

#: Largest text input read (a leads table, a result file, a capacity-map export) [bytes].
MAX_TEXT_BYTES: int = 512 * 2**20
#: Largest TOML file read (a profile, a scenario, the criteria catalogue) [bytes].
MAX_TOML_BYTES: int = 16 * 2**20


def read_capped(path: str | Path, *, limit: int = MAX_TEXT_BYTES, what: str = "input") -> bytes:
    """Return the bytes of a file, or raise when it holds more than ``limit`` bytes.

    Parameters
    ----------
    path
        The file (a regular file, or a pipe or device that ends).
    limit
        Most bytes accepted [bytes].
    what
        What the file should be, for the message (``"profile"``, ``"leads table"``).

    Returns
    -------
    bytes

    Raises
    ------
    SitingInputError
        When the file holds more than ``limit`` bytes.
    OSError
        When it cannot be opened or read (the caller words that).
    """
    with Path(path).open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise SitingInputError(
            Problem(
                file=str(path),
                message=f"more than {limit / 2**20:,.0f} MiB: too large for a {what} "
                "(or an input that never ends, such as /dev/zero); nothing was read",
            )
        )
    return data
