"""The needs of leads as arrays with a leading lead axis, after a two-site role's split."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from siting import vocab
from siting.criteria import floor_space, site_fit, unknowns
from siting.criteria.site_facts import DOMAIN_INDEX
from siting.inputs.catalogue import Catalogue, resolve_weights
from siting.inputs.profile import Profile


@dataclass(frozen=True)
class LeadParams:
    """The needs of L leads as arrays with a leading lead axis (for :func:`evaluate_batch`).

    Column vectors have shape ``(L, 1)`` so they broadcast against the site arrays ``(N,)``.
    Build it with :meth:`from_profiles`.

    Attributes
    ----------
    role
        ``"single"``, ``"rnd"`` or ``"production"`` (the same for every lead).
    year, land_ha, power_mw, environmental_category, cleanroom_m2
        Needs per lead, ``(L, 1)`` floats (after the role's split).
    vibration_free, heavy_transport, needs_campus
        ``(L, 1)`` bools.
    max_relocation_km
        ``(L, 1)``; NaN when the profile sets no maximum.
    max_delay_years
        ``(L, 1)``: years the grid connection may come after the year needed.
    flexible
        ``(L, 1)`` bools: a flexible grid contract or own storage is acceptable.
    allow_unknown
        ``(L,)`` bools: the profiles' ``allow_unknown``.
    accept_unknown
        ``(L, R)`` bools over :data:`RULES`: whether an unknown fact passes the rule
        (:func:`siting.criteria.unknowns.accept_matrix`).
    talent
        Hires per level of :data:`siting.vocab.EDUCATION_LEVELS`, ``(L, 3)``.
    domains
        ``(L, D)``: how often each NTS domain of :data:`siting.vocab.NTS_DOMAINS` is named.
    origin
        Current location in EPSG:28992 [m], ``(L, 2)``; NaN when not known.
    include_provinces, exclude_provinces
        Per lead, the provinces (empty: no restriction).
    weights
        ``(L, C)``: resolved weights (presets, overrides, role factors) in catalogue order, not
        yet scaled to the applicable criteria.
    fit_checks, qualifies, activity
        The site-fit checks that apply (``(L, 5)`` bools, :func:`site_fit.lead_checks`), the
        sectors each lead belongs to and its activity (after the role's split).
    """

    role: str
    year: np.ndarray
    land_ha: np.ndarray
    power_mw: np.ndarray
    environmental_category: np.ndarray
    cleanroom_m2: np.ndarray
    vibration_free: np.ndarray
    heavy_transport: np.ndarray
    needs_campus: np.ndarray
    max_relocation_km: np.ndarray
    max_delay_years: np.ndarray
    flexible: np.ndarray
    allow_unknown: np.ndarray
    accept_unknown: np.ndarray
    talent: np.ndarray
    domains: np.ndarray
    origin: np.ndarray
    include_provinces: tuple[tuple[str, ...], ...]
    exclude_provinces: tuple[tuple[str, ...], ...]
    weights: np.ndarray
    fit_checks: np.ndarray
    qualifies: tuple[frozenset[str], ...]
    activity: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of leads."""
        return len(self.allow_unknown)

    @classmethod
    def from_profiles(
        cls,
        profiles: Sequence[Profile],
        catalogue: Catalogue,
        *,
        origins: Sequence[tuple[float, float] | None] | None = None,
        role: str = "single",
    ) -> LeadParams:
        """Collect the needs of some profiles.

        Raises
        ------
        SitingInputError
            When a profile weights a criterion the catalogue does not have.
        """
        n = len(profiles)
        origins = [None] * n if origins is None else list(origins)
        names = list(catalogue.criteria)
        factors = cast("Mapping[str, Mapping[str, float]]", catalogue.roles).get(role, {})
        scalars = np.zeros((n, 7))
        flags = np.zeros((n, 5), dtype=bool)
        talent = np.zeros((n, len(vocab.EDUCATION_LEVELS)))
        domains = np.zeros((n, len(DOMAIN_INDEX)))
        origin = np.full((n, 2), np.nan)
        weights = np.zeros((n, len(names)))
        include, exclude, qualifies, activity = [], [], [], []
        fit_checks = np.zeros((n, len(site_fit.CHECKS) - 1), dtype=bool)
        for k, (profile, xy) in enumerate(zip(profiles, origins, strict=True)):
            needs = _role_needs(profile, role, catalogue.params.floor_space_index)
            fit_checks[k], scalars[k], flags[k], talent[k] = _need_row(profile, needs, catalogue)
            qualifies.append(lead_sectors(profile, needs, catalogue))
            activity.append(needs.activity)
            for d in profile.company.nts_domains:
                domains[k, DOMAIN_INDEX[d]] += 1
            if xy is not None:
                origin[k] = xy
            include.append(tuple(profile.constraints.include_provinces))
            exclude.append(tuple(profile.constraints.exclude_provinces))
            resolved = resolve_weights(profile, catalogue)
            for name, factor in factors.items():
                resolved[name] *= factor
            weights[k] = [resolved[name] for name in names]
        col = scalars[:, :, None]
        return cls(
            role=role,
            year=col[:, 0],
            land_ha=col[:, 1],
            power_mw=col[:, 2],
            environmental_category=col[:, 3],
            cleanroom_m2=col[:, 4],
            max_relocation_km=col[:, 5],
            max_delay_years=col[:, 6],
            flexible=flags[:, 4:5],
            vibration_free=flags[:, 0:1],
            heavy_transport=flags[:, 1:2],
            needs_campus=flags[:, 2:3],
            allow_unknown=flags[:, 3].copy(),
            accept_unknown=unknowns.accept_matrix(
                [(p.constraints.allow_unknown, p.constraints.verify) for p in profiles]
            ),
            talent=talent,
            domains=domains,
            origin=origin,
            include_provinces=tuple(include),
            exclude_provinces=tuple(exclude),
            weights=weights,
            fit_checks=fit_checks,
            qualifies=tuple(qualifies),
            activity=tuple(activity),
        )


def _need_row(
    profile: Profile, needs: _RoleNeeds, catalogue: Catalogue
) -> tuple[np.ndarray, list[float], list[bool], list[float]]:
    """Return one lead's site-fit checks, scalar needs, flags and hires (rows of LeadParams).

    ``needs`` are the lead's needs in the role (:func:`_role_needs`).
    """
    checks = _fit_checks(needs, catalogue)
    limit = profile.constraints.max_relocation_km
    scalars = [
        profile.needs.year,
        needs.land_ha,
        needs.power_mw,
        needs.environmental_category,
        needs.cleanroom_m2,
        np.nan if limit is None else limit,
        profile.constraints.max_delay_years,
    ]
    flags = [
        needs.vibration_free,
        needs.heavy_transport,
        needs.needs_campus,
        profile.constraints.allow_unknown,
        profile.constraints.flexible_connection,
    ]
    return checks, scalars, flags, [needs.talent[lvl] for lvl in vocab.EDUCATION_LEVELS]


@dataclass(frozen=True)
class _RoleNeeds:
    land_ha: float
    power_mw: float
    environmental_category: float
    heavy_transport: bool
    vibration_free: bool
    cleanroom_m2: float
    needs_campus: bool
    talent: dict[str, float]
    water_bound: bool = False
    activity: str = "production"


def _role_needs(profile: Profile, role: str, floor_space_index: float = 0.6) -> _RoleNeeds:
    n = profile.needs
    hires = {lvl: float(getattr(n.talent, lvl)) for lvl in vocab.EDUCATION_LEVELS}
    # the floor space needs a plot (:mod:`siting.criteria.floor_space`); R&D keeps its own
    land = floor_space.plot_needed_ha(n.land_ha, n.floor_m2, floor_space_index)
    if role == "single" or profile.two_site is None:
        return _RoleNeeds(
            land,
            n.power_mw,
            n.environmental_category,
            n.heavy_transport,
            n.vibration_free,
            n.cleanroom_m2,
            needs_campus=False,
            talent=hires,
            water_bound=n.water_bound,
            activity=n.activity,
        )
    split = profile.two_site
    if role == "rnd":
        return _RoleNeeds(
            split.rnd_land_ha,
            split.rnd_power_mw,
            1,
            False,
            n.vibration_free,
            n.cleanroom_m2,
            needs_campus=bool(profile.company.nts_domains),
            talent={**hires, "mbo": 0.0},
            activity="rnd",
        )
    return _RoleNeeds(
        land,
        n.power_mw - split.rnd_power_mw,
        n.environmental_category,
        n.heavy_transport,
        False,
        0.0,
        needs_campus=False,
        talent={"mbo": hires["mbo"], "hbo": 0.0, "wo": 0.0},
        water_bound=n.water_bound,
        activity="production",
    )


def _fit_checks(needs: _RoleNeeds, catalogue: Catalogue) -> np.ndarray:
    """Return which site-fit checks apply to a lead's needs in a role."""
    return site_fit.lead_checks(
        environmental_category=needs.environmental_category,
        water_bound=needs.water_bound,
        heavy_transport=needs.heavy_transport,
        activity=needs.activity,
        hazardous_from=catalogue.params.hazardous_category_from,
        industrial_from=catalogue.params.industrial_category_from,
    )


def batch_fit_checks(
    profile: Profile, needs: _RoleNeeds, catalogue: Catalogue
) -> tuple[np.ndarray, frozenset[str]]:
    """Return the site-fit checks of one lead in a role, and the sectors it belongs to."""
    checks = _fit_checks(needs, catalogue)
    return checks, lead_sectors(profile, needs, catalogue)


def lead_sectors(profile: Profile, needs: _RoleNeeds, catalogue: Catalogue) -> frozenset[str]:
    """Return the sectors a lead belongs to in a role (:func:`site_fit.sectors`)."""
    return site_fit.sectors(
        profile.constraints.qualifies_for,
        water_bound=needs.water_bound,
        heavy_transport=needs.heavy_transport,
        environmental_category=needs.environmental_category,
        industrial_from=catalogue.params.industrial_category_from,
    )
