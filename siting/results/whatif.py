"""Result objects of the what-if tools: comparisons of cases and parameter sweeps.

Frozen dataclasses with ``to_dict()`` (JSON-ready), made by :func:`siting.jobs.compare.compare`
and :func:`siting.jobs.sweep.sweep`, read by the outputs (terminal, tables, charts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from siting.results.ranking import RankingResult, json_ready

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd

    from siting.inputs.profile import Profile
    from siting.layers.load import GeoData


@dataclass(frozen=True)
class RankedSite:
    """One site of a top list."""

    rank: int
    site_id: str
    name: str
    municipality: str
    utility: float


@dataclass(frozen=True)
class SiteChange:
    """What happened to one site between the base and a variant, and why.

    Attributes
    ----------
    site_id, name, municipality
        Which site.
    change
        ``"moved up"``, ``"moved down"``, ``"entered the top"``, ``"left the top"``,
        ``"became feasible"``, ``"became infeasible"``, ``"added"`` or ``"withdrawn"``.
    base_rank, new_rank
        Rank among all feasible sites (``None`` when excluded or absent).
    base_outcome, new_outcome
        ``"recommended"``, ``"feasible"``, ``"excluded"`` or ``"absent"``.
    base_utility, new_utility
        Weighted score in [0, 1] (``None`` when absent).
    causes
        The causes in words, most important first.
    """

    site_id: str
    name: str
    municipality: str
    change: str
    base_rank: int | None
    new_rank: int | None
    base_outcome: str
    new_outcome: str
    base_utility: float | None
    new_utility: float | None
    causes: tuple[str, ...]

    @property
    def movement(self) -> str:
        """``#1 -> #3``, ``#4 -> excluded``, ``absent -> #2`` ..."""

        def where(rank: int | None, outcome: str) -> str:
            return f"#{rank}" if rank is not None else outcome

        return (
            f"{where(self.base_rank, self.base_outcome)} -> "
            f"{where(self.new_rank, self.new_outcome)}"
        )


@dataclass(frozen=True)
class VariantComparison:
    """One variant against the base.

    Attributes
    ----------
    name, file
        The variant (scenario name or company id) and where it came from.
    changes
        What the variant changes (profile fields, zones, sites), in words.
    base_feasible, feasible
        Number of feasible sites in the base and in the variant.
    top
        The variant's top sites.
    moves
        Sites in either top whose rank changed (incl. entering and leaving the top).
    became_feasible, became_infeasible
        Sites whose feasibility changed (added and withdrawn sites included).
    summary
        One paragraph in words.
    result
        The variant's full ranking.
    """

    name: str
    file: str
    changes: tuple[str, ...]
    base_feasible: int
    feasible: int
    top: tuple[RankedSite, ...]
    moves: tuple[SiteChange, ...]
    became_feasible: tuple[SiteChange, ...]
    became_infeasible: tuple[SiteChange, ...]
    summary: str
    result: RankingResult = field(repr=False)
    profile: Profile = field(repr=False, compare=False)
    data: GeoData = field(repr=False, compare=False)

    def to_dict(self, *, full: bool = True) -> dict[str, Any]:
        """JSON-ready data; ``full`` adds the variant's whole ranking under ``result``."""
        out = {
            "name": self.name,
            "file": self.file,
            "changes": list(self.changes),
            "base_feasible": self.base_feasible,
            "feasible": self.feasible,
            "top": [asdict(s) for s in self.top],
            "moves": [_change_dict(c) for c in self.moves],
            "became_feasible": [_change_dict(c) for c in self.became_feasible],
            "became_infeasible": [_change_dict(c) for c in self.became_infeasible],
            "summary": self.summary,
        }
        if full:
            out["result"] = self.result.to_dict()
        return json_ready(out)


