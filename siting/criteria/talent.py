r"""Talent within reach: the true ratio of workforce in reach to staff to hire, and its score.

The raw value of ``talent_fit`` is the **true ratio**, never clipped: the technical workforce
within commuting reach of the levels the company hires, per FTE it hires,

.. math:: r = \sum_k P_k / \sum_k n_k

(:math:`P_k` the distance-weighted workforce estimate of level :math:`k` within reach,
:math:`n_k` the hires at that level), which equals the hire-weighted mean of the per-level
ratios :math:`r_k = P_k / n_k`. The score is the hire-weighted mean of per-level scores, so a
huge pool at one level cannot hide a thin one at another. With ``normalise = "log_ratio"``
(``models/criteria.toml``) the per-level score is logarithmic between a floor and the national
top:

.. math:: s_k = \mathrm{clip}\left(\frac{\ln(r_k / f)}{\ln(Q_k / (n_k f))}, 0, 1\right)

with :math:`f` the ``floor`` (FTE in reach per hire that scores 0) and :math:`Q_k` the
``full_quantile`` (0.95) of :math:`P_k` over the sites of the site table: a site in the
country's top 5 % labour markets for the level scores 1, and each doubling of the pool adds
the same to the score. A log scale separates the Randstad, Brainport and Twente markets from
the periphery where a cap (``ratio_cap``: :math:`\min(r_k, cap) / cap`) makes both read
"full" once the pool passes the cap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from siting.inputs.catalogue import CriterionSpec

#: What the workforce pools are, for readers: kind and year (geodata/catalog.toml, stem_talent).
WORKFORCE_LABEL = "technical workforce estimate (CBS 2021 x DUO 2019 shares)"


def national_tops(pools: Mapping[str, np.ndarray], quantile: float) -> dict[str, float]:
    """Return per level the ``quantile`` of its pool over the sites (NaN ignored) [FTE].

    Parameters
    ----------
    pools
        Level -> workforce within reach per site [FTE est.].
    quantile
        In (0, 1].
    """
    out = {}
    for level, pool in pools.items():
        finite = pool[np.isfinite(pool)]
        out[level] = float(np.quantile(finite, quantile)) if finite.size else np.nan
    return out


class TalentFit:
    """The true ratio and the score of ``talent_fit`` for L leads on N sites, cell by cell.

    Both are computed only for the cells read (:meth:`raw`, :meth:`score`, for lead and site
    index arrays that broadcast against each other), with the same operations whatever the
    cells, so a few cells read equal the same cells of the whole array.

    Parameters
    ----------
    talent
        ``(L, K)`` hires per level [FTE], levels in the order of ``levels``.
    levels
        The education levels.
    pools
        Level -> ``(N,)`` workforce within reach [FTE est.] (NaN unknown).
    crit
        The criterion (``ratio_cap`` with ``cap``, or ``log_ratio`` with ``floor`` and
        ``full_quantile``).
    tops
        Level -> the national top of its pool (:func:`national_tops`) [FTE est.], for
        ``log_ratio``; computed here when not given (it depends on the sites only).
    """

    def __init__(
        self,
        talent: np.ndarray,
        levels: Sequence[str],
        pools: Mapping[str, np.ndarray],
        crit: CriterionSpec,
        tops: Mapping[str, float] | None = None,
    ) -> None:
        self.talent = np.asarray(talent, dtype=float)
        self.pools = [pools[level] for level in levels]
        self.crit = crit
        if tops is None and crit.normalise == "log_ratio":
            tops = national_tops(pools, float(crit.full_quantile or 0.95))
        self.tops = [float((tops or {}).get(level, np.nan)) for level in levels]
        total = np.zeros(len(self.talent))
        for k in range(self.talent.shape[1]):  # summed in order, as Python's sum
            total += self.talent[:, k]
        self.staffed = total > 0
        self.total = np.where(self.staffed, total, 1.0)
        self.hired = [bool((self.talent[:, k] > 0).any()) for k in range(self.talent.shape[1])]

    def raw(self, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Return the FTE in reach per FTE to hire at the cells.

        0 for a lead that hires nobody; NaN where a hired level's pool is unknown.
        """
        out = np.zeros(np.broadcast_shapes(np.shape(leads), np.shape(sites)))
        for k, pool in enumerate(self.pools):
            if self.hired[k]:
                out += np.where(self.talent[leads, k] > 0, pool[sites], 0.0)
        return np.where(self.staffed[leads], out / self.total[leads], 0.0)

    def score(self, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Return the score at the cells, in [0, 1] (0 where the raw value is unknown)."""
        out = np.zeros(np.broadcast_shapes(np.shape(leads), np.shape(sites)))
        total = self.total[leads]
        for k, pool in enumerate(self.pools):
            if not self.hired[k]:
                continue
            need = self.talent[leads, k]
            hires = need > 0
            safe = np.where(hires, need, 1.0)
            ratio = np.where(hires, pool[sites], 0.0) / safe
            level_score = _level_score(ratio, safe, self.tops[k], self.crit)
            out += np.where(hires, need / total * np.nan_to_num(level_score, nan=0.0), 0.0)
        return np.clip(out, 0.0, 1.0)


def _level_score(
    ratio: np.ndarray, need: np.ndarray, top: float, crit: CriterionSpec
) -> np.ndarray:
    """Per-level score of ratios for hires ``need`` (arrays that broadcast, one per cell)."""
    if crit.normalise == "ratio_cap":
        assert crit.cap is not None
        return np.minimum(ratio, crit.cap) / crit.cap
    floor = float(crit.floor or 1.0)
    full = top / need  # the ratio the national top gives for this hire
    with np.errstate(divide="ignore", invalid="ignore"):
        span = np.log(full / floor)
        value = np.log(np.maximum(ratio, 1e-12) / floor) / np.where(span > 0, span, 1.0)
    # a hire so large that even the national top gives less than the floor: only the top
    # itself scores, and fully
    thin = ~(span > 0)
    value = np.where(thin, np.where(ratio >= full, 1.0, 0.0), value)
    return np.clip(value, 0.0, 1.0)


def describe_pipeline(i: int, raw: float, talent: Mapping[str, float]) -> str:
    """Say the hire-weighted students in reach of site ``i``, with each count's kind and year."""
    from siting.layers.site_table import STUDENT_LABELS

    if not np.isfinite(raw):
        return "unknown"
    kinds = "; ".join(STUDENT_LABELS[level] for level, need in talent.items() if need > 0)
    return f"{raw:,.0f} students (hire-weighted: {kinds})"


def describe_fit(
    i: int, raw: float, talent: Mapping[str, float], pools: Mapping[str, np.ndarray]
) -> str:
    """Say the true ratio and each hired level's pool per hire of site ``i``, with its kind."""
    if not np.isfinite(raw):
        return "unknown (no workforce estimate for the site's municipality)"
    parts = [
        f"{level} {pools[level][i] / need:,.0f} per hire"
        for level, need in talent.items()
        if need > 0 and np.isfinite(pools[level][i])
    ]
    return f"{raw:,.0f} FTE in reach per FTE to hire ({'; '.join(parts)}; {WORKFORCE_LABEL})"
