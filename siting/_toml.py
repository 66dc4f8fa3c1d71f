"""Reading TOML inputs (profiles, scenarios, the criteria catalogue, data catalogs)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import MAX_TOML_BYTES, read_capped


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
        For a missing, unreadable, too large (:data:`~siting._reading.MAX_TOML_BYTES`) or
        invalid file, nesting too deep to read included (the message names the file). A
        UTF-8 byte-order mark (as some Windows editors write) is accepted.
    """
    path = Path(path)
    file = str(path)
    try:
        data = read_capped(path, limit=MAX_TOML_BYTES, what="TOML file")
        text = data.decode("utf-8").removeprefix("\ufeff")
        return tomllib.loads(text, parse_float=parse_float)
    except FileNotFoundError:
        raise SitingInputError(Problem(file=file, message="file not found")) from None
    except IsADirectoryError:
        raise SitingInputError(Problem(file=file, message="is a folder, not a file")) from None
    except tomllib.TOMLDecodeError as exc:
        raise SitingInputError(
            Problem(
                file=file, message=f"not valid TOML: {excerpt(str(exc), limit=200, quote=False)}"
            )
        ) from None
    except UnicodeDecodeError as exc:
        raise SitingInputError(
            Problem(file=file, message=f"not UTF-8 text (byte {exc.start}); save it as UTF-8")
        ) from None
    except RecursionError:
        raise SitingInputError(
            Problem(
                file=file,
                message="nested too deeply to read (tables or lists inside "
                "each other hundreds of levels deep): not a profile, scenario or catalogue",
            )
        ) from None
    except OSError as exc:
        raise SitingInputError(
            Problem(file=file, message=f"cannot read: {exc.strerror or exc}")
        ) from None
