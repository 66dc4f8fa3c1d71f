"""Typed, documented defaults for the whole package.

Functions take ``None`` for these options and fall back to the values here, so a session
(or a test) can change a default once::

    import siting
    siting.settings.geodata_dir = Path("my_data")
"""

from __future__ import annotations

from pathlib import Path

#: Working CRS for every distance and area: RD New [m].
working_crs: str = "EPSG:28992"

#: CRS in which maps are drawn and in which the embedded CSV layers store lon/lat.
display_crs: str = "EPSG:4326"

_PACKAGE = Path(__file__).resolve().parent
#: Where an installed wheel holds the embedded data: the build copies the top-level
#: ``geodata/`` and ``models/`` folders into the package (see ``setup.py``).
_SHIPPED = _PACKAGE / "_embedded"


def _located(name: str) -> Path:
    """Return the copy shipped in an installed wheel, else ``<checkout>/<name>``."""
    shipped = _SHIPPED / name
    return shipped if shipped.is_dir() else _PACKAGE.parent / name


#: Folder of the embedded Netherlands dataset (the default data the tool runs on):
#: ``geodata/`` of the checkout, or its copy inside the installed package.
embedded_geodata_dir: Path = _located("geodata")

#: Simplified municipality and province boundaries (GeoJSON, WGS84) for offline maps.
boundaries_dir: Path = embedded_geodata_dir / "boundaries"

#: Folder of the analyst-editable model inputs (criteria catalogue, example cases):
#: ``models/`` of the checkout, or its copy inside the installed package.
models_dir: Path = _located("models")

#: The criteria catalogue used when none is given.
criteria_file: Path = models_dir / "criteria.toml"

#: Folder the loaders read when none is given; ``None`` means the embedded dataset.
geodata_dir: Path | None = None

#: Commuting reach for talent: beyond this distance a municipality's talent counts zero [km].
talent_reach_km: float = 45.0

#: Distance at which a municipality's talent counts half (exponential distance decay) [km].
talent_half_distance_km: float = 15.0

#: With a travel-time matrix (``--travel-times``): talent counts half at this travel time
#: [min] (15 km straight line at about 45 km/h door to door) ...
talent_half_minutes: float = 20.0

#: ... and not at all beyond this one [min] (45 km at the same speed).
talent_reach_minutes: float = 60.0

#: A campus counts as "within reach" of a site up to this distance [km].
campus_reach_km: float = 25.0

#: A dated fact (an available area, a status) older than this many years is a fact to confirm,
#: never taken as it stands [years].
fact_max_age_years: int = 5

#: The year facts are judged against (their age); ``None`` for the current calendar year.
facts_reference_year: int | None = None

#: Default MIP solver (``"cbc"``, ``"highs"`` or ``"cp-sat"``). HiGHS: it solves the reduced
#: MILP of a 500-lead assignment in about a seventh of CBC's time and ranks one lead faster
#: (README, "Performance").
default_solver: str = "highs"

#: Default solver time limit [s].
time_limit_s: float = 30.0

#: A solve still running this long after its time limit is killed and reports the best
#: solution it had found; a third of it after the limit, a CBC process is asked to stop and
#: hand over its best solution (:mod:`siting.model.isolation`) [s].
solver_margin_s: float = 3.0

#: Where a solve runs: ``"auto"`` (in a child process with that hard limit when the model has
#: at least :data:`solver_isolation_min_size` variables plus row entries, else in-process),
#: ``"always"`` or ``"never"`` (in-process, under the backend's own limit only).
solver_isolation: str = "auto"

#: Model size (variables plus row entries) from which ``"auto"`` isolates a solve.
solver_isolation_min_size: int = 20_000

#: Whether a batch assignment asked for a gap (``gap_rel > 0``) first solves the LP
#: relaxation of stage 1 with HiGHS and rounds it (:mod:`siting.model.assignment.relaxation`):
#: ``"auto"`` (for models of at least :data:`relaxation_min_pairs` kept pairs), ``"always"``
#: or ``"never"``.
assignment_relaxation: str = "auto"

#: Kept pairs (variables of stage 1) from which ``"auto"`` takes the relaxation first.
relaxation_min_pairs: int = 20_000

#: Time the re-solves of the value of capacity (and of relief one year earlier) may take
#: together, as a multiple of the main solve's time [-]; at least
#: :data:`capacity_values_min_s`. The rows with most leads competing are re-solved first; a
#: re-solve stopped by this budget gives a lower bound, and the rows left are said in the note.
capacity_values_time_share: float = 2.0

#: The least time the value of capacity gets, however fast the main solve was [s].
capacity_values_min_s: float = 10.0

#: Keep validated layers and site tables in an on-disk cache, so a new process skips reading,
#: checking and joining unchanged layer files (:mod:`siting.layers.cache`).
disk_cache: bool = True

#: Folder of that cache; ``None`` for ``$SITING_CACHE_DIR``, else ``$XDG_CACHE_HOME/siting``,
#: else ``~/.cache/siting``.
cache_dir: Path | None = None


def resolve_geodata_dir(geodata_dir: str | Path | None = None) -> Path:
    """Return the data folder to read: the argument, else the setting, else the embedded data.

    Parameters
    ----------
    geodata_dir
        A folder with the layer files, or ``None`` for the configured default.

    Returns
    -------
    Path
        An absolute path (not checked for existence here).
    """
    if geodata_dir is not None:
        return Path(geodata_dir).expanduser().resolve()
    if globals()["geodata_dir"] is not None:
        return Path(globals()["geodata_dir"]).expanduser().resolve()
    return embedded_geodata_dir


def reference_year() -> int:
    """Return the year the age of dated facts is judged against.

    Returns
    -------
    int
        :data:`facts_reference_year`, or the current calendar year when that is ``None``.
    """
    import datetime

    year = globals()["facts_reference_year"]
    return datetime.date.today().year if year is None else int(year)
