"""Reading TOML inputs (profiles, scenarios, the criteria catalogue, data catalogs)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError


def read_toml(path: str | Path, *, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """Read a TOML file, or raise a located :class:`~siting.SitingInputError`.

    Parameters
    ----------
    path
        The file.
    parse_float
        Turns the text of each TOML float into a value (as :func:`tomllib.load`).

    Returns
    -------
    dict
        Its content.

    Raises
    ------
    SitingInputError
        For a missing, unreadable or invalid file (the message names the file).
    """
    path = Path(path)
    file = str(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh, parse_float=parse_float)
    except FileNotFoundError:
        raise SitingInputError(Problem(file=file, message="file not found")) from None
    except IsADirectoryError:
        raise SitingInputError(Problem(file=file, message="is a folder, not a file")) from None
    except tomllib.TOMLDecodeError as exc:
        raise SitingInputError(Problem(file=file, message=f"not valid TOML: {exc}")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot read: {exc}")) from None
