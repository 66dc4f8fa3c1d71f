"""Located problems from pydantic's validation errors of a profile.

Used by :func:`siting.inputs.profile.parse_profile`: each error becomes a
:class:`~siting.Problem` naming the file, the row (of a leads table) and the key, quoting the
input only as a short excerpt and never the value of a confidential key.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from siting._errors import Problem, excerpt

#: Keys whose values are confidential: no message ever quotes them.
CONFIDENTIAL_KEYS: frozenset[str] = frozenset({"company.name"})


def validation_problem(err: Any, *, file: str, row: int | None, model: type[BaseModel]) -> Problem:
    """Build the located problem of one pydantic error, quoting the input only as an excerpt.

    pydantic's own message can repeat the input; the message is built from its parts here,
    and never quotes the value of a confidential key (:data:`CONFIDENTIAL_KEYS`). ``model`` is
    the model validated (for the keys allowed where a key is unknown).
    """
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        parent = loc.rsplit(".", 1)[0] if "." in loc else ""
        message = f"unknown key; allowed here: {', '.join(_allowed_keys(model, parent))}"
    elif kind == "missing":
        message = "required key is missing"
    elif loc in CONFIDENTIAL_KEYS:
        message = _confidential_message(kind, err)
    elif "input" in err and kind not in ("model_type", "value_error"):
        message = f"{message} (got {excerpt(err['input'])})"
    return Problem(
        file=file,
        row=row,
        column=loc or None,
        message=message,
        label="column" if row is not None else "key",
    )


def _confidential_message(kind: str, err: Any) -> str:
    """Say what is wrong with a confidential value without quoting any of it."""
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        return f"too long: at most {limit} characters" if limit else "too long"
    if kind.startswith("string"):
        return "must be text"
    return "not a valid value (not shown: confidential)"


def _allowed_keys(model: type[BaseModel], parent: str) -> list[str]:
    """Return the keys allowed under ``parent`` (dotted) of ``model``; none if it is no table."""
    for part in [p for p in parent.split(".") if p]:
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        candidates = [
            a
            for a in getattr(annotation, "__args__", (annotation,))
            if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        if not candidates:
            return []
        model = candidates[0]
    return list(model.model_fields)
