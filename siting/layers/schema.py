"""The contract of each data layer: its file, id, columns, types and allowed values.

A layer is a table of records; point layers carry WGS84 ``lon``/``lat`` in CSV form or a
geometry column in GeoPackage / GeoJSON form. The loaders parse and validate against these
specifications (see :mod:`siting.layers.validate`) and document them in ``geodata/README.md``.
"""

from __future__ import annotations

from siting import vng, vocab
from siting.layers.columns import (
    DAY_PATTERN,
    GM_CODE_PATTERN,
    MONTH_PATTERN,
    SLUG_PATTERN,
    Column,
    Kind,
    LayerSpec,
)
from siting.layers.specs_grid import (
    GRID_AREA_KINDS,
    GRID_AREA_LINKS,
    GRID_AREAS,
    GRID_CONGESTION,
)
from siting.layers.specs_places import (
    CAMPUSES,
    MUNICIPALITIES,
    STEM_TALENT,
    TALENT_MEASURES,
)
from siting.layers.specs_sites import (
    HOTSPOTS,
    MUNICIPAL_MERGERS,
    SITES,
)

__all__ = [
    "CAMPUSES",
    "DAY_PATTERN",
    "GM_CODE_PATTERN",
    "GRID_AREAS",
    "GRID_AREA_KINDS",
    "GRID_AREA_LINKS",
    "GRID_CONGESTION",
    "HOTSPOTS",
    "LAYERS",
    "MONTH_PATTERN",
    "MUNICIPALITIES",
    "MUNICIPAL_MERGERS",
    "SITES",
    "SLUG_PATTERN",
    "STEM_TALENT",
    "TALENT_MEASURES",
    "Column",
    "Kind",
    "LayerSpec",
    "schema_markdown",
]

#: Every layer, in load order (municipalities first: the others are checked against it).
LAYERS: tuple[LayerSpec, ...] = (
    MUNICIPALITIES,
    MUNICIPAL_MERGERS,
    STEM_TALENT,
    CAMPUSES,
    SITES,
    GRID_CONGESTION,
    HOTSPOTS,
    GRID_AREAS,
    GRID_AREA_LINKS,
)


def schema_markdown() -> str:
    """Render the layer contracts as the Markdown of ``geodata/README.md``.

    Returns
    -------
    str
        One section per layer with a table of its columns.
    """
    lines = [
        "# The embedded Netherlands dataset: layer schemas",
        "",
        "Generated from `siting/layers/schema.py` by `python scripts/write_schema_doc.py`; a test",
        "keeps it in step. Where each figure comes from and how sure it is:",
        "[SOURCES.md](SOURCES.md).",
        "",
        "Files are UTF-8 CSV with a header row; lists inside a cell are `;`-separated; booleans",
        "are `true`/`false`; an empty cell means unknown. Point layers give WGS84 `lon`/`lat`",
        "(EPSG:4326); the loaders return every layer in RD New (EPSG:28992). A user data folder",
        "(`--geodata DIR`) may hold any of these layers as `<stem>.csv`, `<stem>.gpkg` or",
        "`<stem>.geojson` (GeoPackage/GeoJSON with a CRS and point or polygon geometry instead",
        "of `lon`/`lat`); the layers it lacks come from this folder.",
        "",
        "Confidence values: "
        + "; ".join(f"`{k}`: {v}" for k, v in vocab.CONFIDENCE_LEVELS.items())
        + ".",
        "",
    ]
    for spec in LAYERS:
        lines += [
            f"## {spec.name} (`{spec.stem}.csv`)",
            "",
            spec.doc + f" Unique id: `{spec.id_column}`.",
            "",
            "| column | type | required | meaning | allowed |",
            "|---|---|---|---|---|",
        ]
        for col in spec.columns:
            allowed = ""
            if col.allowed is not None:
                allowed = ", ".join(f"`{a}`" for a in col.allowed)
            elif col.pattern is not None:
                allowed = f"`{col.pattern}`"
            elif col.kind == "category":
                allowed = ", ".join(f"`{v:g}`" for v in vng.CATEGORIES)
            bounds = [
                f">= {col.minimum:g}" if col.minimum is not None else "",
                f"<= {col.maximum:g}" if col.maximum is not None else "",
            ]
            allowed = " ".join(b for b in [allowed, *bounds] if b)
            required = "yes" if col.required else ("column optional" if col.optional_column else "")
            lines.append(f"| `{col.name}` | {col.kind} | {required} | {col.doc} | {allowed} |")
        lines.append("")
    return "\n".join(lines)