@dataclass(frozen=True)
class Comparison:
    """A base case and its variants, ranked and compared.

    Attributes
    ----------
    base_name, base_file
        The base case.
    top
        Length of the top lists compared.
    base_top
        The base's top sites.
    base
        The base's full ranking.
    variants
        One comparison per variant, in the order given.
    """

    base_name: str
    base_file: str
    top: int
    base_top: tuple[RankedSite, ...]
    base: RankingResult = field(repr=False)
    variants: tuple[VariantComparison, ...] = ()
    base_profile: Profile | None = field(default=None, repr=False, compare=False)
    base_data: GeoData | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        variants = "; ".join(
            f"{v.name}: {v.base_feasible} -> {v.feasible} feasible, {len(v.moves)} moved"
            for v in self.variants
        )
        return f"<Comparison base {self.base_name!r} (top {self.top}); {variants}>"

    def to_frame(self) -> pd.DataFrame:
        """Return the top lists side by side, one row per variant and rank."""
        from siting.outputs.whatif_frames import comparison_frame

        return comparison_frame(self)

    def to_dict(self, *, full: bool = True) -> dict[str, Any]:
        """JSON-ready data; ``full`` adds every whole ranking (``base.result``, ...)."""
        base: dict[str, Any] = {
            "name": self.base_name,
            "file": self.base_file,
            "feasible": self.base.n_feasible,
            "top": [asdict(s) for s in self.base_top],
        }
        if full:
            base["result"] = self.base.to_dict()
        return json_ready(
            {
                "top": self.top,
                "base": base,
                "variants": [v.to_dict(full=full) for v in self.variants],
            }
        )


def _change_dict(change: SiteChange) -> dict[str, Any]:
    return {**asdict(change), "movement": change.movement}


@dataclass(frozen=True)
class SweepStep:
    """The ranking at one value of the swept parameter.

    Attributes
    ----------
    value
        The parameter's value.
    n_feasible
        Feasible sites (verified and to confirm).
    top
        The top sites.
    n_verified
        Feasible sites that rely on no unknown fact (verified).
    verified_by_rule
        Per rule (label): the feasible sites on which it passes on the data, not to confirm.
    """

    value: float
    n_feasible: int
    top: tuple[RankedSite, ...]
    n_verified: int = 0
    verified_by_rule: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class SiteTrack:
    """One site along the sweep (every site that is in the top at some value).

    Attributes
    ----------
    site_id, name, municipality
        Which site.
    ranks
        Per value: rank among the feasible sites, ``None`` when excluded.
    utilities
        Per value: weighted score in [0, 1].
    events
        Where it enters or leaves the feasible set or the top, in words (with the rules).
    """

    site_id: str
    name: str
    municipality: str
    ranks: tuple[int | None, ...]
    utilities: tuple[float, ...]
    events: tuple[str, ...]


@dataclass(frozen=True)
class Sweep:
    """Rankings along one numeric parameter.

    Attributes
    ----------
    case
        The case's name.
    parameter
        The swept path (``needs.power_mw``).
    values
        The values, in order.
    top
        Length of the top lists.
    steps
        One per value.
    tracks
        Every site that is in the top at some value, best first at the first value.
    summary
        In words: where sites drop out or enter.
    """

    case: str
    parameter: str
    values: tuple[float, ...]
    top: int
    steps: tuple[SweepStep, ...]
    tracks: tuple[SiteTrack, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return json_ready(asdict(self))

    def __repr__(self) -> str:
        return (
            f"<Sweep {self.case!r} along {self.parameter}: {len(self.values)} values from "
            f"{self.values[0]:g} to {self.values[-1]:g}, {len(self.tracks)} sites in a top "
            f"{self.top}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the top sites per value (one row per value and rank)."""
        from siting.outputs.whatif_frames import sweep_frame

        return sweep_frame(self)

    def drop_out_value(self, site_id: str) -> float | None:
        """Return the first value at which a site feasible at the previous value is excluded."""
        for track in self.tracks:
            if track.site_id == site_id:
                for k in range(1, len(self.values)):
                    if track.ranks[k - 1] is not None and track.ranks[k] is None:
                        return self.values[k]
        return None
