"""Read a ranking saved with ``siting rank --json`` (for ``siting map``), or say why not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped

if TYPE_CHECKING:
    from siting.results.ranking import RankingResult


def read_ranking(path: Path) -> RankingResult:
    """Read a ranking saved as JSON, or raise a located input error."""
    from siting.results.ranking_dict import ranking_from_dict
    from siting.results.values import check_types

    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    try:
        data = json.loads(read_capped(path, what="result file").decode("utf-8"))
    except UnicodeDecodeError:
        raise SitingInputError(
            Problem(
                file=file,
                message="not a text (UTF-8) file; expected the JSON of `siting rank --json`",
            )
        ) from None
    except json.JSONDecodeError as exc:
        raise SitingInputError(
            Problem(
                file=file, row=exc.lineno, message=f"not valid JSON (column {exc.colno}): {exc.msg}"
            )
        ) from None
    except RecursionError:
        raise SitingInputError(
            Problem(file=file, message="nested too deeply to read: not a saved ranking")
        ) from None
    if not isinstance(data, dict):
        raise SitingInputError(
            Problem(
                file=file,
                message="not a ranking saved with `siting rank --json` (expected an object)",
            )
        )
    try:
        result = ranking_from_dict(data)
        check_types(result)
        return result
    except KeyError as exc:
        raise SitingInputError(
            Problem(
                file=file,
                column=str(exc.args[0]),
                label="key",
                message="missing: not a ranking saved with `siting rank --json`",
            )
        ) from None
    except (TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        raise SitingInputError(
            Problem(
                file=file,
                message="not a ranking saved with `siting rank --json`: "
                f"{excerpt(str(exc), limit=120, quote=False)}",
            )
        ) from None
