"""The summary of a screening: leads per status, per region, and the rules that block most."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from siting.results.screening import (
    UNKNOWN_REGION,
    RegionLine,
    RuleLine,
    ScreenedLead,
    ScreenSummary,
)


def _summarise(leads: Sequence[ScreenedLead], *, blank_rows: int) -> ScreenSummary:
    counts = Counter(lead.status for lead in leads)
    regions: dict[str, list[ScreenedLead]] = {}
    for lead in leads:
        regions.setdefault(lead.region, []).append(lead)
    region_lines = []
    for region, members in regions.items():
        status = Counter(m.status for m in members)
        blocking = Counter(m.blocking_label for m in members if m.status == "no_feasible_site")
        top_rule, top_count = (
            min(blocking.items(), key=lambda kv: (-kv[1], kv[0])) if blocking else ("", 0)
        )
        region_lines.append(
            RegionLine(
                region=region,
                leads=len(members),
                placed=status["ok"],
                nowhere=status["no_feasible_site"],
                invalid=status["invalid_input"],
                top_blocking_rule=top_rule,
                top_blocking_leads=top_count,
            )
        )
    region_lines.sort(key=lambda r: (r.region == UNKNOWN_REGION, -r.leads, r.region))
    most = Counter(m.blocking_label for m in leads if m.status == "no_feasible_site")
    sole = Counter(
        label for m in leads if m.status == "no_feasible_site" for label in m.sole_blockers
    )
    rules = [
        RuleLine(label=label, most_restrictive=most[label], sole_blocker=sole[label])
        for label in set(most) | set(sole)
    ]
    rules.sort(key=lambda r: (-r.most_restrictive, -r.sole_blocker, r.label))
    return ScreenSummary(
        leads_in=len(leads),
        placed=counts["ok"],
        nowhere=counts["no_feasible_site"],
        invalid=counts["invalid_input"],
        errors=counts["error"],
        blank_rows=blank_rows,
        regions=tuple(region_lines),
        rules=tuple(rules),
    )
